"""Learning as people do it, in a real Chromium against a real daphne: a quiz taken and graded with
the grade arriving live, a reply appearing live in a second student's open thread, a video that
plays, seeks by byte ranges and completes its lesson. axe-core checks the lesson, quiz and thread
pages."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from playwright.sync_api import expect

from courses import services
from courses.models import Lesson, LessonProgress, Subscription
from lms_site.testing import content as w
from lms_site.testing.servers import eventually

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

CLIP = Path(__file__).parent / "files" / "clip.webm"  # 4 s, 64x48 VP8, made with ffmpeg's testsrc


def test_a_student_takes_a_quiz_and_is_told_the_grade_live(logged_in_page, axe, carol, carol_in_cs101, cs101):
    quiz = w.quiz_lesson(w.module(cs101), max_attempts=2, time_limit_minutes=10)
    w.single(quiz)
    w.true_false(quiz, is_true=True)
    w.short(quiz)
    page = logged_in_page(carol)
    dashboard = page.context.new_page()  # a second tab, whose feed is told of the grade
    dashboard.goto("/dashboard/")
    expect(dashboard.locator("#live-status")).to_have_attribute("data-state", "live")

    page.goto(quiz.lesson.get_absolute_url())
    assert axe(page) == [], "lesson page"
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/attempts/**")
    expect(page.locator("[data-countdown]")).to_contain_text("min")
    assert axe(page) == [], "quiz page"
    page.get_by_role("group", name="Question 1").get_by_label("4", exact=True).check()
    page.get_by_role("group", name="Question 2").get_by_label("True").check()
    page.get_by_label("Your answer").fill("  PARIS ")
    page.get_by_role("button", name="Submit answers").click()

    expect(page.locator("#score")).to_have_text("Score: 3 / 3")
    expect(page.locator(".feedback-item.is-correct")).to_have_count(3)
    assert axe(page) == [], "result page"
    expect(dashboard.locator("[data-feed] .feed-grade_posted")).to_contain_text("Check-in quiz: 3/3")


def test_a_reply_appears_live_in_another_students_open_thread(logged_in_page, axe, carol, dave, carol_in_cs101, cs101):
    Subscription.objects.create(student=dave, course=cs101)
    thread = services.start_thread(author=carol, course=cs101, title="Loops", body="How do **loops** work?")
    reader = logged_in_page(carol)
    reader.goto(thread.get_absolute_url())
    expect(reader.locator("#live-status")).to_have_attribute("data-state", "live")
    assert axe(reader) == [], "thread page"

    writer = logged_in_page(dave)
    writer.goto(thread.get_absolute_url())
    writer.locator("#id_body").fill("Use `range()`: it counts for you.")
    writer.get_by_role("button", name="Post reply").click()
    writer.wait_for_url("**#post-*")

    reply = reader.locator(".post-item .post-item", has_text="it counts for you")
    expect(reply).to_be_visible()
    expect(reply.locator("code")).to_have_text("range()")
    expect(reader.locator("[data-live-announcer]")).to_have_text("New reply from Dave Diaz")
    assert axe(reader) == [], "thread page with a live reply"


@pytest.fixture
def video_lesson(cs101):
    with CLIP.open("rb") as handle:
        item = w.lesson(w.module(cs101), "Clip", kind=Lesson.Kind.VIDEO, video=File(handle, name="clip.webm"))
    yield item
    (Path(settings.MEDIA_ROOT) / item.video.name).unlink(missing_ok=True)  # daphne's media folder


def test_a_video_lesson_plays_seeks_and_completes(logged_in_page, axe, carol, carol_in_cs101, video_lesson):
    page = logged_in_page(carol)
    statuses = []
    page.on("response", lambda response: "/video/" in response.url and statuses.append(response.status))
    page.goto(video_lesson.get_absolute_url())
    assert axe(page) == [], "video lesson page"
    played = page.evaluate(
        """async () => {
            const video = document.querySelector("video");
            video.muted = true;
            await video.play();
            await new Promise((done) => video.addEventListener("timeupdate", done, { once: true }));
            const seeked = new Promise((done) => video.addEventListener("seeked", done, { once: true }));
            video.currentTime = 3;
            await seeked;
            return { duration: video.duration, at: video.currentTime, paused: video.paused };
        }"""
    )
    assert played["duration"] == pytest.approx(4, abs=0.2)
    assert played["at"] >= 3
    assert 206 in statuses
    page.evaluate(
        """() => new Promise((done) => {
            const video = document.querySelector("video");
            video.addEventListener("ended", done, { once: true });
            video.currentTime = video.duration - 0.2;
            video.play();
        })"""
    )
    expect(page.get_by_text("Completed", exact=True)).to_be_visible()
    eventually(lambda: LessonProgress.objects.filter(lesson=video_lesson, completed_at__isnull=False).exists())
