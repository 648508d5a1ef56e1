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
