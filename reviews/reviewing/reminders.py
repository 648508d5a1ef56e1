"""Reminders to reviewers whose reviews are not submitted: sent by a chair
(after a preview) or by Celery beat from a chair-set number of days before the
review deadline; a review is never reminded twice on the same day."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from reviews.decisions.letters import paper_values
from reviews.models import Assignment, Review, ReviewStatus
from submissions.selectors import conflicted_numbers
from workshop.errors import Refused
from workshop.mail import absolute_url, mail_batch_create, mail_queue_text, text_render
from workshop.models import MailBatch, User, Workshop
from workshop.selectors import workshop_current


def unfinished_reviews(*, by: User | None) -> QuerySet[Assignment]:
    """Assignments without a submitted review, on papers still under review that
    `by` may manage (every paper, for the automatic run: by=None)."""
    submitted = Review.objects.filter(submission=OuterRef("submission"), reviewer=OuterRef("reviewer"),
                                      status=ReviewStatus.SUBMITTED)
    assignments = Assignment.objects.filter(
        submission__withdrawn_at__isnull=True, submission__decision_released_at__isnull=True,
    ).exclude(Exists(submitted)).select_related("reviewer", "submission").prefetch_related(
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
    """(to, subject, body) of the first mail `reminders_send` would send now, exactly as it
    would be sent; None when every unfinished review was already reminded today."""
    first = _due(by=by, today=today or timezone.localdate()).first()
    if first is None:
        return None
    return (first.reviewer.email, *text_render(key="reminder", values=_values(first, workshop_current())))


def reminders_send(*, by: User | None, today: date | None = None) -> MailBatch | None:
    """One mail per unfinished review not reminded today; None if there is none."""
    today = today or timezone.localdate()
    workshop = workshop_current()
    with transaction.atomic():
        due = list(_due(by=by, today=today).select_for_update(of=("self",)))
        if not due:
            return None
        batch = mail_batch_create(label=f"Reminders for {len(due)} unfinished review{'s' * (len(due) > 1)}", by=by)
        for assignment in due:
            mail_queue_text(key="reminder", to=assignment.reviewer.email, values=_values(assignment, workshop),
                            kind="pc:reminder", paper=assignment.submission_id, related=assignment, batch=batch)
        Assignment.objects.filter(pk__in=[a.pk for a in due]).update(reminded_on=today)
    return batch


def reminders_send_by_chair(*, by: User) -> MailBatch:
    batch = reminders_send(by=by)
    if batch is None:
        raise Refused("Every unfinished review on your papers was already reminded today.")
    return batch


def reminders_automatic(*, now=None) -> MailBatch | None:
    """Celery beat, hourly: from `reminder_days_before` days before the review
    deadline until it passes, remind once a day."""
    now = now or timezone.now()
    workshop = workshop_current()
    deadline, days = workshop.review_deadline, workshop.reminder_days_before
    if deadline is None or days is None or not deadline - timedelta(days=days) <= now <= deadline:
        return None
    return reminders_send(by=None, today=timezone.localdate(now))
