"""Mass actions as jobs: the request that starts one returns at once; a worker does
the work in bounded batches, each its own transaction, and a job a killed worker
left continues from its last committed batch.

A kind of job is two functions of its feature module:
- `prepare(job) -> int` fixes what the job will do (in `job.params`, read once, with
  one policy pass over the whole set) and returns how many items that is;
- `batch(job) -> int` does the next items from `job.done`, at most a bounded number,
  and returns how many it did (0 when nothing is left);
and optionally `finish(job) -> dict`, the result summary, in the last batch's
transaction. `prepare` may set `job.result["unit"]` ("pairs"), what the count counts;
`batch` keeps what it must remember between batches in `job.result`, never in the
(large, fixed) `job.params`. `job_drive` calls them with the job's row locked, so a second worker
handed the same job (a redelivered task, the sweep) waits, then continues from
the committed `done`: no item is done twice. A database that is busy or away
stops the job without failing it: the sweep hands it to a worker again."""

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.http import Http404
from django.utils import timezone

from workshop import policy
from workshop.errors import Refused
from workshop.models import Job, User
from workshop.runs import ACTIVE, Progress, RunState

log = logging.getLogger(__name__)


def job_start(*, kind: str, scope: str, by: User, params: dict, task) -> tuple[Job, bool]:
    """Queue a job, unless one of this kind and scope is already queued or running:
    then that one is returned with False (two chairs clicking at once start one job)."""
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, scope=scope, created_by=by, params=params, task=task.name)
            transaction.on_commit(lambda: task.delay(job.pk))
            return job, True
    except IntegrityError:
        return Job.objects.get(kind=kind, scope=scope, state__in=ACTIVE), False


def job_drive(job_id: int, *, prepare: Callable[[Job], int], batch: Callable[[Job], int],
              finish: Callable[[Job], dict] | None = None) -> None:
    """Run the job to its end, one batch a transaction. A Refused stops it with its
    message; any other error stops it with a plain one (the log has the traceback)."""
    try:
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job_id)
            if job.state == RunState.QUEUED:
                job.total = prepare(job)
                job.state, job.started_at, job.step = RunState.RUNNING, timezone.now(), "Working"
                _save(job, "total", "params", "result", "state", "started_at", "step")
        while True:
            with transaction.atomic():
                job = Job.objects.select_for_update().get(pk=job_id)
                if job.state != RunState.RUNNING:
                    return  # finished, failed or cancelled meanwhile (another worker, a chair)
                job.done += batch(job)
                finished = job.done >= job.total
                if finished:
                    job.result = {**job.result, **(finish(job) if finish else {})}
                    job.state, job.finished_at, job.step = RunState.DONE, timezone.now(), "Done"
                _save(job, "done", "result", "state", "finished_at", "step")
            if finished:
                return
    except (OperationalError, InterfaceError) as error:  # the database busy or away: try again later
        log.warning("job %s waits for the database: %s", job_id, error)
        _note(job_id, "Waiting for the database; the job continues where it stopped")
    except Refused as refused:
        _fail(job_id, refused.message)
    except Exception as error:  # noqa: BLE001 - whatever broke, the job says so and the log has why
        log.exception("job %s failed", job_id)
        _fail(job_id, f"The job stopped on an error ({type(error).__name__}); what its finished batches did "
                      "is kept.")


def _save(job: Job, *fields: str) -> None:
    job.heartbeat_at = timezone.now()
    job.save(update_fields=[*fields, "heartbeat_at"])


def _note(job_id: int, step: str) -> None:
    """Say why the job waits, if the database takes the word; the sweep hands the job to a worker again."""
    try:
        Job.objects.filter(pk=job_id, state__in=ACTIVE).update(step=step)
    except (OperationalError, InterfaceError):
        pass


def _fail(job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id, state__in=ACTIVE).update(state=RunState.FAILED, error=message,
                                                          finished_at=timezone.now(), step="Failed")


def jobs_sweep(*, older_than: timedelta | None = None) -> int:
    """Hand a worker again every job whose worker went silent (killed, or its task lost
    with a broker restart): it continues from its last committed batch."""
    age = older_than if older_than is not None else timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    cutoff = timezone.now() - age
    stale = list(Job.objects.filter(state__in=ACTIVE, created_at__lte=cutoff)
                 .exclude(heartbeat_at__gt=cutoff).values_list("pk", "task")[:100])
    for job_id, task in stale:
        current_app.tasks[task].delay(job_id)
    return len(stale)


def job_visible_or_404(*, user, public_id) -> Job:
    """A job as `user` may watch it (`policy.can_view_job`), or the 404 of a missing one."""
    job = Job.objects.filter(public_id=public_id).select_related("created_by").first()
    if job is None or not policy.can_view_job(user, job):
        raise Http404("No such job")
    return job


def job_progress(job: Job, *, counts: bool) -> Progress:
    """The job as its page shows it; without `counts` (a viewer who did not start it) only
    the share done, not how many items it covers."""
    progress = Progress(state=job.state, done=job.done, total=job.total, step=job.step, error=job.error,
                        of=f" {job.result.get('unit', 'items')}" if job.total else "")
    return progress if counts else replace(progress, done=progress.percent, total=100, of="%")


def jobs_recent(*, user, limit: int = 8) -> list[tuple[Job, Progress]]:
    """The latest jobs `user` may watch, each as its page shows it to them (one query)."""
    jobs = Job.objects.select_related("created_by").order_by("-created_at", "-id")[:limit * 5]
    return [(job, job_progress(job, counts=policy.can_view_job_counts(user, job)))
            for job in jobs if policy.can_view_job(user, job)][:limit]
