"""Thin Celery wrappers: take ids, call a service (imported in the body: the
services import these tasks to queue them)."""

from celery import shared_task


@shared_task(acks_late=True, name="submissions.tasks.proceedings_build_task")
def proceedings_build_task(build_id: int) -> None:
    from submissions.proceedings.services import build_run

    build_run(build_id=build_id)


@shared_task(acks_late=True, name="submissions.tasks.camera_reminders_task")
def camera_reminders_task(job_id: int) -> None:
    from submissions.camera_ready.services import camera_reminders_run

    camera_reminders_run(job_id)
