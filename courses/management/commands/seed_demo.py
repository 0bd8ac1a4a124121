"""Build a usable demo, or benchmark-sized data, quickly and idempotently.

The named demo accounts and courses are created once and kept, through the services the site uses,
so their events are in the feed. The generated students, courses and resources are topped up to the requested
sizes with bulk inserts (no per-row save, so no signal fires: seeded bulk is not news); with
`--lessons-per-course` and `--progress` the generated courses also get a term's learning history
(`courses/management/learning_data.py`).
"""

import hashlib
import random
from base64 import b32encode
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.services import add_known_totp, ensure_instructors_group, make_instructor
from courses import services
from courses.models import Announcement, Course, Lesson, LessonProgress, Module, Question, Resource, Subscription

from .. import learning_data

User = get_user_model()

DEMO_LOGINS = [
    # username, password, role, first name, last name
    ("admin", "demo-admin-pass", "admin", "Ada", "Admin"),
    ("alice", "demo-alice-pass", "instructor", "Alice", "Archer"),
    ("bob", "demo-bob-pass", "instructor", "Bob", "Baker"),
    ("student", "demo-student-pass", "student", "Sam", "Student"),
]

DEMO_COURSES = [
    ("CS101", "Introduction to Programming", "alice", "Variables, control flow, functions and testing, in Python."),
    ("CS201", "Data Structures", "alice", "Lists, trees, hash tables and graphs, and how to choose between them."),
    ("MA201", "Linear Algebra", "bob", "Vectors, matrices, eigenvalues and their use in data science."),
    ("HIST110", "World History since 1900", "bob", "The forces that shaped the modern world, decade by decade."),
]

DEMO_RESOURCES = [
    ("Syllabus", "text", "Week 1: introduction. Week 2: practice. Assessment: weekly quizzes and a final project."),
    ("Course reading list", "link", "https://www.gutenberg.org/"),
    ("Office hours", "text", "Tuesdays 14:00-16:00, room B12, or by appointment."),
]

DEMO_CHOICES = [("Gives the name x the value 2", True), ("Checks whether x equals 2", False)]

DEMO_LESSON = """A **variable** is a name for a value:

```python
greeting = "hello"
print(greeting)
```

Give variables names that say what they hold."""

GENERATED_PASSWORD = "demo-student-pass"


def demo_totp_secret(username: str) -> bytes:
    """The demo staff's authenticator secret: fixed and public, like their passwords (demo only)."""
    return hashlib.sha256(f"lumen-demo-totp-{username}".encode()).digest()[:20]


BATCH = 2000


class Command(BaseCommand):
    help = "Create demo accounts, courses, resources and announcements; sizes build benchmark data."

    def add_arguments(self, parser):
        sizes = {
            "students": (20, "generated students (default 20)"),
            "courses": (0, "generated courses beyond the demo ones"),
            "resources": (0, "generated resources in all"),
            "subscriptions-per-student": (3, "courses each generated student follows"),
            "lessons-per-course": (0, "lessons in each generated course, with quizzes and assignments"),
            "progress": (0, "lesson progress rows in the generated courses (with attempts and submissions)"),
        }
        for name, (default, help_text) in sizes.items():
            parser.add_argument(f"--{name}", type=int, default=default, help=help_text)
        parser.add_argument("--once", action="store_true", help="do nothing if the demo already exists")

    def handle(self, *args, **options):
        if options["once"] and User.objects.filter(username="admin").exists():
            self.stdout.write("Demo data already present.")
            self.print_logins()
            return
        random.seed(2026)
        ensure_instructors_group()
        with transaction.atomic():
            people = self.demo_people()
            courses = self.demo_courses(people)
        students = self.generated_students(options["students"])
        courses += self.generated_courses(options["courses"], [people["alice"], people["bob"]])
        self.subscriptions(students, courses, options["subscriptions_per_student"])
        self.generated_resources(options["resources"], courses)
        empty = learning_data.generated_courses_without_lessons(courses)
        learning_data.add_lessons(empty, options["lessons_per_course"], self.progress)
        if options["lessons_per_course"]:
            learning_data.add_threads(empty, self.progress)
        if learning_data.add_progress(options["progress"], self.progress):
            services.rebuild_analytics()  # the bulk rows skipped record_activity: the rollup from them
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {User.objects.count()} users, {Course.objects.count()} courses, "
                f"{Resource.objects.count()} resources, {Subscription.objects.count()} subscriptions, "
                f"{LessonProgress.objects.count()} lesson progress rows."
            )
        )
        self.print_logins()

    def progress(self, label: str, done: int, total: int) -> None:
        width = 30
        filled = width if total == 0 else int(width * done / total)
        ending = "\n" if done >= total else ""
        self.stdout.write(f"\r{label:<14} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=ending)
        self.stdout.flush()

    def print_logins(self):
        self.stdout.write("Logins (username / password):")
        for username, password, role, *_ in DEMO_LOGINS:
            self.stdout.write(f"  {role:<10} {username:<8} / {password}")
        self.stdout.write(
            "Staff log in with a second factor: add the secret to an authenticator app (or run\n"
            "`oathtool --totp -b SECRET`) and enter its code after the password:"
        )
        for username, _password, role, *_ in DEMO_LOGINS:
            if role != "student":
                secret = b32encode(demo_totp_secret(username)).decode()
                self.stdout.write(f"  {username:<8} TOTP secret {secret}")

    def demo_people(self) -> dict:
        people = {}
        for username, password, role, first, last in DEMO_LOGINS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username,
                    password=password,
                    email=f"{username}@example.edu",
                    role=role,
                    first_name=first,
                    last_name=last,
                    is_staff=role == "admin",
                    is_superuser=role == "admin",
                )
                if role == "instructor":
                    make_instructor(user)
                if user.requires_second_factor:
                    add_known_totp(user=user, secret=demo_totp_secret(username))
            people[username] = user
        return people

    def demo_courses(self, people) -> list[Course]:
        """The demo's courses and what is in them, made through the services the site uses, so the
        demo's feeds hold the events a real term would."""
        courses = []
        for code, title, teacher, description in DEMO_COURSES:
            course = Course.objects.filter(code=code).first()
            if course is None:
                instructor = people[teacher]
                course = Course(code=code, title=title, description=description, instructor=instructor)
                services.save_course(course=course, by=instructor)
                services.set_published(course=course, published=True, by=instructor)
                for title_, kind, content in DEMO_RESOURCES:
                    services.add_resource(
                        course=course,
                        by=instructor,
                        title=title_,
                        url=content if kind == "link" else "",
                        body=content if kind == "text" else "",
                    )
                services.post_announcement(
                    author=instructor,
                    course=course,
                    title=f"Welcome to {code}",
                    body="Introduce yourself in the discussion and read the syllabus before week 1.",
                )
                if code in {"CS101", "MA201"}:
                    services.subscribe(user=people["student"], course=course)
                if code == "CS101":
                    self.demo_learning(course, people)
            courses.append(course)
        if not Announcement.objects.site_wide().exists():
            services.post_announcement(
                author=people["admin"], title="Welcome to the new term", body="Courses open today. Good luck!"
            )
        return courses

    def demo_learning(self, course: Course, people) -> None:
        """A module with a text lesson and a quiz, and a discussion thread with a reply."""
        teacher = course.instructor

        def author(obj):
            services.save_content(obj=obj, by=teacher)
            return obj

        week = author(Module(course=course, title="Week 1: first steps", position=1))
        author(
            Lesson(
                module=week,
                title="Variables and values",
                kind=Lesson.Kind.TEXT,
                is_published=True,
                position=1,
                body=DEMO_LESSON,
            )
        )
        # A quiz is published once it has its questions (services/publishing.py).
        quiz_lesson = author(Lesson(module=week, title="Check your understanding", kind=Lesson.Kind.QUIZ, position=2))
        quiz = quiz_lesson.quiz  # made with the lesson (Lesson.save)
        quiz.max_attempts, quiz.time_limit_minutes = 3, 10
        author(quiz)
        questions = [
            (Question(quiz=quiz, kind="single", text="What does `x = 2` do?", position=1), DEMO_CHOICES),
            (
                Question(
                    quiz=quiz,
                    kind="true_false",
                    text="A variable can be given a new value later.",
                    is_true=True,
                    position=2,
                ),
                [],
            ),
            (
                Question(
                    quiz=quiz,
                    kind="short",
                    text="Which built-in function prints a value?",
                    accepted_answers="print\nprint()",
                    position=3,
                ),
                [],
            ),
        ]
        for question, choices in questions:
            services.save_question(question=question, choices=choices, by=teacher)
        quiz_lesson.is_published = True
        author(quiz_lesson)
        thread = services.start_thread(
            author=people["student"], course=course, title="Naming variables", body="Are `camelCase` names fine?"
        )
        services.reply(author=teacher, thread=thread, body="They work, but Python style is `snake_case`.")

    def top_up(self, label: str, model, existing: int, total: int, make) -> None:
        """Bulk-insert `make(n)` for n from `existing` up to `total`, a batch at a time."""
        for start in range(existing, total, BATCH):
            stop = min(start + BATCH, total)
            model.objects.bulk_create([make(n) for n in range(start, stop)], batch_size=BATCH)
            self.progress(label, stop, total)

    def generated_students(self, total: int) -> list[int]:
        existing = User.objects.filter(username__startswith="student").exclude(username="student").count()
        password = make_password(GENERATED_PASSWORD)  # hashed once, shared: a bulk insert, not 10,000 hashes
        self.top_up(
            "students",
            User,
            existing,
            total,
            lambda n: User(
                username=f"student{n:05d}",
                email=f"student{n:05d}@example.edu",
                password=password,
                first_name="Student",
                last_name=f"{n:05d}",
                role=User.Role.STUDENT,
            ),
        )
        return list(User.objects.filter(username__regex=r"^student[0-9]{5}$").values_list("id", flat=True)[:total])

    def generated_courses(self, total: int, teachers) -> list[Course]:
        existing = Course.objects.filter(code__startswith="GEN").count()
        self.top_up(
            "courses",
            Course,
            existing,
            total,
            lambda n: Course(
                code=f"GEN{n:04d}",
                title=f"Generated course {n}",
                description="A course made by seed_demo for load and benchmark runs.",
                instructor=teachers[n % len(teachers)],
                is_published=True,
                first_published_at=timezone.now(),  # a bulk insert skips Course.save
            ),
        )
        return list(Course.objects.filter(code__startswith="GEN").order_by("code")[:total])

    def subscriptions(self, students: list[int], courses: list[Course], per_student: int) -> None:
        if not students or not courses:
            return
        per_student = min(per_student, len(courses))
        existing = set(Subscription.objects.filter(student_id__in=students).values_list("student_id", "course_id"))
        rows = []
        joined = timezone.now() - learning_data.TERM  # joined in the term's first weeks, as students do
        for student_id in students:
            for course in random.sample(courses, per_student):
                since = joined + learning_data.TERM * 0.6 * random.random()  # drawn always: a rerun draws alike
                if (student_id, course.pk) not in existing:
                    rows.append(Subscription(student_id=student_id, course=course, subscribed_at=since))
        for start in range(0, len(rows), BATCH):
            Subscription.objects.bulk_create(rows[start : start + BATCH], ignore_conflicts=True)
            self.progress("subscriptions", min(start + BATCH, len(rows)), len(rows))

    def generated_resources(self, total: int, courses: list[Course]) -> None:
        existing = Resource.objects.filter(title__startswith="Reading ").count()
        now = timezone.now()
        self.top_up(
            "resources",
            Resource,
            existing,
            total,
            lambda n: Resource(
                course=courses[n % len(courses)],
                title=f"Reading {n}",
                body=f"Notes for reading {n}.",
                created_at=now - timedelta(minutes=total - n),
            ),
        )
