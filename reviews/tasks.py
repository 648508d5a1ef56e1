"""Thin Celery wrappers: take ids, call a service."""

from celery import shared_task

from reviews.auto import run_execute


@shared_task(acks_late=True, name="reviews.tasks.assignment_run_task")
def assignment_run_task(run_id: int) -> None:
    run_execute(run_id=run_id)
