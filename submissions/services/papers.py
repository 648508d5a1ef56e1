"""Papers: register, edit, upload, withdraw, decide. Each service is one transaction that validates,
saves, and queues the mail it owes."""

from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from submissions.models import (
    Author,
    Conflict,
    ConflictSource,
    DecisionChange,
    Outcome,
    PdfKind,
    PdfVersion,
    Submission,
    Tag,
)
from submissions.pdf import check_pdf
from workshop import policy
from workshop.errors import Refused
from workshop.mail import mail_queue_template
from workshop.models import User, Workshop

MAX_PAGES_TOTAL = 200  # a hard cap on any upload, whatever the page limit


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
    authors = list(submission.authors.all())
    result = check_pdf(data, max_bytes=workshop.max_pdf_mb * 1024 * 1024, max_pages=MAX_PAGES_TOTAL,
                       page_limit=workshop.page_limit, over_limit=workshop.unclear_page_limit,
                       names=[a.name for a in authors], emails=[a.email for a in authors])
    with transaction.atomic():
        version = PdfVersion(
            submission=submission, kind=PdfKind.SUBMISSION, original_name=filename[:255],
            sha256=result.sha256, size=result.size, page_count=result.page_count,
            anonymity_warnings=result.anonymity_warnings, notes=result.notes,
            reviewer_sha256=result.reviewer_sha256, reviewer_size=result.reviewer_size,
            copy_problem=result.copy_problem or "", chair_flags=list(result.chair_flags), uploaded_by=by,
        )
        version.file.save("paper.pdf", ContentFile(data), save=False)
        version.reviewer_file.save("paper.pdf", ContentFile(result.reviewer_copy), save=False)
        version.save()
        Submission.objects.filter(pk=submission.pk).update(version=F("version") + 1, updated_at=now)
        if hasattr(submission, "submission_pdfs"):
            del submission.submission_pdfs
        _queue_receipt(submission, event="PDF uploaded")
    return version


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


# --- Decisions and tags -------------------------------------------------------------


def decision_record(*, submission: Submission, outcome: Outcome | None, by: User, note: str = "") -> bool:
    """Set (or clear, with None) the paper's decision, logged. A released
    decision that changes goes back under embargo: the authors hear of the
    new one only when a chair releases it. Returns whether anything changed."""
    if not policy.can_decide(by, submission):
        raise Refused(f"You cannot decide on #{submission.pk}.")
    with transaction.atomic():
        current = Submission.objects.select_for_update(of=("self",)).select_related("outcome").get(pk=submission.pk)
        if current.outcome_id == (outcome.pk if outcome else None):
            return False
        Submission.objects.filter(pk=submission.pk).update(outcome=outcome, decision_released_at=None)
        DecisionChange.objects.create(submission=submission, by=by, note=note.strip(),
                                      old=current.outcome.name if current.outcome else "",
                                      new=outcome.name if outcome else "")
    submission.outcome, submission.decision_released_at = outcome, None
    return True


def decisions_record(*, submissions: list[Submission], outcome: Outcome | None, by: User,
                     note: str = "") -> int:
    """The same decision for many papers, in one transaction; returns how many changed."""
    with transaction.atomic():
        return sum(decision_record(submission=s, outcome=outcome, by=by, note=note) for s in submissions)


def tags_change(*, submissions: list[Submission], add: list[str], remove: list[str], by: User) -> int:
    """Add and remove chair tags on papers; returns how many tags changed."""
    for submission in submissions:
        if not policy.can_view_tags(by, submission):
            raise Refused(f"You cannot tag #{submission.pk}.")
    changed = 0
    with transaction.atomic():
        for submission in submissions:
            for name in add:
                changed += Tag.objects.get_or_create(submission=submission, name=name)[1]
            changed += Tag.objects.filter(submission=submission, name__in=remove).delete()[0]
    return changed
