"""The suite's promise to transactional tests (conftest.py): each starts from the rows migrations
left, with their ids and their links, whatever the test before it did. conftest's load_serialized
puts them back; this checks it against the database as Django serialized it after migrating."""

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connections

pytestmark = pytest.mark.usefixtures("transactional_db")


def as_rows(serialized: str) -> set[str]:
    return {json.dumps(row, sort_keys=True) for row in json.loads(serialized)}


def migrated() -> str:
    """What Django serialized after migrating: the rows every transactional test starts from."""
    return type(connections["default"])._test_serialized_contents


def now() -> set[str]:
    """The same tables as they are now (migrations leave rows in these three only)."""
    models = {row["model"] for row in json.loads(migrated())}
    assert models == {"contenttypes.contenttype", "auth.permission", "auth.group"}, models
    querysets = [ContentType.objects.all(), Permission.objects.all(), Group.objects.all()]
    return as_rows(serializers.serialize("json", [row for queryset in querysets for row in queryset]))


def mess_up() -> None:
    group = Group.objects.get()
    group.permissions.clear()  # a link lost
    ContentType.objects.filter(pk=ContentType.objects.earliest("pk").pk).update(model="renamed")  # a row changed


def test_the_rows_are_put_back_after_a_flush():
    assert now() == as_rows(migrated())
    mess_up()
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)  # as a teardown does
    connections["default"].creation.deserialize_db_from_string(migrated())
    assert now() == as_rows(migrated())


def test_rows_still_there_are_replaced():
    """The first transactional test of a run finds them still in the database."""
    mess_up()
    connections["default"].creation.deserialize_db_from_string(migrated())
    assert now() == as_rows(migrated())
