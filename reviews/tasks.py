"""Thin Celery wrappers: take ids, call a service (imported in the body: the
services import these tasks to queue them)."""

from celery import shared_task


@shared_task(acks_late=True, name="reviews.tasks.assignment_run_task")
def assignment_run_task(run_id: int) -> None:
    from reviews.assignments.runs import run_execute

    run_execute(run_id=run_id)


@shared_task(acks_late=True, name="reviews.tasks.assignment_apply_task")
def assignment_apply_task(job_id: int) -> None:
    from reviews.assignments.apply import apply_batch, apply_finish, apply_prepare
    from workshop.jobs import job_drive

    job_drive(job_id, prepare=apply_prepare, batch=apply_batch, finish=apply_finish)


@shared_task(acks_late=True, name="reviews.tasks.decisions_release_task")
def decisions_release_task(job_id: int) -> None:
    from reviews.decisions.release import release_run

    release_run(job_id)


@shared_task(acks_late=True, name="reviews.tasks.papers_bulk_task")
def papers_bulk_task(job_id: int) -> None:
    from reviews.decisions.bulk import bulk_run

    bulk_run(job_id)


@shared_task(acks_late=True, name="reviews.tasks.authors_message_task")
def authors_message_task(job_id: int) -> None:
    from reviews.decisions.compose import authors_message_run

    authors_message_run(job_id)


@shared_task(acks_late=True, name="reviews.tasks.pc_invitations_task")
def pc_invitations_task(job_id: int) -> None:
    from reviews.committee.services import invitations_run

    invitations_run(job_id)


@shared_task(name="reviews.tasks.reminders_task")
def reminders_task() -> int:
    from reviews.reviewing.reminders import reminders_automatic

    return 1 if reminders_automatic() else 0


@shared_task(acks_late=True, name="reviews.tasks.review_reminders_task")
def review_reminders_task(job_id: int) -> None:
    from reviews.reviewing.reminders import reminders_run

    reminders_run(job_id)


@shared_task(name="reviews.tasks.response_open_task")
def response_open_task() -> int:
    from reviews.discussion.services import response_open_mails

    return response_open_mails()
