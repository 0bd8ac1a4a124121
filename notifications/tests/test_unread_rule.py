"""The unread rule (notifications/selectors.py, docs/architecture.md "The unread rule") as a table:
for each kind of event and each person, whether it is one unread item, counts within a group, is
seen but not news, or is not seen at all. Every event is written by the real services."""

import pytest

from accounts.models import User
from courses import services
from courses.models import Course, Subscription
from lms_site.testing import content
from notifications import selectors
from notifications.models import Event

# unread: one unread item; group: counted once per course and kind; seen: on the feed, never unread;
# -: not on the person's feed at all.
# People: alice teaches CS101; carol wrote the thread replied to; dave (a member) replied, submitted
# and completed; erin joined CS101 after everything below but the last two rows; frank joined the
# site after it too (and then CS101); root is a site admin who follows no course. The events are
# listed in the order they happen, but for the first three of the last rows.
# fmt: off
TABLE = {
    #                                       alice     carol     dave      erin      frank     root
    "thread by carol": (                    "group",  "seen",   "unread", "seen",   "seen",   "-"),
    "reply by dave to carol (course copy)": ("group",  "seen",   "seen",   "seen",   "seen",   "-"),
    "reply by dave to carol (carol's copy)": ("-",     "unread", "-",      "-",      "-",      "-"),
    "announcement by alice": (              "seen",   "unread", "unread", "seen",   "seen",   "-"),
    "resource added": (                     "unread", "unread", "unread", "seen",   "seen",   "-"),
    "lesson released": (                    "seen",   "unread", "unread", "seen",   "seen",   "-"),
    "dave submitted": (                     "group",  "-",      "-",      "-",      "-",      "-"),
    "dave completed (alice's copy)": (      "group",  "-",      "-",      "-",      "-",      "-"),
    "dave completed (dave's copy)": (       "-",      "-",      "seen",   "-",      "-",      "-"),
    "alice graded dave": (                  "-",      "-",      "unread", "-",      "-",      "-"),
    "site announcement by root": (          "unread", "unread", "unread", "unread", "seen",   "seen"),
    "course published by bob": (            "unread", "unread", "unread", "unread", "seen",   "unread"),
    "frank registered": (                   "-",      "-",      "-",      "-",      "-",      "unread"),
    "erin subscribed (alice's copy)": (     "group",  "-",      "-",      "-",      "-",      "-"),
    "erin subscribed (erin's copy)": (      "-",      "-",      "-",      "seen",   "-",      "-"),
    "reply by erin to carol (course copy)": ("group", "seen",   "unread", "seen",   "unread", "-"),
    "reply by erin to carol (carol's copy)": ("-",     "unread", "-",      "-",      "-",      "-"),
    "erin registered": (                    "-",      "-",      "-",      "-",      "-",      "unread"),
    "CS101 published by alice (before)": (  "seen",   "unread", "unread", "seen",   "seen",   "unread"),
}
# fmt: on
PEOPLE = ("alice", "carol", "dave", "erin", "frank", "root")


def state_of(event: Event, person) -> str:
    if not selectors.news_for(person).filter(pk=event.pk).exists():
        return "-"
    if not selectors.unread_events(person, 0).filter(pk=event.pk).exists():
        return "seen"
    return "group" if event.group_for_id == person.pk else "unread"


def newest(**filters) -> Event:
    return Event.objects.filter(**filters).latest("id")


@pytest.fixture
def history(alice, bob, carol, dave, root, cs101, carol_in_cs101, dave_in_cs101, django_user_model):
    erin = django_user_model.objects.create_user(username="erin", email="erin@example.edu", password="pw-erin")
    events = {}
    thread = services.start_thread(author=carol, course=cs101, title="Loops", body="How do loops work?")
    events["thread by carol"] = newest(kind="discussion_post")
    services.reply(author=dave, thread=thread, body="Like this.", parent=thread.posts.first())
    events["reply by dave to carol (course copy)"] = newest(kind="discussion_post", topic="course:CS101")
    events["reply by dave to carol (carol's copy)"] = newest(kind="discussion_post", topic=f"user:{carol.pk}")
    services.post_announcement(author=alice, course=cs101, title="Welcome", body="Hello.")
    events["announcement by alice"] = newest(kind="announcement")
    services.add_resource(course=cs101, title="Slides", body="Text")
    events["resource added"] = newest(kind="new_resource", topic="course:CS101")
    essay = content.assignment_lesson(content.module(cs101))
    events["lesson released"] = newest(kind="new_lesson")
    submission = services.submit_assignment(student=dave, assignment=essay, text="My essay.")
    events["dave submitted"] = newest(kind="assignment_submitted")
    events["dave completed (alice's copy)"] = newest(kind="course_completed", topic=f"user:{alice.pk}")
    events["dave completed (dave's copy)"] = newest(kind="course_completed", topic=f"user:{dave.pk}")
    services.grade_submission(submission=submission, points=8, feedback="Good.", by=alice)
    events["alice graded dave"] = newest(kind="grade_posted")
    services.post_announcement(author=root, title="Maintenance", body="Sunday.")
    events["site announcement by root"] = newest(kind="announcement", topic="system_events")
    Course.objects.create(code="MA201", title="Algebra", instructor=bob, is_published=True)
    events["course published by bob"] = newest(kind="course_published")
    services.subscribe(user=erin, course=cs101)
    events["erin subscribed (alice's copy)"] = newest(kind="subscription", topic=f"user:{alice.pk}")
    events["erin subscribed (erin's copy)"] = newest(kind="subscription", topic=f"user:{erin.pk}")
    frank = django_user_model.objects.create_user(username="frank", email="frank@example.edu", password="pw-frank")
    events["frank registered"] = newest(kind="user_registered")
    Subscription.objects.create(student=frank, course=cs101)
    services.reply(author=erin, thread=thread, body="Thanks!", parent=thread.posts.first())
    events["reply by erin to carol (course copy)"] = newest(kind="discussion_post", topic="course:CS101")
    events["reply by erin to carol (carol's copy)"] = newest(kind="discussion_post", topic=f"user:{carol.pk}")
    events["erin registered"] = Event.objects.get(kind="user_registered", actor=erin)
    events["CS101 published by alice (before)"] = Event.objects.get(kind="course_published", course=cs101)
    people = {user.username: user for user in User.objects.filter(username__in=PEOPLE)}
    return events, people


@pytest.mark.django_db
def test_the_unread_rule_for_each_kind_and_person(history):
    events, people = history
    found = {label: tuple(state_of(events[label], people[name]) for name in PEOPLE) for label in TABLE}
    assert found == TABLE


@pytest.mark.django_db
def test_the_badge_counts_single_items_and_one_per_group(history):
    events, people = history
    counted = {name: selectors.unread_state(person, 0)["unread"] for name, person in people.items()}
    # alice: the resource, the site announcement, MA201 published, and four groups in CS101
    # (posts, submissions, completions, subscriptions). carol: her two copies of replies, the
    # announcement, resource, lesson, site announcement, CS101 and MA201 published. dave: carol's
    # thread, the announcement, resource, lesson, his grade, the site announcement, both courses
    # published, erin's reply. erin: the site announcement and MA201 (CS101's publication and its
    # course events came before she joined). frank: erin's reply. root: both courses published,
    # erin's and frank's registrations (his own announcement is not news to him).
    assert counted == {"alice": 7, "carol": 8, "dave": 9, "erin": 2, "frank": 1, "root": 4}
    alice = people["alice"]
    assert selectors.unread_state(alice, 0)["groups"] == sorted(
        f"{events['dave submitted'].course_id}:{kind}"
        for kind in ("assignment_submitted", "course_completed", "discussion_post", "subscription")
    )


@pytest.mark.django_db
def test_the_message_carries_what_the_browser_needs_to_apply_the_same_rule(history):
    from notifications.rendering import event_message

    events, people = history
    reply = event_message(events["reply by dave to carol (course copy)"])
    assert reply["not_for"] == [people["dave"].pk, people["carol"].pk]
    assert reply["group_for"] == people["alice"].pk
    assert reply["group"] == f"{events['thread by carol'].course_id}:discussion_post"
    resource = event_message(events["resource added"])
    assert (resource["not_for"], resource["group_for"], resource["group"]) == ([], None, "")


@pytest.mark.django_db
def test_events_written_before_the_rule_get_its_facts_from_the_migration(history):
    from importlib import import_module

    from django.apps import apps

    assert history  # every kind of event, written with the rule's facts
    written = {pk: (quiet, group) for pk, quiet, group in Event.objects.values_list("id", "quiet_for", "group_for")}
    Event.objects.update(quiet_for=None, group_for=None)
    import_module("notifications.migrations.0008_backfill_unread_rule_fields").backfill(apps, None)
    backfilled = {pk: (quiet, group) for pk, quiet, group in Event.objects.values_list("id", "quiet_for", "group_for")}
    assert backfilled == written and any(group for _, group in written.values())
