"""Search inside a course: its lessons, resources and discussions, for its members (404 for
everyone else, as every course page with content). The catalog's search is the catalog view's."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import selectors
from ..forms.catalog import CourseContentSearchForm


@login_required
def course_search(request, code):
    course = selectors.get_member_course(request.user, code)
    form = CourseContentSearchForm(request.GET)
    valid = form.is_valid()
    query = form.cleaned_data["q"].strip() if valid else ""
    hits = selectors.search_course_content(request.user, course, query) if query else []
    context = {"course": course, "form": form, "query": query, "hits": hits}
    return render(request, "courses/search/course_search.html", context, status=200 if valid else 400)
