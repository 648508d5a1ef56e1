"""The one job shape (workshop/jobs.py): batches, each its own transaction; a job a worker
left half-done continues where it stopped; one active job per kind and scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.tasks import assignment_apply_task
from workshop.errors import Refused
from workshop.jobs import job_drive, job_start, jobs_sweep
from workshop.models import Job, JobKind, Topic
from workshop.runs import RunState

pytestmark = pytest.mark.django_db


def _job(chair, scope="test", **fields) -> Job:
    return Job.objects.create(kind=JobKind.ASSIGNMENT_APPLY, scope=scope, created_by=chair,
                              task=assignment_apply_task.name, **fields)


def _prepare(job):
    job.params["names"] = [f"Topic {i}" for i in range(10)]
    job.result["unit"] = "topics"
    return 10


def _batch_of(size, *, crash_at=None):
    def batch(job):
        if crash_at is not None and job.done >= crash_at:
            raise KeyboardInterrupt  # a worker killed mid-batch: nothing of this batch commits
        names = job.params["names"][job.done:job.done + size]
        Topic.objects.bulk_create(Topic(name=name, position=100) for name in names)
        return len(names)
    return batch


def test_a_job_does_every_item_once_in_batches_and_says_so(chair):
    job = _job(chair)

    job_drive(job.pk, prepare=_prepare, batch=_batch_of(3), finish=lambda job: {"said": "done"})

    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.result["said"]) == (RunState.DONE, 10, 10, "done")
    assert Topic.objects.filter(name__startswith="Topic ").count() == 10


def test_a_job_killed_mid_batch_continues_from_its_last_committed_batch(chair):
    job = _job(chair)

    with pytest.raises(KeyboardInterrupt):
        job_drive(job.pk, prepare=_prepare, batch=_batch_of(3, crash_at=6))
    job.refresh_from_db()
    half = (job.state, job.done, Topic.objects.filter(name__startswith="Topic ").count())
    job_drive(job.pk, prepare=_prepare, batch=_batch_of(3))

    job.refresh_from_db()
    assert half == (RunState.RUNNING, 6, 6)
    assert job.state == RunState.DONE
    assert sorted(Topic.objects.filter(name__startswith="Topic ").values_list("name", flat=True)) == sorted(
        f"Topic {i}" for i in range(10))


def test_a_refusal_ends_the_job_with_its_message_and_keeps_finished_batches(chair):
    job = _job(chair)

    def batch(job):
        if job.done >= 3:
            raise Refused("The proposal changed under the job.")
        return _batch_of(3)(job)

    job_drive(job.pk, prepare=_prepare, batch=batch)

    job.refresh_from_db()
    assert (job.state, job.error, job.done) == (RunState.FAILED, "The proposal changed under the job.", 3)
    assert Topic.objects.filter(name__startswith="Topic ").count() == 3


def test_an_error_ends_the_job_with_a_plain_message(chair):
    job = _job(chair)

    job_drive(job.pk, prepare=_prepare, batch=lambda job: 1 // 0)

    job.refresh_from_db()
    assert job.state == RunState.FAILED
    assert job.error.startswith("The job stopped on an error (ZeroDivisionError)")


def test_a_second_start_of_the_same_scope_gets_the_running_job(chair):
    first, started = job_start(kind=JobKind.ASSIGNMENT_APPLY, scope="run:1", by=chair, params={},
                               task=assignment_apply_task)

    again, started_again = job_start(kind=JobKind.ASSIGNMENT_APPLY, scope="run:1", by=chair, params={},
                                     task=assignment_apply_task)

    assert (started, started_again, again.pk) == (True, False, first.pk)


def test_the_sweep_hands_a_silent_job_to_a_worker_again_and_leaves_a_live_one(chair, monkeypatch):
    handed = []
    monkeypatch.setattr(assignment_apply_task, "delay", handed.append)
    old = timezone.now() - timedelta(minutes=10)
    silent = _job(chair, scope="a", state=RunState.RUNNING, heartbeat_at=old)
    Job.objects.filter(pk=silent.pk).update(created_at=old)
    live = _job(chair, scope="b", state=RunState.RUNNING, heartbeat_at=timezone.now())
    Job.objects.filter(pk=live.pk).update(created_at=old)
    _job(chair, scope="c", state=RunState.DONE)

    assert jobs_sweep() == 1
    assert handed == [silent.pk]


def test_the_chair_dashboard_lists_recent_jobs_with_counts_only_for_their_starter(client_for, pc_world):
    from reviews.decisions.bulk import bulk_tag_start

    people, paper = pc_world
    job, _ = bulk_tag_start(by=people["chair"], numbers=[paper.pk], tag="x", add=True, back="/chair/papers/")

    own = client_for(people["chair"]).get("/chair/").content.decode()
    other = client_for(people["conflicted_chair"]).get("/chair/").content.decode()

    link = f'<a href="/jobs/{job.public_id}/">Tagging papers in bulk</a>'
    assert link in own and link in other
    assert "Waiting for a worker (0%)" in own and "Waiting for a worker (0%)" in other
