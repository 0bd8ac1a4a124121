"""{% when %}: a moment in the active zone, the zone named, in a <time datetime> for machines."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone

from accounts.templatetags.when import relative_text

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
WINTER = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 3, 13, 0, tzinfo=UTC)


def render(source: str, zone=None, **context) -> str:
    with timezone.override(zone):
        return Template(source).render(Context(context))


def test_it_shows_the_moment_in_the_active_zone_with_the_zone_named():
    assert render("{% when v %}", PARIS, v=WINTER) == (
        '<time datetime="2026-12-03T14:00:00+01:00" data-when="datetime" data-zone="Europe/Paris">'
        "3 Dec 2026, 14:00 CET</time>"
    )
    assert render("{% when v %}", NEW_YORK, v=WINTER) == (
        '<time datetime="2026-12-03T08:00:00-05:00" data-when="datetime" data-zone="America/New_York">'
        "3 Dec 2026, 08:00 EST</time>"
    )


def test_it_follows_daylight_saving_time():
    assert ">3 Jul 2026, 15:00 CEST<" in render("{% when v %}", PARIS, v=SUMMER)
    assert ">3 Jul 2026, 09:00 EDT<" in render("{% when v %}", NEW_YORK, v=SUMMER)
    assert 'datetime="2026-07-03T09:00:00-04:00"' in render("{% when v %}", NEW_YORK, v=SUMMER)


def test_the_date_is_the_zones_date():
    late = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    assert ">4 Dec 2026<" in render('{% when v "date" %}', PARIS, v=late)
    assert ">3 Dec 2026<" in render('{% when v "date" %}', NEW_YORK, v=late)


def test_the_time_style_names_the_zone():
    assert ">14:00 CET<" in render('{% when v "time" %}', PARIS, v=WINTER)
    assert 'data-when="time"' in render('{% when v "time" %}', PARIS, v=WINTER)


def test_without_a_user_it_is_utc():
    assert ">3 Dec 2026, 13:00 UTC<" in render("{% when v %}", v=WINTER)
    assert 'data-zone="UTC"' in render("{% when v %}", v=WINTER)


def test_zones_named_only_by_their_offset_are_written_as_utc_offsets():
    assert ">3 Dec 2026, 17:00 UTC+4<" in render("{% when v %}", zoneinfo.ZoneInfo("Asia/Dubai"), v=WINTER)
    assert ">3 Dec 2026, 18:45 UTC+5:45<" in render("{% when v %}", zoneinfo.ZoneInfo("Asia/Kathmandu"), v=WINTER)


def test_relative_shows_how_long_and_keeps_the_moment_as_its_title():
    soon = timezone.now() + timedelta(days=3, hours=1)
    html = render("{% when v relative=True %}", PARIS, v=soon)
    assert ">in 3\xa0days</time>" in html
    local = timezone.localtime(soon, PARIS)
    assert f'title="{local:%-d %b %Y, %H:%M} {local.tzname()}"' in html
    assert "data-relative" in html


def test_both_shows_the_moment_and_how_long():
    past = timezone.now() - timedelta(hours=2, minutes=5)
    html = render('{% when v relative="both" %}', PARIS, v=past)
    assert html.endswith('</time> <span class="when-relative">(2\xa0hours ago)</span>')
    assert "data-relative" not in html


def test_relative_text():
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert relative_text(now + timedelta(seconds=20), now) == "just now"
    assert relative_text(now - timedelta(minutes=5), now) == "5\xa0minutes ago"
    assert relative_text(now + timedelta(days=40), now) == "in 1\xa0month"


def test_nothing_for_no_value_and_a_calendar_date_has_no_zone():
    assert render("{% when v %}", PARIS, v=None) == ""
    assert render("{% when v %}", PARIS, v=date(2026, 12, 3)) == '<time datetime="2026-12-03">3 Dec 2026</time>'


def test_a_wrong_style_is_a_template_error():
    with pytest.raises(TemplateSyntaxError):
        render('{% when v "sometimes" %}', PARIS, v=WINTER)


def test_it_needs_no_load():
    assert "<time" in render("{% when v %}", PARIS, v=WINTER)
    assert "<time" in render("{% load when %}{% when v %}", PARIS, v=WINTER)
