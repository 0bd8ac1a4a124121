"""Logging a Playwright page in through the real forms, the second step included when the user has
an authenticator app; the browser itself is a conftest fixture."""


def login_page(browser, server, user, password=None, **context):
    """A browser context logged in as `user` through the real log-in form; `context` are Playwright's
    options for it (e.g. `timezone_id="Asia/Tokyo"`)."""
    return _log_in(browser, server, user, password, form="/accounts/login/", landing="**/dashboard/", **context)


def admin_login_page(browser, server, user, password=None):
    """A browser context logged into the admin as `user` through its log-in form."""
    return _log_in(browser, server, user, password, form="/admin/login/", landing="**/admin/")


def _log_in(browser, server, user, password, *, form: str, landing: str, **context):
    page = browser.new_context(base_url=server.url, **context).new_page()
    page.goto(form)
    submit_log_in(page, user, password)
    page.wait_for_load_state()
    if "/accounts/login/verify/" in page.url:
        enter_code(page, user)
    page.wait_for_url(landing)
    return page


def submit_log_in(page, user, password=None):
    """Fill the log-in form open on `page` with `user`'s name and password (the fixtures' one by
    default) and send it."""
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password or "pw-" + user.username * 2)
    page.get_by_role("button", name="Log in").click()


def enter_code(page, user):
    """The second step of a log-in: the code `user`'s authenticator app shows now."""
    from lms_site.testing.mfa import code_for, totp_of

    page.get_by_label("Code").fill(code_for(totp_of(user)))
    page.get_by_role("button", name="Verify").click()
