"""Live parts of course pages (notifications/rendering.py): what an event changes on the open
pages of its course's members, rendered once per event from the pages' own partials. Here and not
in courses: courses never imports notifications (the dependency rule).

Every renderer reads the object as it is now (payload `object`, `id`), so a replayed event shows
the current state, and one about something since deleted renders nothing (its own removal event
follows). A part is the same for every receiver of the course's topic, students and instructors:
it shows the student's view (released lessons only, links members may follow, nothing of the
viewer's: a lesson row's "Completed" stays outside the part that a rename replaces).

Keys (`data-live`) and lists (`data-live-list`), by page:
- course page: `resource-<pk>` in `resources-<code>`; `announcement-<pk>` in
  `announcements-<code>`; outline modules `course-outline-module-<pk>` (title
  `course-outline-module-title-<pk>`) in `course-outline-<code>`, lessons
  `course-outline-lesson-<pk>` in `course-outline-lessons-<module pk>`;
- outline page: lesson rows `outline-row-<pk>` (added only) in `module-lessons-<module pk>`, their
  kind and title `outline-title-<pk>`; modules `module-<pk>`, titles `module-title-<pk>`;
- lesson page: `lesson-title-<pk>`, `lesson-body-<pk>`;
- progress bars (the student's own, from a quiet event on their topic when they complete a lesson):
  `card-progress-<code>` (dashboard), `course-progress-<code>` (course page),
  `outline-progress-<code>` (outline page);
- dashboard: course cards `course-card-<code>` (removed when the course is unpublished: a quiet
  event on each subscriber's own topic), their new items `new-resource-<pk>` and
  `new-announcement-<pk>` in `new-items-<code>` (static/js/dashboard.js counts them); site
  announcements in `announcements-site`.
"""

from django.template.loader import render_to_string

from courses import selectors
from courses.models import Announcement, Lesson, Module, Resource
from courses.selectors.learning import learning_progress, public_outline_modules
from courses.templatetags.learning import live_sort

from . import topics
from .models import Event
from .rendering import live_parts

Kind = Event.Kind

# How each object an event is about is read: one query per model for any number of events.
LOADERS = {
    "resource": lambda: Resource.objects.select_related("course"),
    "announcement": lambda: Announcement.objects.select_related("course", "author"),
    "lesson": lambda: Lesson.objects.select_related("module__course"),
    "module": lambda: Module.objects.all(),
}


def prepare(events: list[Event]) -> None:
    """The objects the events are about, and the course page's outline modules of their lessons,
    read once for all of them (rendering.event_messages: the API's page, a replay)."""
    wanted: dict[str, set[int]] = {name: set() for name in LOADERS}
    for event in events:
        name, pk = event.payload.get("object"), event.payload.get("id")
        if name in wanted and pk is not None:
            wanted[name].add(pk)
    found = {name: LOADERS[name]().filter(pk__in=pks).in_bulk() if pks else {} for name, pks in wanted.items()}
    module_ids = {lesson.module_id for lesson in found["lesson"].values()}
    cache = found | {"outline": public_outline_modules(module_ids) if module_ids else {}}
    for event in events:
        event.live_objects = cache


def _object(event: Event, name: str, pk: int):
    cache = getattr(event, "live_objects", None)
    if cache is None:
        return LOADERS[name]().filter(pk=pk).first()
    return cache[name].get(pk)


def _part(key: str, template: str = "", context: dict | None = None, **options) -> dict:
    html = render_to_string(template, context).strip() if template else ""
    return {"key": key, "html": html} | {name: value for name, value in options.items() if value is not None}


def _about(event: Event, obj: str) -> int | None:
    payload = event.payload
    return payload.get("id") if payload.get("object") == obj else None


def _on_course_topic(event: Event) -> bool:
    return event.course_id is not None and event.topic == topics.course_topic(event.payload.get("course_code", ""))


# Resources


def _resource_removed(pk: int) -> list[dict]:
    return [_part(f"resource-{pk}"), _part(f"new-resource-{pk}")]


@live_parts(Kind.NEW_RESOURCE, Kind.CONTENT_CHANGED, Kind.CONTENT_REMOVED, prepare=prepare)
def resource_parts(event: Event) -> list[dict]:
    pk = _about(event, "resource")
    if pk is None or not _on_course_topic(event):
        return []
    if event.kind == Kind.CONTENT_REMOVED:
        return _resource_removed(pk)
    resource = _object(event, "resource", pk)
    if resource is None:
        return []
    course = resource.course
    code = course.code
    context = {"r": resource, "course": course, "is_member": True}
    new = event.kind == Kind.NEW_RESOURCE
    return [
        _part(f"resource-{pk}", "courses/catalog/_resource_item.html", context, list=f"resources-{code}"),
        # A rename changes a card that lists it; only a new one is added to the cards.
        _part(
            f"new-resource-{pk}", "courses/catalog/_new_item.html", context, list=f"new-items-{code}" if new else None
        ),
    ]


# Announcements


@live_parts(Kind.ANNOUNCEMENT, Kind.CONTENT_CHANGED, Kind.CONTENT_REMOVED, prepare=prepare)
def announcement_parts(event: Event) -> list[dict]:
    pk = _about(event, "announcement")
    site_wide = event.topic == topics.SYSTEM_EVENTS
    if pk is None or not (site_wide or _on_course_topic(event)):
        return []
    if event.kind == Kind.CONTENT_REMOVED:
        return [_part(f"announcement-{pk}"), _part(f"new-announcement-{pk}")]
    announcement = _object(event, "announcement", pk)
    if announcement is None:
        return []
    context = {"a": announcement, "course": announcement.course, "by_author": not site_wide}
    item = "courses/catalog/_announcement.html"
    if site_wide:
        return [_part(f"announcement-{pk}", item, context, list="announcements-site")]
    code = announcement.course.code
    new = event.kind == Kind.ANNOUNCEMENT
    return [
        _part(f"announcement-{pk}", item, context, list=f"announcements-{code}"),
        _part(
            f"new-announcement-{pk}",
            "courses/catalog/_new_item.html",
            context,
            list=f"new-items-{code}" if new else None,
        ),
    ]


# Lessons and modules


def _outline_module(event: Event, course, module_id: int) -> list[dict]:
    """The course page's outline module as students see it: added if the page lacks it, removed
    when it has no released lesson left."""
    cache = getattr(event, "live_objects", None)
    modules = cache["outline"] if cache is not None else public_outline_modules([module_id])
    module = modules.get(module_id)
    key = f"course-outline-module-{module_id}"
    if module is None:
        return [_part(key)]
    context = {"course": course, "module": module, "is_member": True}
    template = "courses/catalog/_outline_module.html"
    return [_part(key, template, context, list=f"course-outline-{course.code}", sort=live_sort(module), add_only=True)]


def _lesson_removed(pk: int) -> list[dict]:
    return [_part(f"course-outline-lesson-{pk}"), _part(f"outline-row-{pk}")]


@live_parts(Kind.NEW_LESSON, Kind.CONTENT_CHANGED, Kind.CONTENT_REMOVED, prepare=prepare)
def lesson_parts(event: Event) -> list[dict]:
    pk = _about(event, "lesson")
    if pk is None or not _on_course_topic(event):
        return []
    lesson = _object(event, "lesson", pk)
    if lesson is None:
        return _lesson_removed(pk)
    course, module = lesson.module.course, lesson.module
    if not lesson.is_released():
        # A draft, or released later: gone from students' pages, whatever the event; its content
        # is never rendered.
        return _lesson_removed(pk) + _outline_module(event, course, module.pk)
    context = {"course": course, "lesson": lesson, "module": module, "is_member": True}
    sort = live_sort(lesson)
    return [
        *_outline_module(event, course, module.pk),
        # Course page: removed and added again, so a move (another module, another place) follows.
        _part(f"course-outline-lesson-{pk}"),
        _part(
            f"course-outline-lesson-{pk}",
            "courses/catalog/_outline_lesson.html",
            context,
            list=f"course-outline-lessons-{module.pk}",
            sort=sort,
        ),
        # Outline page: the row holds the viewer's tags, so only its title is replaced.
        _part(f"outline-title-{pk}", "courses/learning/_outline_lesson_title.html", context),
        _part(
            f"outline-row-{pk}",
            "courses/learning/_outline_lesson.html",
            context | {"outline": {"completed_ids": ()}, "teaches": False},
            list=f"module-lessons-{module.pk}",
            sort=sort,
            add_only=True,
        ),
        _part(f"lesson-title-{pk}", "courses/learning/_lesson_title.html", context),
        _part(f"lesson-body-{pk}", "courses/learning/_lesson_body.html", context),
    ]


@live_parts(Kind.CONTENT_CHANGED, Kind.CONTENT_REMOVED, prepare=prepare)
def module_parts(event: Event) -> list[dict]:
    pk = _about(event, "module")
    if pk is None or not _on_course_topic(event):
        return []
    if event.kind == Kind.CONTENT_REMOVED:
        return [_part(f"course-outline-module-{pk}"), _part(f"module-{pk}")]

    module = _object(event, "module", pk)
    if module is None:
        return []
    context = {"module": module}
    return [
        _part(f"course-outline-module-title-{pk}", "courses/catalog/_outline_module_title.html", context),
        _part(f"module-title-{pk}", "courses/learning/_module_title.html", context),
    ]


# Courses


@live_parts(Kind.CONTENT_REMOVED)
def course_parts(event: Event) -> list[dict]:
    """An unpublished course's card leaves its subscriber's open dashboard (the event is on the
    subscriber's own topic)."""
    if event.payload.get("object") != "course":
        return []
    return [_part(f"course-card-{event.payload.get('course_code', '')}")]


# Progress


def _student_of(event: Event) -> int | None:
    if event.payload.get("object") != "progress" or not event.topic.startswith("user:") or event.course_id is None:
        return None
    return int(event.topic.split(":", 1)[1])


def prepare_progress(events: list[Event]) -> None:
    """One query per student among the events (a user's page of the API or replay: one)."""
    by_student = {student: learning_progress(student) for student in {_student_of(e) for e in events} - {None}}
    for event in events:
        event.live_progress = by_student.get(_student_of(event))


@live_parts(Kind.CONTENT_CHANGED, prepare=prepare_progress)
def progress_parts(event: Event) -> list[dict]:
    """A student completed a lesson: their progress bars in the course, on their open pages. The
    event is on the student's own topic, so it may show their progress (one reader)."""
    student_id = _student_of(event)
    if student_id is None:
        return []
    if not hasattr(event, "live_progress"):
        prepare_progress([event])
    progress = event.live_progress.get(event.course_id) or {"done": 0, "total": 0, "percent": 0}
    code = event.payload.get("course_code", "")
    bars = {f"card-progress-{code}": f"progress-{code}", f"course-progress-{code}": "course-progress"}
    bars[f"outline-progress-{code}"] = "outline-progress"
    return [
        _part(key, "courses/learning/_live_progress.html", progress | {"key": key, "label_id": label_id})
        for key, label_id in bars.items()
    ]


@live_parts(Event.Kind.CONTENT_CHANGED)
def acknowledgement_count(event: Event) -> list[dict]:
    """A member acknowledged an announcement: its count on the instructor's open course page."""
    if event.payload.get("object") != "acknowledgements":
        return []
    announcement = Announcement.objects.filter(pk=event.payload.get("id")).select_related("course").first()
    if announcement is None or announcement.course is None:
        return []
    context = {
        "announcement_id": announcement.pk,
        "done": announcement.acknowledgements.count(),
        "expected": selectors.acknowledgement_expected(announcement.course),
    }
    key = f"acknowledgements-{announcement.pk}"
    return [{"key": key, "html": render_to_string("courses/catalog/_acknowledgement_count.html", context)}]
