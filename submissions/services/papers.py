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


def decision_record(*, submission: Submission, outcome: Outcome | None, by: User, note: str = "",
                    change_released: bool = False) -> bool:
    """Set (or clear, with None) the paper's decision, logged; returns whether it changed."""
    return decisions_record(submissions=[submission], outcome=outcome, by=by, note=note,
                            change_released=change_released) > 0


def decisions_record(*, submissions: list[Submission], outcome: Outcome | None, by: User, note: str = "",
                     change_released: bool = False) -> int:
    """The same decision for many papers, in one transaction; returns how many changed.

    The chairs' decision changes at once; what the authors see (the released
    outcome) only at the next release, which tells them it changed. Changing a
    released decision must be asked for (`change_released`): it is never a side
    effect of a bulk action."""
    for submission in submissions:
        if not policy.can_decide(by, submission):
            raise Refused(f"You cannot decide on #{submission.pk}.")
    new = outcome.pk if outcome else None
    with transaction.atomic():
        current = list(Submission.objects.select_for_update(of=("self",)).select_related("outcome")
                       .filter(pk__in=[s.pk for s in submissions]).order_by("pk"))
        changing = [paper for paper in current if paper.outcome_id != new]
        released = [paper.pk for paper in changing if policy.decision_released(paper)]
        if released and not change_released:
            raise Refused("Nothing changed: " + ", ".join(f"#{n}" for n in released)
                          + (" has a released decision" if len(released) == 1 else " have released decisions")
                          + ". Confirm that you change released decisions to do so.")
        if not changing:
            return 0
        Submission.objects.filter(pk__in=[paper.pk for paper in changing]).update(outcome=outcome)
        DecisionChange.objects.bulk_create(
            DecisionChange(submission=paper, by=by, note=note.strip(), old=paper.outcome.name if paper.outcome else "",
                           new=outcome.name if outcome else "")
            for paper in changing
        )
    for submission in submissions:
        if submission.outcome_id != new:
            submission.outcome = outcome
    return len(changing)


def tags_change(*, submissions: list[Submission], add: list[str], remove: list[str], by: User) -> int:
    """Add and remove chair tags on papers; returns how many tags changed."""
    for submission in submissions:
        if not policy.can_view_tags(by, submission):
            raise Refused(f"You cannot tag #{submission.pk}.")
    numbers = [s.pk for s in submissions]
    with transaction.atomic():
        present = set(Tag.objects.filter(submission_id__in=numbers, name__in=add).values_list("submission_id", "name"))
        new = [Tag(submission_id=number, name=name) for number in numbers for name in add
               if (number, name) not in present]
        Tag.objects.bulk_create(new, ignore_conflicts=True)
        removed = Tag.objects.filter(submission_id__in=numbers, name__in=remove).delete()[0]
    return len(new) + removed
