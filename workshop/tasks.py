"""Thin Celery wrappers: take ids, call a service (imported in the body: the
services import these tasks to queue them)."""

from celery import shared_task
from django.conf import settings

from workshop.models import MailStatus


@shared_task(bind=True, acks_late=True, max_retries=None, name="workshop.tasks.mail_send_task")
def mail_send_task(self, mail_id: int) -> str:
    """The service caps attempts (OUTBOX_MAX_ATTEMPTS) and marks failures, so
    Celery may retry without its own limit."""
    from workshop.mail import TransientMailError, mail_deliver

    try:
        return mail_deliver(mail_id=mail_id)
    except TransientMailError as error:
        if self.request.is_eager:
            # No broker to schedule a retry on (development): the mail stays
            # queued for the sweep rather than failing the web request.
            return MailStatus.QUEUED
        delay = min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** self.request.retries, 3600)
        raise self.retry(exc=error, countdown=delay) from error


@shared_task(name="workshop.tasks.outbox_sweep")
def outbox_sweep() -> int:
    from workshop.mail import outbox_sweep as sweep

    return sweep()


@shared_task(bind=True, acks_late=True, max_retries=None, name="workshop.tasks.mail_send_many_task")
def mail_send_many_task(self, mail_ids: list[int]) -> int:
    """A batch of mails queued together (a job's batch): one broker message, each mail
    delivered as `mail_send_task` would; one that may succeed later gets its own retry."""
    from workshop.mail import TransientMailError, mail_deliver

    sent = 0
    for mail_id in mail_ids:
        try:
            sent += mail_deliver(mail_id=mail_id) == MailStatus.SENT
        except TransientMailError:
            if not self.request.is_eager:
                mail_send_task.apply_async(args=[mail_id], countdown=settings.OUTBOX_RETRY_BASE_SECONDS)
    return sent


@shared_task(name="workshop.tasks.jobs_sweep")
def jobs_sweep() -> int:
    from workshop.jobs import jobs_sweep as sweep

    return sweep()
