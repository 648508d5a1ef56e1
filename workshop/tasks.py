"""Thin Celery wrappers: take ids, call a service."""

from celery import shared_task

from workshop.mail import TransientMailError, mail_deliver, outbox_sweep as _outbox_sweep


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=None,  # the service caps attempts (OUTBOX_MAX_ATTEMPTS) and marks failures
    name="workshop.tasks.mail_send_task",
)
def mail_send_task(self, mail_id: int) -> str:
    try:
        return mail_deliver(mail_id=mail_id)
    except TransientMailError as error:
        delay = min(60 * 2 ** self.request.retries, 3600)
        raise self.retry(exc=error, countdown=delay) from error


@shared_task(name="workshop.tasks.outbox_sweep")
def outbox_sweep() -> int:
    return _outbox_sweep()
