"""Reminders to reviewers whose reviews are not submitted: sent by a chair
(after a preview) or by Celery beat from a chair-set number of days before the
review deadline; a review is never reminded twice on the same day."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from reviews.decisions.letters import paper_values
from reviews.models import Assignment, Review, ReviewStatus
from reviews.tasks import review_reminders_task
from submissions.selectors import conflicted_numbers
from workshop.errors import Refused
from workshop.jobs import job_drive
from workshop.mail import absolute_url, mail_job_queue, mail_job_start, text_render, text_renderer
from workshop.models import Job, JobKind, MailBatch, User, Workshop
from workshop.selectors import workshop_current


def unfinished_reviews(*, by: User | None) -> QuerySet[Assignment]:
    """Assignments without a submitted review, on papers still under review that
    `by` may manage (every paper, for the automatic run: by=None)."""
    submitted = Review.objects.filter(submission=OuterRef("submission"), reviewer=OuterRef("reviewer"),
                                      status=ReviewStatus.SUBMITTED)
    assignments = Assignment.objects.filter(
        submission__withdrawn_at__isnull=True, submission__decision_released_at__isnull=True,
    ).exclude(Exists(submitted)).select_related("reviewer", "submission__outcome").prefetch_related(
        "submission__authors").order_by("submission_id", "reviewer_id")
    if by is not None:
        assignments = assignments.exclude(submission_id__in=conflicted_numbers(user=by))
    return assignments


def _due(*, by: User | None, today: date) -> QuerySet[Assignment]:
    """The unfinished reviews a reminder goes to now: those not reminded `today`."""
    return unfinished_reviews(by=by).filter(Q(reminded_on__isnull=True) | ~Q(reminded_on=today))


def _values(assignment: Assignment, workshop: Workshop) -> dict[str, str]:
    paper, reviewer = assignment.submission, assignment.reviewer
    return paper_values(paper, workshop) | {
        "reviewer": reviewer.full_name, "link": absolute_url(reverse("review_edit", args=[paper.pk]))}


def reminders_preview(*, by: User, today: date | None = None) -> tuple[str, str, str] | None:
    """(to, subject, body) of the first mail `reminders_start` would send now, exactly as it
    would be sent; None when every unfinished review was already reminded today."""
    first = _due(by=by, today=today or timezone.localdate()).first()
    if first is None:
        return None
    return (first.reviewer.email, *text_render(key="reminder", values=_values(first, workshop_current())))


def reminders_start(*, by: User | None, today: date | None = None) -> tuple[Job, bool] | None:
    """Queue one mail per unfinished review not reminded `today` (by=None: every paper, the
    automatic run); None if there is none. The worker writes them a batch a transaction."""
    today = today or timezone.localdate()
    if not _due(by=by, today=today).exists():
        return None
    return mail_job_start(kind=JobKind.REVIEW_REMINDERS, scope="reminders", by=by, label="Reminders",
                          params={"today": today.isoformat()}, task=review_reminders_task)


def reminders_send_by_chair(*, by: User) -> tuple[Job, bool]:
    started = reminders_start(by=by)
    if started is None:
        raise Refused("Every unfinished review on your papers was already reminded today.")
    return started


def reminders_prepare(job: Job) -> int:
    due = list(_due(by=job.created_by, today=date.fromisoformat(job.params["today"]))
               .values_list("pk", flat=True))
    job.params["assignments"] = due
    MailBatch.objects.filter(pk=job.params["batch"]).update(
        label=f"Reminders for {len(due)} unfinished review{'s' * (len(due) != 1)}")
    job.result = {"unit": "reviews", "mails": 0}
    return len(due)


def reminders_batch(job: Job) -> int:
    """Remind the next reviews; one submitted or reminded meanwhile (by the hourly run) is left."""
    chunk = job.params["assignments"][job.done:job.done + settings.JOB_BATCH]
    today = date.fromisoformat(job.params["today"])
    due = list(_due(by=job.created_by, today=today).filter(pk__in=chunk).select_for_update(of=("self",)))
    workshop, render = workshop_current(), text_renderer("reminder")
    mails = []
    for assignment in due:
        subject, body = render(_values(assignment, workshop))
        mails.append({"to": assignment.reviewer.email, "subject": subject, "body": body, "kind": "pc:reminder",
                      "paper": assignment.submission_id, "related": assignment})
    mail_job_queue(job, mails)
    Assignment.objects.filter(pk__in=[a.pk for a in due]).update(reminded_on=today)
    return len(chunk)


def reminders_run(job_id: int) -> None:
    job_drive(job_id, prepare=reminders_prepare, batch=reminders_batch)


def reminders_automatic(*, now=None) -> tuple[Job, bool] | None:
    """Celery beat, hourly: from `reminder_days_before` days before the review
    deadline until it passes, remind once a day."""
    now = now or timezone.now()
    workshop = workshop_current()
    deadline, days = workshop.review_deadline, workshop.reminder_days_before
    if deadline is None or days is None or not deadline - timedelta(days=days) <= now <= deadline:
        return None
    return reminders_start(by=None, today=timezone.localdate(now))
