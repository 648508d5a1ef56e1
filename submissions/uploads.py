"""The way in of both PDF uploads (the paper's and the camera-ready version):
the size limit, and the one handler of the upload form's POST.

Uploads past the workshop's size limit are refused before they are read.
Django's own limits do not cover file fields (DATA_UPLOAD_MAX_MEMORY_SIZE
skips them) and would spool a 60 MB body to disk before the view could say
no. `upload_limited` refuses a request whose declared length is over the
limit without reading its body, and counts the bytes of every file part as
they arrive, dropping one that passes the limit. Production proxies should
cap bodies too (README: `client_max_body_size`)."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django_htmx.http import HttpResponseClientRedirect

from submissions.forms import PdfUploadForm
from submissions.models import PdfVersion
from submissions.pdf import MB
from workshop.errors import Refused
from workshop.http import int_or_none
from workshop.models import Workshop
from workshop.selectors import workshop_current

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


def pdf_size_limit() -> int:
    """The byte limit of one PDF upload, for `upload_limited`."""
    return workshop_current().max_pdf_mb * MB


def pdf_upload_post(request, *, workshop: Workshop, store: Callable[..., PdfVersion],
                    page: Callable[..., HttpResponse], done_url: str, uploaded: str) -> HttpResponse:
    """The POST of an upload form, in a view under `upload_limited(pdf_size_limit)`.
    `store(data=, filename=)` calls the service; `page(form, status=)` renders the
    page around the form with its errors; `uploaded` starts the success message.
    A refusal answers htmx with 200, since htmx shows no page it gets with an error
    status, and a plain form post with 413 (too large) or 200 (a bad file)."""
    too_large = (f"Your file is larger than the {workshop.max_pdf_mb} MB limit, so it was not uploaded. Please "
                 "make it smaller (for example by compressing large images) and upload it again.")
    refused_status = 200 if request.htmx else 413
    if request.upload_too_large:  # checked before anything reads the body
        form = PdfUploadForm(data={}, files={})
        form.errors["pdf"] = form.error_class([too_large])
        return page(form, status=refused_status)
    form = PdfUploadForm(request.POST, request.FILES)
    if request.upload_too_large:  # the file part alone passed the limit while arriving
        form.errors["pdf"] = form.error_class([too_large])
        return page(form, status=refused_status)
    if form.is_valid():
        upload = form.cleaned_data["pdf"]
        try:
            version = store(data=upload.read(), filename=upload.name)
        except Refused as refused:
            form.add_error("pdf", refused.message)
        else:
            messages.success(request, f"{uploaded}: {version.page_count} pages, SHA-256 {version.sha256[:16]}….")
            return HttpResponseClientRedirect(done_url) if request.htmx else redirect(done_url)
    return page(form, status=200)
