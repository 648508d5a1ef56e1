"""Papers: register, edit, upload, withdraw (deciding is reviews/decisions). Each
service is one transaction that validates, saves, and queues the mail it owes."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from submissions.models import (
    Author,
    Conflict,
    ConflictSource,
    PdfKind,
    PdfVersion,
    Submission,
)
from submissions.services.pdf_versions import PdfRules, pdf_version_add
from workshop import policy
from workshop.errors import Refused
from workshop.mail import mail_queue_template
from workshop.models import User, Workshop


@dataclass(frozen=True)
class AuthorEntry:
    name: str
    email: str
    affiliation: str = ""
    orcid: str = ""


@dataclass(frozen=True)
class SubmissionData:
    title: str
    abstract: str
    attack_model: str
    security_relationship: str
    artifact_url: str
    will_open_source: bool
    topics: list
    threat_terms: list
    authors: list[AuthorEntry]
    conflicts: dict  # PC member (User) -> ConflictReason


def _apply(submission: Submission, data: SubmissionData) -> None:
    for field in ("title", "abstract", "attack_model", "security_relationship", "artifact_url",
                  "will_open_source"):
        setattr(submission, field, getattr(data, field))
    submission.save()
    submission.topics.set(data.topics)
    submission.threat_terms.set(data.threat_terms)
    submission.authors.all().delete()
    Author.objects.bulk_create(
        Author(submission=submission, position=i, name=a.name, email=a.email.lower(),
               affiliation=a.affiliation, orcid=a.orcid)
        for i, a in enumerate(data.authors)
    )
    submission.conflicts.filter(source=ConflictSource.AUTHOR).delete()
    Conflict.objects.bulk_create(
        Conflict(submission=submission, user=user, reason=reason, source=ConflictSource.AUTHOR)
        for user, reason in data.conflicts.items()
    )


def _queue_receipt(submission: Submission, *, event: str) -> None:
    """The receipt goes to every listed author: they are the ones to trust it."""
    submission = Submission.objects.prefetch_related(
        "authors", "topics", "threat_terms", "conflicts__user"
    ).get(pk=submission.pk)
    context = {"submission": submission, "event": event, "pdf": submission.current_pdf}
    for author in submission.authors.all():
        mail_queue_template(to=author.email, template="submissions/email/receipt", context=context,
                            kind="submission:receipt", paper=submission.pk, related=submission)


def submission_create(*, by: User, data: SubmissionData, token: str, workshop: Workshop,
                      now: datetime | None = None) -> tuple[Submission, bool]:
    """Register a paper. Returns (submission, created); a repeated token (a
    double-clicked button) returns the paper the first click made."""
    now = now or timezone.now()
    existing = Submission.objects.filter(submit_token=token, created_by=by).first()
    if existing is not None:
        return existing, False
    refusal = policy.registration_refusal(by, workshop, now=now)
    if refusal:
        raise Refused(refusal)
    try:
        with transaction.atomic():
            submission = Submission(created_by=by, submit_token=token)
            _apply(submission, data)
            _queue_receipt(submission, event="registered")
    except IntegrityError:
        # Two requests with one token raced; the other one won.
        existing = Submission.objects.filter(submit_token=token, created_by=by).first()
        if existing is None:
            raise
        return existing, False
    return submission, True


def submission_update(*, submission: Submission, by: User, data: SubmissionData,
                      expected_version: int, workshop: Workshop,
                      now: datetime | None = None) -> Submission:
    now = now or timezone.now()
    refusal = policy.edit_refusal(by, submission, workshop, now=now)
    if refusal:
        raise Refused(refusal)
    with transaction.atomic():
        bumped = Submission.objects.filter(pk=submission.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not bumped:
            raise Refused(
                "This paper was changed (by a co-author, or in another tab) since you opened it. "
                "Your changes were not saved: reload the page to see the current version, then "
                "make your changes again."
            )
        submission.version = expected_version + 1
        _apply(submission, data)
        _queue_receipt(submission, event="updated")
    return submission


def pdf_upload(*, submission: Submission, by: User, data: bytes, filename: str,
               workshop: Workshop, now: datetime | None = None) -> PdfVersion:
    """Check the PDF and keep it as a new version, with the copy reviewers get
    (metadata removed, verified against the upload). A copy that differs from
    the upload is kept from reviewers (`copy_problem`) and the author told."""
    now = now or timezone.now()
    refusal = policy.edit_refusal(by, submission, workshop, now=now)
    if refusal:
        raise Refused(refusal)

    def paper_changed() -> None:
        Submission.objects.filter(pk=submission.pk).update(version=F("version") + 1, updated_at=now)
        if hasattr(submission, "submission_pdfs"):
            del submission.submission_pdfs
        _queue_receipt(submission, event="PDF uploaded")

    rules = PdfRules(kind=PdfKind.SUBMISSION, page_limit=workshop.page_limit, check_anonymity=True,
                     reviewer_copy=True)
    return pdf_version_add(submission=submission, by=by, data=data, filename=filename, rules=rules,
                           workshop=workshop, also=paper_changed)


def submission_withdraw(*, submission: Submission, by: User, workshop: Workshop,
                        now: datetime | None = None) -> None:
    now = now or timezone.now()
    refusal = policy.withdraw_refusal(by, submission, workshop, now=now)
    if refusal:
        raise Refused(refusal)
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, version=F("version") + 1
        )
        _queue_receipt(submission, event="withdrawn")


def submission_revive(*, submission: Submission, by: User, workshop: Workshop,
                      now: datetime | None = None) -> None:
    now = now or timezone.now()
    refusal = policy.revive_refusal(by, submission, workshop, now=now)
    if refusal:
        raise Refused(refusal)
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(withdrawn_at=None, version=F("version") + 1)
        _queue_receipt(submission, event="revived")


def extension_grant(*, submission: Submission, until: datetime | None, by: User) -> None:
    if not policy.can_manage_submission(by, submission):
        raise Refused("You cannot manage this paper.")
    Submission.objects.filter(pk=submission.pk).update(deadline_extension=until)
