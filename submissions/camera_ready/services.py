"""The camera-ready version of an accepted paper: the final PDF (every upload
kept), the final title, abstract and author list, the licence; and reminders
to the authors who still owe something."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from submissions.camera_ready.selectors import camera_of, camera_ready_statuses
from submissions.models import CameraReady, PdfKind, PdfVersion, Submission
from submissions.selectors import manages_proceedings
from submissions.services.pdf_versions import PdfRules, pdf_version_add
from submissions.tasks import camera_reminders_task
from workshop import policy
from workshop.errors import Refused
from workshop.jobs import job_drive
from workshop.mail import mail_job_queue, mail_job_start, mail_render
from workshop.models import Job, JobKind, MailBatchKind, User, Workshop
from workshop.selectors import workshop_current


def _refuse_unless_allowed(by: User, submission: Submission, workshop: Workshop, now: datetime) -> CameraReady:
    camera = camera_of(submission)
    refusal = policy.camera_ready_refusal(by, submission, workshop, now=now, camera=camera)
    if refusal:
        raise Refused(refusal)
    return camera


def camera_ready_upload(*, submission: Submission, by: User, data: bytes, filename: str, workshop: Workshop,
                        now: datetime | None = None) -> PdfVersion:
    """The final PDF: the submission checks, its own page limit, no anonymity
    warning (it names its authors), no reviewer copy; every version kept."""
    now = now or timezone.now()
    _refuse_unless_allowed(by, submission, workshop, now)
    rules = PdfRules(kind=PdfKind.CAMERA_READY, page_limit=workshop.camera_ready_page_limit,
                     check_anonymity=False, reviewer_copy=False)
    return pdf_version_add(submission=submission, by=by, data=data, filename=filename, rules=rules,
                           workshop=workshop)


@dataclass(frozen=True)
class PrintedAuthor:
    name: str
    affiliation: str = ""
    orcid: str = ""


def camera_ready_metadata_save(*, submission: Submission, by: User, title: str, abstract: str,
                               authors: list[PrintedAuthor], workshop: Workshop,
                               now: datetime | None = None) -> CameraReady:
    now = now or timezone.now()
    if not authors:
        raise Refused("List at least one author.")
    with transaction.atomic():
        camera = _refuse_unless_allowed(by, submission, workshop, now)
        camera.title, camera.abstract = title.strip(), abstract.strip()
        camera.authors = [{"name": a.name.strip(), "affiliation": a.affiliation.strip(), "orcid": a.orcid}
                          for a in authors]
        camera.metadata_confirmed_at = now
        camera.save()
    return camera


def licence_accept(*, submission: Submission, by: User, workshop: Workshop, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        camera = _refuse_unless_allowed(by, submission, workshop, now)
        camera.licence_accepted_at, camera.licence_accepted_by = now, by
        camera.licence_name = workshop.licence_name
        camera.save()


def camera_ready_extension_grant(*, submission: Submission, until: datetime | None, by: User) -> None:
    """This paper's own camera-ready deadline (None removes it)."""
    if not policy.is_accepted(submission) or not manages_proceedings(by):
        raise Refused("Only organizers and chairs extend an accepted paper's camera-ready deadline.")
    with transaction.atomic():
        camera = camera_of(submission)
        camera.extension = until
        camera.save()


@dataclass(frozen=True)
class ReminderPreview:
    """What the sender is shown before sending: only what `by` may see."""

    papers: int  # papers that still owe something
    mails: int | None  # one per author of those papers; None if `by` may not see who their authors are
    to: str  # the first mail's address, or "The authors of #N"
    subject: str
    body: str


def camera_ready_reminders(*, by: User, send: bool,
                           workshop: Workshop | None = None) -> tuple[ReminderPreview | None, Job | None]:
    """A reminder to each author of each paper that still owes something.
    Returns (the preview of the first, or None if nobody owes anything; the job when `send`,
    which the worker does a batch of papers a transaction).
    The preview counts and addresses the mails only for a sender who may see
    the papers' authors (`policy.can_view_camera_ready_recipients`); an organizer
    learns the papers, not how many authors each submission has, nor who."""
    if not manages_proceedings(by):
        raise Refused("Only organizers and chairs send camera-ready reminders.")
    workshop = workshop or workshop_current()
    owing = [s for s in camera_ready_statuses() if s.missing]
    mails = [(author.email, status) for status in owing for author in status.submission.authors.all()]
    if not mails:
        return None, None
    first = owing[0]
    sees_recipients = all(policy.can_view_camera_ready_recipients(by, s.submission, workshop=workshop) for s in owing)
    subject, body = mail_render("submissions/email/camera_ready_reminder",
                                {"submission": first.submission, "missing": first.missing})
    preview = ReminderPreview(papers=len(owing), mails=len(mails) if sees_recipients else None,
                              to=mails[0][0] if sees_recipients else f"The authors of #{first.submission.pk}",
                              subject=subject, body=body)
    if not send:
        return preview, None
    job, _started = mail_job_start(
        kind=JobKind.CAMERA_READY_REMINDERS, scope="camera-ready", by=by, batch_kind=MailBatchKind.CAMERA_READY,
        label=f"Camera-ready reminders ({len(owing)} paper{'s' * (len(owing) != 1)})", params={},
        task=camera_reminders_task)
    return preview, job


def camera_reminders_prepare(job: Job) -> int:
    """The papers that owe something now, in volume order."""
    job.params["numbers"] = [s.submission.pk for s in camera_ready_statuses() if s.missing]
    job.result = {"unit": "papers", "mails": 0}
    return len(job.params["numbers"])


def camera_reminders_batch(job: Job) -> int:
    """Remind the next papers' authors of what each still owes (nothing, if it was sent meanwhile)."""
    chunk = job.params["numbers"][job.done:job.done + settings.JOB_BATCH]
    workshop = workshop_current()
    mails = []
    for status in camera_ready_statuses(among=chunk):
        if not status.missing:
            continue
        subject, body = mail_render("submissions/email/camera_ready_reminder",
                                    {"submission": status.submission, "missing": status.missing}, workshop=workshop)
        mails += [{"to": author.email, "subject": subject, "body": body, "kind": policy.CAMERA_READY_MAIL,
                   "paper": status.submission.pk} for author in status.submission.authors.all()]
    mail_job_queue(job, mails)
    return len(chunk)


def camera_reminders_run(job_id: int) -> None:
    job_drive(job_id, prepare=camera_reminders_prepare, batch=camera_reminders_batch)
