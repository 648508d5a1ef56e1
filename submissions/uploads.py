"""Uploads past the workshop's size limit are refused before they are read.

Django's own limits do not cover file fields (DATA_UPLOAD_MAX_MEMORY_SIZE
skips them) and would spool a 60 MB body to disk before the view could say
no. `upload_limited` refuses a request whose declared length is over the
limit without reading its body, and counts the bytes of every file part as
they arrive, dropping one that passes the limit. Production proxies should
cap bodies too (README: `client_max_body_size`)."""

from functools import wraps

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from workshop.http import int_or_none

MULTIPART_SLACK = 256 * 1024  # form fields and multipart headers around the file


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_limited(limit_for):
    """Decorate an upload view; `limit_for()` gives the byte limit. The view
    sees `request.upload_too_large` and must check it before reading POST:
    when the declared length is too large the body is never read (and CSRF,
    which would read it, is not checked, as the view then changes nothing)."""

    def decorator(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            limit = limit_for()
            request.upload_limit = limit
            declared = int_or_none(request.META.get("CONTENT_LENGTH")) or 0
            request.upload_too_large = request.method == "POST" and declared > limit + MULTIPART_SLACK
            if request.upload_too_large:
                return view(request, *args, **kwargs)
            request.upload_handlers.insert(0, SizeLimitedUploadHandler(request, limit))
            return protected(request, *args, **kwargs)

        return wrapped

    return decorator
