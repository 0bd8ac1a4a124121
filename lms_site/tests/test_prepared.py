"""lms_site/prepared.py: a query built once per shape answers as the ORM's own would, with each
call's values, and refuses a value that would not reach the database as a parameter."""

import datetime

import pytest
from django.db.models import Q

from accounts.models import User
from lms_site.prepared import Prepared
from notifications.models import Event

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)  # a whole second: no microseconds


def people(*, above: int, names: tuple[str, ...], since: datetime.datetime):
    """A query with a value of every kind, inside a subquery too."""
    newer = User.objects.filter(date_joined__gte=since).values("id")
    return (
        User.objects.filter(Q(username__in=names) | Q(pk__in=newer), pk__gt=above)
        .order_by("username")
        .values_list("username", flat=True)
    )


@pytest.fixture
def team(django_user_model):
    made = {}
    for day, name in enumerate(["alice", "bob", "carol", "dave"]):
        made[name] = django_user_model.objects.create_user(
            username=name, password="pw", date_joined=NOON + datetime.timedelta(days=day)
        )
    return made


def test_it_answers_as_the_orm_does_building_once_per_shape(team):
    built = []

    def counted(**values):
        built.append(values)
        return people(**values)

    prepared = Prepared(counted)
    calls = [
        {"above": 0, "names": ("alice",), "since": NOON + datetime.timedelta(days=3)},
        {"above": team["alice"].pk, "names": ("bob",), "since": NOON + datetime.timedelta(days=9)},
        {"above": 0, "names": ("alice", "bob"), "since": NOON + datetime.timedelta(days=2)},
        {"above": team["bob"].pk, "names": ("alice", "carol"), "since": NOON},
    ]
    for values in calls:
        expected = list(people(**values))
        assert [name for (name,) in prepared.rows(**values)] == expected
        assert expected  # each call has rows to compare

    assert len(built) == 2  # one name, then two names: the length of a tuple is part of the shape


def test_a_datetime_is_bound_as_its_field_adapts_it(team):
    """SQLite stores datetimes as text in UTC without an offset: the value must be written alike to
    compare equal."""
    exactly = Prepared(lambda since: User.objects.filter(date_joined=since).values_list("username"))
    assert exactly.rows(since=NOON + datetime.timedelta(days=1)) == [("bob",)]
    in_paris = NOON.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert exactly.rows(since=in_paris) == [("alice",)]
    with pytest.raises(ValueError, match="naive"):
        exactly.rows(since=NOON.replace(tzinfo=None))


@pytest.mark.parametrize(
    "build, values, refused",
    [
        (lambda name: User.objects.filter(username__startswith=name).values_list("id"), {"name": "al"}, ValueError),
        (lambda on: User.objects.filter(is_active=on).values_list("id"), {"on": True}, TypeError),
        (lambda above: Event.objects.filter(id__gt=above).values_list("payload"), {"above": 0}, TypeError),
    ],
    ids=["transformed", "a flag", "a column that needs converting"],
)
def test_it_refuses_what_it_could_not_bind(team, build, values, refused):
    with pytest.raises(refused, match=r"not among the SQL's parameters|changes the SQL's text|need converting"):
        Prepared(build).rows(**values)
