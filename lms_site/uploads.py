"""Uploads over MAX_UPLOAD_MB are refused as early as the server allows, with a clear 413.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out and FILE_UPLOAD_MAX_MEMORY_SIZE only decides
memory or disk, so without this a 2 GB file is parsed and written to a temporary file before the
model's validator says no. MaxSizeUploadHandler, first in FILE_UPLOAD_HANDLERS, refuses a body whose
Content-Length already says it is too big before parsing any of it, and otherwise stops as soon as
one file passes the limit. Under daphne the ASGI handler has buffered the body by then; nginx's
`client_max_body_size` is what cuts the connection early (docs/deploy.md).

Django answers the exception (a RequestDataTooBig) with a bare 400, wherever the form was parsed
(the CSRF check reads it first); UploadTooLargeMiddleware turns that into a 413 that says why.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.template.response import SimpleTemplateResponse

#: Room for the form's other fields and the multipart framing around the file.
FORM_ALLOWANCE = 1024 * 1024


def limit_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def too_large_message() -> str:
    return f"The upload is larger than {settings.MAX_UPLOAD_MB} MB, the most a file may have."


class UploadTooLarge(RequestDataTooBig):
    pass


class MaxSizeUploadHandler(FileUploadHandler):
    def _refuse(self):
        self.request.upload_too_large = True
        raise UploadTooLarge(too_large_message())

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > limit_bytes() + FORM_ALLOWANCE:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > limit_bytes():
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers store the file


class UploadTooLargeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "upload_too_large", False):
            response = SimpleTemplateResponse(
                "upload_too_large.html", {"message": too_large_message()}, status=413
            ).render()
        return response
