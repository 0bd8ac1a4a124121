"""The instructors' authoring and grading workspace: modules and lessons, quizzes and questions,
attempts, assignment submissions and gradebooks. Every admin is InstructorScopedAdmin: an instructor
sees and changes only rows of their own courses."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html

from lms_site.admin_access import ReadOnly

from .. import services
from ..forms.learning import (
    POSITION_HELP,
    LabelledList,
    LabelledRows,
    LessonAdminForm,
    ModuleLessonForm,
    QuestionForm,
    QuestionFormSet,
)
from ..gradebook import gradebook_filename, write_gradebook_csv
from ..models import (
    Answer,
    Assignment,
    Attempt,
    Gradebook,
    Lesson,
    Module,
    Question,
    Quiz,
    Submission,
)
from ..permissions import is_site_admin
from .scoping import InstructorScopedAdmin, OwnCourseInline


class ContentAdmin(InstructorScopedAdmin):
    """Course content: saves through services.save_content (InstructorScopedAdmin.write) and
    deletes through services.delete_content, whose refusal (what a published lesson needs) comes
    back as a message on the page instead of an error page."""

    def remove(self, request, obj) -> None:
        services.delete_content(obj=obj, by=request.user)

    def get_changelist_formset(self, request, **kwargs):
        kwargs.setdefault("formset", LabelledList)  # the list's editable columns, labelled
        return super().get_changelist_formset(request, **kwargs)

    def delete_model(self, request, obj):
        self.remove(request, obj)

    def log_deletions(self, request, queryset):
        """Nothing yet: delete_queryset logs each row with its deletion, so a kept row is not logged."""

    def delete_queryset(self, request, queryset):
        """Delete row by row: a refused row is kept and named, the others still go. Django's action
        then reports its own count of the selection, which message_user corrects."""
        deleted = 0
        for obj in queryset:
            try:
                with transaction.atomic():  # the log entry and the deletion stand or fall together
                    super().log_deletions(request, self.model.objects.filter(pk=obj.pk))
                    self.remove(request, obj)
                deleted += 1
            except ValidationError as error:
                self.message_user(request, f"“{obj}” was kept: {' '.join(error.messages)}", messages.ERROR)
        request.content_deleted = deleted

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        deleted = getattr(request, "content_deleted", None)
        if deleted is not None and level == messages.SUCCESS:  # "Successfully deleted <the selection>"
            del request.content_deleted
            if not deleted:
                return
            names = self.opts.verbose_name if deleted == 1 else self.opts.verbose_name_plural
            message = f"Deleted {deleted} {names}."
        super().message_user(request, message, level, *args, **kwargs)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(reverse(f"admin:courses_{self.opts.model_name}_change", args=[object_id]))


class LessonInline(OwnCourseInline, admin.TabularInline):
    """Quick authoring in a module: titles, kinds and order; the content on the lesson's page."""

    model = Lesson
    form = ModuleLessonForm
    formset = LabelledRows
    template = "admin/courses/tabular_rows.html"
    fields = ["position", "title", "kind", "is_published", "release_at"]
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(ContentAdmin):
    list_display = ["title", "course", "position", "lesson_count"]
    list_editable = ["position"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "course__code"]
    list_select_related = ["course"]
    fields = ["course", "title", "summary", "position"]
    inlines = [LessonInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lesson_total=Count("lessons"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "position":
            field.required, field.help_text = False, f"Modules are shown in this order. {POSITION_HELP}"
        return field

    @admin.display(description="lessons", ordering="lesson_total")
    def lesson_count(self, obj):
        return obj.lesson_total


class QuizInline(admin.StackedInline):
    model = Quiz
    fields = ["max_attempts", "time_limit_minutes", "due_at", "weight", "questions_link"]
    readonly_fields = ["questions_link"]
    can_delete = False
    max_num = 1
    extra = 0

    @admin.display(description="questions")
    def questions_link(self, obj):
        if not obj.pk:
            return "Save the lesson first."
        count = obj.questions.count()
        url = reverse("admin:courses_quiz_change", args=[obj.pk])
        return format_html('<a href="{}">Edit the {} question(s)</a>', url, count)


class AssignmentInline(admin.StackedInline):
    model = Assignment
    fields = ["due_at", "max_points", "weight", "accepts_text", "accepts_file"]
    can_delete = False
    max_num = 1
    extra = 0


#: What each kind of lesson shows besides its title and publishing: its content.
CONTENT_FIELDS = {
    Lesson.Kind.TEXT: ("Text", ["body"]),
    Lesson.Kind.VIDEO: ("Video", ["video", "embed_url", "body"]),
    Lesson.Kind.FILE: ("File", ["file", "body"]),
    Lesson.Kind.QUIZ: ("Introduction", ["body"]),
    Lesson.Kind.ASSIGNMENT: ("Instructions", ["body"]),
}


def kind_asked(request, obj) -> str:
    """The kind whose fields the lesson's form shows: the one just posted (a changed kind comes back
    with its own fields if the save is refused), else the saved one, else the one asked for a new
    lesson (`?kind=`), else text."""
    for asked in (request.POST.get("kind"), obj.kind if obj is not None else None, request.GET.get("kind")):
        if asked in Lesson.Kind.values:
            return asked
    return Lesson.Kind.TEXT


@admin.register(Lesson)
class LessonAdmin(ContentAdmin):
    instructor_lookup = "module__course__instructor"
    form = LessonAdminForm
    list_display = ["title", "module", "kind", "position", "is_published", "release_at"]
    list_editable = ["position", "is_published"]
    list_filter = ["kind", "is_published", ("module__course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "module__title", "module__course__code"]
    list_select_related = ["module__course"]
    readonly_fields = ["preview_link", "announced_at"]

    def get_fieldsets(self, request, obj=None):
        """Only the fields of the lesson's kind. "Announced at" (when students were told) is for
        site admins, read-only."""
        kind = kind_asked(request, obj)
        title, content = CONTENT_FIELDS[kind]
        publishing = ["is_published", "release_at"] + (["announced_at"] if is_site_admin(request.user) else [])
        return [
            (None, {"fields": ["module", "title", "kind", "position", "preview_link"]}),
            (title, {"fields": content}),
            ("Publishing", {"fields": publishing}),
        ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial["kind"] = kind_asked(request, None)
        return initial

    def get_list_display(self, request):
        return [*self.list_display, "announced_at"] if is_site_admin(request.user) else self.list_display

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", LessonAdminForm)
        return super().get_changelist_form(request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        kinds = [(label, f"{reverse('admin:courses_lesson_add')}?kind={value}") for value, label in Lesson.Kind.choices]
        return super().changelist_view(request, {"lesson_kinds": kinds, **(extra_context or {})})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "module":
            modules = Module.objects.select_related("course")
            kwargs["queryset"] = (
                modules if is_site_admin(request.user) else modules.filter(course__instructor=request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        if obj is not None and obj.kind == Lesson.Kind.QUIZ:
            return [QuizInline]
        if obj is not None and obj.kind == Lesson.Kind.ASSIGNMENT:
            return [AssignmentInline]
        return []

    @admin.display(description="preview")
    def preview_link(self, obj):
        if not obj.pk:
            return "Save the lesson to preview it."
        return format_html(
            '<a href="{}?preview=1" target="_blank" rel="noopener">See it as a student would</a>',
            obj.get_absolute_url(),
        )


class QuestionInline(admin.StackedInline):
    """A quiz's questions with their choices under each, on the quiz's page."""

    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("choices")


@admin.register(Quiz)
class QuizAdmin(ContentAdmin):
    instructor_lookup = "lesson__module__course__instructor"
    list_display = ["lesson", "course_code", "question_count", "max_attempts", "time_limit_minutes", "due_at"]
    list_select_related = ["lesson__module__course"]
    list_filter = [("lesson__module__course", admin.RelatedOnlyFieldListFilter)]
    fields = ["lesson", "max_attempts", "time_limit_minutes", "due_at", "weight"]
    readonly_fields = ["lesson"]
    inlines = [QuestionInline]

    class Media:
        js = ["js/question_kinds.js"]
        css = {"all": ["css/authoring.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="course")
    def course_code(self, obj):
        return obj.lesson.module.course.code

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, obj):
        return obj.question_total

    def has_add_permission(self, request):
        return False  # a quiz is made by giving a lesson the kind "quiz"

    def has_delete_permission(self, request, obj=None):
        return False  # a quiz goes with its lesson

    def save_formset(self, request, form, formset, change):
        if formset.model is not Question:
            return super().save_formset(request, form, formset, change)
        # Each question with its choices in one service call; removals last, so replacing the
        # only question of a published quiz never leaves it with none. The lists are what the
        # admin's history message reads.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for question_form in formset.kept_forms():
            if question_form.has_changed():
                is_new = question_form.instance.pk is None
                question, choices = question_form.save(commit=False), question_form.cleaned_data["choices"]
                services.save_question(question=question, choices=choices, by=request.user)
                if is_new:
                    formset.new_objects.append(question)
                else:
                    formset.changed_objects.append((question, question_form.changed_data))
        for question_form in formset.deleted_forms:
            if question_form.instance.pk is not None:
                self.remove(request, question_form.instance)
                formset.deleted_objects.append(question_form.instance)
        return None


@admin.register(Question)
class QuestionAdmin(ContentAdmin):
    """One question on its own page (the quiz's page edits them all); not in the admin's index,
    its breadcrumb leads back to its quiz."""

    instructor_lookup = "quiz__lesson__module__course__instructor"
    form = QuestionForm
    fields = ["quiz", *QuestionForm.Meta.fields]
    list_display = ["__str__", "quiz", "kind", "points", "position"]
    list_select_related = ["quiz__lesson"]
    list_filter = ["kind", ("quiz__lesson__module__course", admin.RelatedOnlyFieldListFilter)]
    change_form_template = "admin/courses/question/change_form.html"

    class Media:
        js = ["js/question_kinds.js"]
        css = {"all": ["css/authoring.css"]}

    def has_module_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Moving a question would take it from its quiz unchecked: it stays in the quiz it was made in.
        return ["quiz"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "quiz":
            quizzes = Quiz.objects.select_related("lesson")
            if not is_site_admin(request.user):
                quizzes = quizzes.filter(lesson__module__course__instructor=request.user)
            kwargs["queryset"] = quizzes
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.save_question(question=obj, choices=form.cleaned_data["choices"], by=request.user)

    def _back_to_quiz(self, obj):
        return redirect(reverse("admin:courses_quiz_change", args=[obj.quiz_id]))

    def response_post_save_add(self, request, obj):
        return self._back_to_quiz(obj)

    def response_post_save_change(self, request, obj):
        return self._back_to_quiz(obj)


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "response", "is_correct", "points"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(InstructorScopedAdmin):
    """Attempts and scores per student, read-only: grades come from the grader."""

    instructor_lookup = "quiz__lesson__module__course__instructor"
    list_display = ["student_name", "quiz", "number", "score_display", "submitted_at", "expired"]
    list_filter = [("quiz__lesson__module__course", admin.RelatedOnlyFieldListFilter), "expired"]
    search_fields = ["student__username", "student__first_name", "student__last_name", "quiz__lesson__title"]
    list_select_related = ["student", "quiz__lesson"]
    fields = ["student_name", "quiz", "number", "started_at", "deadline", "submitted_at", "score_display", "expired"]
    readonly_fields = fields
    inlines = [AnswerInline]

    @admin.display(description="student", ordering="student__last_name")
    def student_name(self, obj):
        return obj.student.display_name()

    @admin.display(description="score", ordering="score")
    def score_display(self, obj):
        return "in progress" if obj.score is None else f"{obj.score}/{obj.max_score}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GradedFilter(admin.SimpleListFilter):
    title = "graded"
    parameter_name = "graded"

    def lookups(self, request, model_admin):
        return [("no", "Needs grading"), ("yes", "Graded")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(points__isnull=True)
        if self.value() == "yes":
            return queryset.filter(points__isnull=False)
        return queryset


class SubmissionForm(forms.ModelForm):
    class Meta:
        model = Submission
        fields = ["points", "feedback"]


@admin.register(Submission)
class SubmissionAdmin(InstructorScopedAdmin):
    """Grading: points and feedback; the student is told live."""

    instructor_lookup = "assignment__lesson__module__course__instructor"
    form = SubmissionForm
    list_display = ["student_name", "assignment", "submitted_at", "is_late", "revision", "points", "graded_at"]
    list_filter = [GradedFilter, "is_late", ("assignment__lesson__module__course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["student__username", "student__first_name", "student__last_name", "assignment__lesson__title"]
    list_select_related = ["student", "assignment__lesson"]
    fields = [
        "student_name",
        "assignment",
        "submitted_at",
        "revision",
        "is_late",
        "text",
        "file_link",
        "points",
        "feedback",
        "graded_at",
        "graded_by",
    ]
    readonly_fields = [name for name in fields if name not in {"points", "feedback"}]  # the grade is all they set

    @admin.display(description="student", ordering="student__last_name")
    def student_name(self, obj):
        return obj.student.display_name()

    @admin.display(description="file")
    def file_link(self, obj):
        if not obj.file:
            return "-"
        course = obj.assignment.lesson.module.course
        url = reverse("courses:submission_file", args=[course.code, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file_name)

    def write(self, request, obj) -> None:
        services.grade_submission(submission=obj, points=obj.points, feedback=obj.feedback, by=request.user)

    def has_add_permission(self, request):
        return False


@admin.register(Gradebook)
class GradebookAdmin(ReadOnly, InstructorScopedAdmin):
    """Each course's gradebook: best quiz scores, assignment grades and progress per student, as CSV
    (the same file as `manage.py export_grades <code>`)."""

    instructor_lookup = "instructor"
    list_display = ["code", "title", "student_count", "download"]
    search_fields = ["code", "title"]
    actions = ["export_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(student_total=Count("subscriptions"))

    @admin.display(description="students", ordering="student_total")
    def student_count(self, obj):
        return obj.student_total

    @admin.display(description="gradebook")
    def download(self, obj):
        url = reverse("admin:courses_gradebook_csv", args=[obj.pk])
        return format_html('<a href="{}">Download CSV<span class="visually-hidden"> for {}</span></a>', url, obj.code)

    def get_urls(self):
        urls = [path("<int:pk>/csv/", self.admin_site.admin_view(self.csv_view), name="courses_gradebook_csv")]
        return urls + super().get_urls()

    def csv_view(self, request, pk):
        course = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, course):
            raise PermissionDenied
        return self._csv_response([course])

    @admin.action(description="Export the gradebook as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return self._csv_response(list(queryset))

    def _csv_response(self, courses):
        name = gradebook_filename(courses[0]) if len(courses) == 1 else "gradebooks.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        for course in courses:
            write_gradebook_csv(course, response)
        return response
