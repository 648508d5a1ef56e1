"""Thin Celery wrappers: take ids, call a service (imported in the body: the
services import these tasks to queue them)."""

from celery import shared_task


@shared_task(acks_late=True, name="reviews.tasks.assignment_run_task")
def assignment_run_task(run_id: int) -> None:
    from reviews.auto import run_execute

    run_execute(run_id=run_id)
