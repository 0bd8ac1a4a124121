"""The one admin session over real HTTP: a logged-in browser session without a browser, using the
real admin forms of a daphne, of nginx in front of a cluster, or of a benchmark's servers."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

from lms_site.testing.servers import session_cookie


class AdminSession:
    """Requests to `url` carrying the session `session_key`; redirects are answered, not followed."""

    def __init__(self, url: str, session_key: str):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        host = url.split("://")[1].split(":")[0]
        cookie = http.cookiejar.Cookie(
            0, "sessionid", session_key, None, False, host, False, False, "/", True,
            False, None, False, None, None, {},
        )  # fmt: skip
        self.jar.set_cookie(cookie)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.csrf_token = None

    @classmethod
    def of(cls, server, user) -> "AdminSession":
        return cls(server.url, session_cookie(user))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.url + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def post(self, path: str, fields: dict) -> int:
        if self.csrf_token is None:
            status, page = self.get(path)
            assert status == 200, (status, page[:300])
            self.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token, **fields}).encode()
        # Always http://127.0.0.1:<port>.
        request = urllib.request.Request(self.url + path, data=data, headers={"Referer": self.url})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        finally:
            self._leave_messages()

    def _leave_messages(self) -> None:
        """A saved form's message ("... was added successfully") is for the page its redirect leads
        to, which a browser loads at once and this session does not. Kept in the jar, the messages
        of every earlier save would go with every later request, and Django's cookie storage would
        decode them, add one and trim them to the cookie's size on each: after 100 saves, 18 % of
        the server's time, and a save answered in 23 ms instead of 16 (py-spy, bench world)."""
        for cookie in [cookie for cookie in self.jar if cookie.name == "messages"]:
            self.jar.clear(cookie.domain, cookie.path, cookie.name)

    def add_resource(self, course_id: int, title: str) -> int:
        """The admin's add form for a resource; 302 when it was saved."""
        fields = {"course": course_id, "title": title, "url": "https://example.edu/r/" + title.replace(" ", "-")}
        return self.post("/admin/courses/resource/add/", {**fields, "body": "", "_save": "Save"})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp
