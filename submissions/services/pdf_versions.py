"""The one way an uploaded PDF becomes a version of a paper, for the paper's PDF
and for the camera-ready version alike: checked by the caller's rules, then
kept (with the copy reviewers get, where there is one) in one transaction.
Every upload is kept; the newest of a kind is the current one."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction

from submissions.models import PdfKind, PdfVersion, Submission
from submissions.pdf import MB, check_pdf
from workshop.models import User, Workshop

MAX_PAGES_TOTAL = 200  # a hard cap on any upload, whatever the page limit

STORED_NAMES = {PdfKind.SUBMISSION: "paper.pdf", PdfKind.CAMERA_READY: "camera-ready.pdf"}


@dataclass(frozen=True)
class PdfRules:
    """What one kind of upload is checked for and what is kept of it."""

    kind: str  # a PdfKind
    page_limit: int  # pages of main text, excluding references and appendices
    check_anonymity: bool  # look for the paper's authors in the file (not in a version that names them)
    reviewer_copy: bool  # make the copy reviewers download, and compare it with the upload


def pdf_version_add(*, submission: Submission, by: User, data: bytes, filename: str, rules: PdfRules,
                    workshop: Workshop, also: Callable[[], None] | None = None) -> PdfVersion:
    """Check `data` (raising `PdfRejected`, a `Refused`, with the reason) and keep it as a
    new version. `also()` runs in the same transaction, for what the caller
    changes with it. The check runs before the transaction: it may take seconds."""
    authors = list(submission.authors.all()) if rules.check_anonymity else []
    result = check_pdf(data, max_bytes=workshop.max_pdf_mb * MB, max_pages=MAX_PAGES_TOTAL,
                       page_limit=rules.page_limit, over_limit=workshop.unclear_page_limit,
                       names=[a.name for a in authors], emails=[a.email for a in authors],
                       make_copy=rules.reviewer_copy, check_anonymity=rules.check_anonymity)
    with transaction.atomic():
        version = PdfVersion(
            submission=submission, kind=rules.kind, original_name=filename[:255], sha256=result.sha256,
            size=result.size, page_count=result.page_count, anonymity_warnings=result.anonymity_warnings,
            notes=result.notes, chair_flags=list(result.chair_flags), uploaded_by=by,
            reviewer_sha256=result.reviewer_sha256, reviewer_size=result.reviewer_size,
            copy_problem=result.copy_problem or "",
        )
        name = STORED_NAMES[rules.kind]
        version.file.save(name, ContentFile(data), save=False)
        if result.reviewer_copy is not None:
            version.reviewer_file.save(name, ContentFile(result.reviewer_copy), save=False)
        version.save()
        if also is not None:
            also()
    return version
