"""Files users uploaded (resources, lesson files and videos, assignment submissions), served so that
they can never run as this site.

Whoever uploaded it, a file is the uploader's content, not ours: an `.html`, `.svg` or `.js` served
inline with its own type would run with the reader's session, and a same-origin `.js` would even
pass `script-src 'self'`. So every user file answers with

- `Content-Disposition: attachment` (a download, never a page), except a lesson video of a video
  type, which the lesson page's `<video>` plays inline;
- its own type only if it is passive (a video, an image, a PDF, plain text; see PASSIVE_TYPES),
  `application/octet-stream` otherwise: with `nosniff` no browser runs it as a script or a style;
- `Content-Security-Policy: sandbox; default-src 'none'`: opened as a document anyway, it has an
  opaque origin and may load nothing;
- `X-Content-Type-Options: nosniff` and `Cache-Control: private` (member-only: no shared cache).

Behind nginx (SEND_FILES_WITH_NGINX, `make cluster`), the bytes are not sent by Django at all: the
checked view answers with `X-Accel-Redirect` (django-sendfile2's nginx backend) and nginx sends the
file from its internal /media/ location, ranges included, while the daphne process moves on.
nginx keeps only some of the view's headers on such an answer (Content-Type, Content-Disposition,
Cache-Control...), so deploy/nginx/lms.conf sets the sandbox and nosniff headers there again.

With `USER_FILES_ORIGIN` set (production, see docs/deploy.md), the views that check who may read a
file do not stream it: they redirect to a short-lived signed link on that separate, cookie-less
origin, and only that origin's host serves `/files/<signed>/<name>`.
"""

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_sendfile import sendfile

from .ranged import ranged_file_response

SANDBOX = "sandbox; default-src 'none'"
#: Played inline by the lesson page's <video>; any other type is a download.
VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/ogg", "video/quicktime"})
#: Types no browser runs; anything else (HTML, SVG, XML, JavaScript, CSS...) is sent as octet-stream.
PASSIVE_TYPES = VIDEO_TYPES | {
    "application/pdf",
    "application/zip",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
    "text/csv",
}
#: How long a signed link on the files origin lasts: long enough to watch a long video, with seeking.
LINK_SECONDS = 4 * 60 * 60
_SALT = "courses.files"


def serve(request, field_file, *, inline: bool = False) -> HttpResponse:
    """The answer for a user file the caller has checked this user may read: the file itself, or a
    redirect to it on USER_FILES_ORIGIN. `inline` only for a video the page plays."""
    if not field_file:
        raise Http404("There is no file.")
    if settings.USER_FILES_ORIGIN:
        return HttpResponseRedirect(signed_url(field_file.name, inline=inline))
    return file_response(request, field_file, inline=inline)


def file_response(request, stored, *, inline: bool = False) -> HttpResponse:
    guessed = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    inline = inline and guessed in VIDEO_TYPES
    content_type = guessed if guessed in PASSIVE_TYPES else "application/octet-stream"
    if settings.SEND_FILES_WITH_NGINX:
        response = _handed_to_nginx(request, stored, inline=inline, content_type=content_type)
    else:
        response = ranged_file_response(request, stored, as_attachment=not inline, content_type=content_type)
    response["Content-Security-Policy"] = SANDBOX
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


def _handed_to_nginx(request, stored, *, inline: bool, content_type: str) -> HttpResponse:
    """An empty answer naming the file for nginx (X-Accel-Redirect under SENDFILE_URL); nginx
    answers the Range header itself. sendfile() refuses a name outside SENDFILE_ROOT with a 404."""
    response = sendfile(request, stored.name, attachment=not inline, mimetype=content_type)
    # The length and encoding it guessed describe the file, not this empty answer: nginx sets the
    # real length, and a `.gz` is sent as it is stored, as without nginx.
    del response["Content-Length"]
    response.headers.pop("Content-Encoding", None)
    return response


def signed_url(name: str, *, inline: bool) -> str:
    token = signing.dumps({"name": name, "inline": inline}, salt=_SALT, compress=True)
    path = reverse("courses:user_file", args=[token, name.rsplit("/", 1)[-1]])
    return settings.USER_FILES_ORIGIN.rstrip("/") + path


class _Stored:
    """A file in the default storage, as ranged_file_response reads it."""

    def __init__(self, name: str):
        self.name = name
        self.size = default_storage.size(name)

    def open(self, mode="rb"):
        return default_storage.open(self.name, mode)


def signed_file(request, token: str, name: str) -> HttpResponse:
    """/files/<signed>/<name>: on the files origin only (404 on the site's own host, and when no
    files origin is configured). The signature, not a session, says who may read."""
    origin = settings.USER_FILES_ORIGIN
    if not origin or request.get_host() != urlsplit(origin).netloc:
        raise Http404("Files are not served here.")
    try:
        signed = signing.loads(token, salt=_SALT, max_age=LINK_SECONDS)
    except signing.BadSignature:
        raise Http404("This link is not valid or has expired.") from None
    try:
        stored = _Stored(signed["name"])
    except (FileNotFoundError, OSError):
        raise Http404("The file is missing.") from None
    return file_response(request, stored, inline=signed["inline"])
