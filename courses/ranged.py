"""Files of a course as byte ranges (RFC 9110 section 14): browsers seek in a video by asking for
the part they need, and resume interrupted downloads the same way.

One range per request (what browsers ask for); a multi-range request gets the whole file, which the
RFC allows. Under daphne the body streams from an async iterator, so a large file is never read into
memory at once."""

import asyncio
import mimetypes
import re

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(first, last) byte positions, inclusive; None to send the whole file (no or unusable
    header); False when the range cannot be satisfied."""
    match = _RANGE.match(header.replace(" ", "")) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0:
            return False
        return max(0, size - suffix), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return False
    return start, end


def _sync_chunks(handle, remaining: int):
    try:
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


async def _async_chunks(handle, remaining: int):
    """The same chunks, each read in a worker thread so the server's loop never waits on disk."""
    chunks = _sync_chunks(handle, remaining)
    try:
        while (data := await asyncio.to_thread(next, chunks, None)) is not None:
            yield data
    finally:
        chunks.close()
        handle.close()  # in case the generator never started


def ranged_file_response(
    request, field_file, *, as_attachment: bool = False, content_type: str | None = None
) -> HttpResponse:
    """200 with the whole file, 206 with the part a Range header asks for, 416 if none can be
    given. The caller has checked who may read the file; user files come through courses.files,
    which adds the headers that keep them from running as this site."""
    name = field_file.name.rsplit("/", 1)[-1]
    try:
        size = field_file.size
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as missing:
        raise Http404("The file is missing.") from missing
    wanted = parse_range(request.headers.get("Range", ""), size)
    if wanted is False:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = wanted if wanted else (0, size - 1)
    length = max(0, last - first + 1)
    handle.seek(first)
    is_async = hasattr(request, "scope")  # an ASGIRequest: daphne consumes an async iterator
    chunks = _async_chunks(handle, length) if is_async else _sync_chunks(handle, length)
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = StreamingHttpResponse(chunks, status=206 if wanted else 200, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Disposition"] = content_disposition_header(as_attachment, name)
    # Course files are private: no shared cache may keep them.
    response["Cache-Control"] = "private, max-age=0"
    return response
