"""The authors' camera-ready page: final PDF, final metadata, licence."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from submissions.camera_ready import selectors, services
from submissions.camera_ready.forms import CameraAuthorFormSet, CameraMetadataForm
from submissions.forms import PdfUploadForm
from submissions.models import PdfKind
from submissions.selectors import manages_proceedings
from submissions.uploads import pdf_size_limit, pdf_upload_post, upload_limited
from submissions.views import extension_from_post
from workshop import policy
from workshop.errors import Refused
from workshop.http import as_download
from workshop.selectors import workshop_current


def _camera_paper(request, number):
    workshop = workshop_current()
    submission = selectors.camera_ready_paper_or_404(user=request.user, number=number)
    return workshop, submission


def _context(request, workshop, submission, *, upload_form=None, form=None, authors=None):
    camera = selectors.camera_of(submission)
    if form is None:
        form = CameraMetadataForm(initial={"title": camera.title, "abstract": camera.abstract})
        # Until the authors confirm them, the printed authors are the submission's: under double
        # blind an organizer must not read them off the form (nor count them).
        shown = camera.metadata_confirmed_at or policy.can_view_authors(request.user, submission, workshop=workshop)
        authors = CameraAuthorFormSet(prefix="authors", initial=camera.authors if shown else [])
    versions = submission.pdf_versions.filter(kind=PdfKind.CAMERA_READY).order_by("-uploaded_at", "-id")
    return {
        "submission": submission, "camera": camera, "versions": versions, "pdf": versions.first(),
        "refusal": policy.camera_ready_refusal(request.user, submission, workshop, now=timezone.now(), camera=camera),
        "deadline": policy.camera_ready_deadline_for(workshop, camera), "upload_form": upload_form or PdfUploadForm(),
        "form": form, "authors": authors, "can_manage": manages_proceedings(request.user),
    }


@login_required
def camera_ready(request, number):
    workshop, submission = _camera_paper(request, number)
    if request.method == "POST":
        form = CameraMetadataForm(request.POST)
        authors = CameraAuthorFormSet(request.POST, prefix="authors")
        if "licence" in request.POST:
            try:
                services.licence_accept(submission=submission, by=request.user, workshop=workshop)
                messages.success(request, f"You accepted the {workshop.licence_name} licence for #{submission.pk}.")
            except Refused as refused:
                messages.error(request, refused.message)
            return redirect("camera_ready", number=submission.pk)
        if form.is_valid() and authors.is_valid():
            try:
                services.camera_ready_metadata_save(
                    submission=submission, by=request.user, title=form.cleaned_data["title"],
                    abstract=form.cleaned_data["abstract"], authors=authors.printed(), workshop=workshop)
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, "The final title, abstract and authors are saved.")
                return redirect("camera_ready", number=submission.pk)
        return render(request, "submissions/camera_ready.html",
                      _context(request, workshop, submission, form=form, authors=authors))
    return render(request, "submissions/camera_ready.html", _context(request, workshop, submission))


@require_POST
@login_required
def camera_ready_extension(request, number):
    workshop, submission = _camera_paper(request, number)
    extension_from_post(request, workshop, partial(services.camera_ready_extension_grant, submission=submission,
                                                   by=request.user), what="Camera-ready extension")
    return redirect("camera_ready", number=submission.pk)


@login_required
def camera_ready_pdf(request, number, version_id):
    workshop, submission = _camera_paper(request, number)
    version = get_object_or_404(submission.pdf_versions, pk=version_id, kind=PdfKind.CAMERA_READY)
    return as_download(FileResponse(version.file.open("rb"), content_type="application/pdf"),
                       filename=f"{workshop.acronym}-{workshop.year}-camera-ready-{submission.pk}-"
                                f"{version.uploaded_at:%Y%m%d-%H%M%S}.pdf")


@upload_limited(pdf_size_limit)
@require_POST
@login_required
def camera_ready_upload(request, number):
    workshop, submission = _camera_paper(request, number)

    def page(form, *, status):
        return render(request, "submissions/camera_ready.html",
                      _context(request, workshop, submission, upload_form=form), status=status)

    return pdf_upload_post(request, workshop=workshop, page=page, uploaded="Final PDF uploaded",
                           store=partial(services.camera_ready_upload, submission=submission, by=request.user,
                                         workshop=workshop),
                           done_url=reverse("camera_ready", args=[submission.pk]))
