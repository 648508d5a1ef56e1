"""Applying a 120-pair proposal, and releasing 60 decisions, on a real Celery worker on Redis,
SIGKILLed in the middle of a batch: after a new worker and the jobs sweep, every pair, every
released decision and every mail exists exactly once (issue 20)."""

import re
from collections import Counter
from datetime import timedelta

import psycopg2
import pytest
from django.db import connection

from reviews.assignments.apply import run_apply_start
from reviews.decisions.release import decisions_release_start
from reviews.models import Assignment, AssignmentRun, Proposal
from submissions.models import Author, Outcome, Submission
from tests.factories import RoleFactory, UserFactory
from tests.integration.conftest import wait_for
from workshop.jobs import jobs_sweep
from workshop.mail import outbox_sweep
from workshop.models import Job, MailStatus, OutgoingMail
from workshop.runs import RunState

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _proposal(chair, reviewers):
    creator = UserFactory()
    papers = Submission.objects.bulk_create(
        Submission(title=f"Paper {i}", abstract="x", attack_model="x", security_relationship="x", created_by=creator)
        for i in range(60))
    pairs = [{"paper": paper.pk, "reviewer": reviewers[(i + shift) % 6].pk, "score": 0.5, "text": 0.5, "topic": 0,
              "threat": 0, "bid": 0, "kept": False} for i, paper in enumerate(papers) for shift in (0, 3)]
    run = AssignmentRun.objects.create(created_by=chair, state=RunState.DONE, result={"pairs": pairs},
                                       params={"mode": "fresh", "k": 2, "min_load": 0, "max_load": 20,
                                               "fair": False, "weights": {}})
    return run, papers


def _blocked_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                       "AND datname = current_database()")
        return cursor.fetchone()[0] > 0


def _killed_while_blocked(start_worker, number: int, start):
    """Hold paper `number`'s row from a second connection, start a worker and the job (`start()`),
    SIGKILL the worker once a batch waits on that row, then start a new worker and sweep.
    Returns (the job, the job as it stood when the worker died)."""
    db = connection.settings_dict
    locker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1",
                              port=db["PORT"] or 5432)
    try:
        locker.cursor().execute("SELECT 1 FROM submissions_submission WHERE id = %s FOR UPDATE", [number])
        first = start_worker()
        job = start()
        assert wait_for(_blocked_on_a_lock, timeout=60)
        half = Job.objects.get(pk=job.pk)
        first.kill()
    finally:
        locker.rollback()
        locker.close()
    start_worker()
    jobs_sweep(older_than=timedelta(0))
    return job, half


def test_applying_survives_a_worker_killed_mid_batch(start_worker, smtp_sink, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("holds a row lock from a second connection: PostgreSQL")
    monkeypatch.setenv("JOB_BATCH", "10")  # the worker's batches: one reviewer's 20 pairs each
    sink, _port = smtp_sink
    chair = UserFactory(full_name="Carol Chair")
    RoleFactory(user=chair, name="chair")
    reviewers = [UserFactory(email=f"r{i}@pc.example") for i in range(6)]
    for person in reviewers:
        RoleFactory(user=person, name="pc")
    run, papers = _proposal(chair, reviewers)
    # Paper #2's row held: the batch with its pairs (reviewer 1's) waits at its commit, where
    # PostgreSQL checks Django's deferred foreign keys.
    job, half = _killed_while_blocked(start_worker, papers[1].pk, lambda: run_apply_start(run=run, by=chair)[0])

    finished = wait_for(lambda: Job.objects.get(pk=job.pk).state == RunState.DONE, timeout=120)
    assert finished, Job.objects.filter(pk=job.pk).values("state", "done", "total", "error", "heartbeat_at")[0]
    assert (half.state, half.done) == (RunState.RUNNING, 20)  # the first reviewer's batch had committed
    pairs = Counter(Assignment.objects.values_list("submission_id", "reviewer_id"))
    assert len(pairs) == 120 and set(pairs.values()) == {1}
    mails = OutgoingMail.objects.filter(kind="pc:assignment")
    outbox_sweep(older_than=timedelta(0))  # the batch the dead worker's connection committed never enqueued
    assert sorted(mails.values_list("recipient", flat=True)) == sorted(r.email for r in reviewers)
    assert wait_for(lambda: mails.filter(status=MailStatus.SENT).count() == 6, timeout=120)
    ids = Counter(re.search(rb"X-Workshop-Mail-Id: (\S+)", m).group(1) for m in sink.messages)
    assert len(ids) == 6 and set(ids.values()) == {1}
    assert AssignmentRun.objects.get(pk=run.pk).proposal == Proposal.APPLIED


def test_a_release_survives_a_worker_killed_mid_batch(start_worker, smtp_sink, monkeypatch):
    """60 decided papers, two authors each, released 10 papers a batch; the worker dies while the
    second batch waits on a row lock: every decision is released and every author mailed once."""
    if connection.vendor != "postgresql":
        pytest.skip("holds a row lock from a second connection: PostgreSQL")
    monkeypatch.setenv("JOB_BATCH", "10")
    sink, _port = smtp_sink
    chair = UserFactory(full_name="Carol Chair")
    RoleFactory(user=chair, name="chair")
    accept = Outcome.objects.get(name="Accept (poster)")
    creator = UserFactory()
    papers = Submission.objects.bulk_create(
        Submission(title=f"Paper {i}", abstract="x", attack_model="x", security_relationship="x", created_by=creator,
                   outcome=accept) for i in range(60))
    Author.objects.bulk_create(Author(submission=paper, position=k, name=f"Author {k}", email=f"a{k}.{paper.pk}@x.org")
                               for paper in papers for k in range(2))
    # Paper 16's row held: the second batch's UPDATE waits on it.
    job, half = _killed_while_blocked(start_worker, papers[15].pk, lambda: decisions_release_start(by=chair)[0])

    finished = wait_for(lambda: Job.objects.get(pk=job.pk).state == RunState.DONE, timeout=120)
    assert finished, Job.objects.filter(pk=job.pk).values("state", "done", "total", "error", "heartbeat_at")[0]
    assert (half.state, half.done) == (RunState.RUNNING, 10)  # the first batch had committed
    assert Submission.objects.filter(released_outcome=accept, decision_released_at__isnull=False).count() == 60
    mails = OutgoingMail.objects.filter(kind="decision:notification")
    outbox_sweep(older_than=timedelta(0))
    recipients = Counter(mails.values_list("recipient", flat=True))
    assert len(recipients) == 120 and set(recipients.values()) == {1}
    assert wait_for(lambda: mails.filter(status=MailStatus.SENT).count() == 120, timeout=180)
    ids = Counter(re.search(rb"X-Workshop-Mail-Id: (\S+)", m).group(1) for m in sink.messages)
    assert len(ids) == 120 and set(ids.values()) == {1}
