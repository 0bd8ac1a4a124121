"""In a real Chromium against a real daphne: an uploaded .js cannot be loaded as a script by a page
of the site, and an uploaded .html opened by a member is a download, not a page that runs as them.
The site's own static scripts still run (the live socket connects)."""

from contextlib import suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Error, expect

from courses import services

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def uploaded(cs101):
    """evil.js sets the page's title; page.html loads it, as an attacker's page would."""
    script = services.add_resource(
        course=cs101,
        title="Script",
        file=SimpleUploadedFile("evil.js", b"window.pwned = true; document.title = 'pwned';"),
    )
    script_url = script.get_absolute_url()
    page = services.add_resource(
        course=cs101,
        title="Page",
        file=SimpleUploadedFile("page.html", f'<title>page</title><script src="{script_url}"></script>'.encode()),
    )
    yield {"script": script_url, "page": page.get_absolute_url()}
    for item in (script, page):
        (Path(settings.MEDIA_ROOT) / item.file.name).unlink(missing_ok=True)  # daphne's media folder


def test_a_page_of_the_site_cannot_load_an_uploaded_script(logged_in_page, carol, carol_in_cs101, uploaded):
    page = logged_in_page(carol)
    page.goto("/dashboard/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")  # static scripts run
    outcome = page.evaluate(
        """(src) => new Promise((done) => {
            const script = document.createElement("script");
            script.src = src;
            script.onload = () => done("loaded");
            script.onerror = () => done("refused");
            document.head.append(script);
        })""",
        uploaded["script"],
    )
    assert outcome == "refused"
    assert page.evaluate("window.pwned") is None
    assert page.title() != "pwned"


def test_an_uploaded_html_page_is_a_download_that_runs_nothing(logged_in_page, carol, carol_in_cs101, uploaded):
    page = logged_in_page(carol)
    page.goto("/dashboard/")
    # Chromium aborts a navigation that turns into a download: the goto's error is expected.
    with page.expect_download() as download, suppress(Error):
        page.goto(uploaded["page"])
    assert download.value.suggested_filename == "page.html"
    assert page.title() != "pwned"
    assert page.evaluate("window.pwned") is None
