"""Reads of discussions: a course's threads and a thread's posts as a tree. The course comes from
get_member_course."""

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from ..models import (
    Course,
)


def course_threads(course: Course, lesson=None) -> QuerySet:
    # An aggregate drops Meta.ordering from the query: pinned first, then recent, said again here.
    threads = (
        course.threads.select_related("author", "lesson")
        .annotate(post_count=Count("posts"))
        .order_by("-is_pinned", "-last_activity_at", "-id")
    )
    if lesson is not None:
        threads = threads.filter(lesson=lesson)
    return threads


def get_thread(course: Course, pk: int):
    thread = get_object_or_404(course.threads.select_related("author", "lesson"), pk=pk)
    thread.course = course
    return thread


def thread_posts(thread) -> list:
    """The posts of a thread as a tree: the opening posts, each with `children` in order, in one
    query however deep the replies go."""
    posts = list(thread.posts.select_related("author"))
    by_id = {post.pk: post for post in posts}
    roots = []
    for post in posts:
        post.thread = thread
        post.children = []
    for post in posts:
        parent = by_id.get(post.parent_id)
        if parent is None:
            roots.append(post)
        else:
            post.parent = parent
            parent.children.append(post)
    return roots


def get_post(thread, pk: int):
    post = get_object_or_404(thread.posts.select_related("author"), pk=pk)
    post.thread = thread
    return post
