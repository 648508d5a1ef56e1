"""Issue 17, item 11a: two writers at once never give a 500. On SQLite the second
waits for the lock; a lock held past the wait answers a 503 that says nothing was saved."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from submissions.models import DecisionChange, Outcome, Submission
from tests.factories import SubmissionFactory

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)  # the other writer is another connection: data committed


@contextmanager
def _held_by_another_writer():
    """Another connection holds the write lock on the paper table; this one waits only a moment for it."""
    if connection.vendor == "sqlite":
        options = connection.settings_dict["OPTIONS"]
        saved = dict(options)
        options["timeout"] = 0.05
        connection.close()
        with closing(sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                other.execute("ROLLBACK")
                options.clear()
                options.update(saved)
                connection.close()
        return
    import psycopg2

    with closing(psycopg2.connect(**connection.get_connection_params())) as other, other.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Submission._meta.db_table} IN EXCLUSIVE MODE")  # plain reads still pass
        with connection.cursor() as ours:
            ours.execute("SET lock_timeout = '50ms'")
        try:
            yield
        finally:
            other.rollback()
            with connection.cursor() as ours:
                ours.execute("RESET lock_timeout")


def _decided_paper() -> Submission:
    paper = SubmissionFactory()
    Submission.objects.filter(pk=paper.pk).update(outcome=Outcome.objects.order_by("pk").first())
    return paper


def test_a_write_that_cannot_get_the_lock_answers_try_again_and_saves_nothing(client_for, chair):
    paper = SubmissionFactory()
    client = client_for(chair)
    url, data = reverse("decision_set", args=[paper.pk]), {"outcome": Outcome.objects.order_by("pk").last().pk}
    before = list(Submission.objects.values_list("pk", "outcome_id", "decision_released_at"))

    with _held_by_another_writer():
        response = client.post(url, data, HTTP_REFERER=f"http://testserver/submissions/{paper.pk}/")

    page = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert "Nothing was saved" in page and "Please send it again" in page
    assert f'href="http://testserver/submissions/{paper.pk}/"' in page
    assert list(Submission.objects.values_list("pk", "outcome_id", "decision_released_at")) == before
    assert DecisionChange.objects.count() == 0


def test_a_release_that_meets_a_busy_database_waits_and_continues_when_it_is_free(client_for, chair):
    """The release is a job: the request queues it; its worker (here in the request, Celery eager)
    cannot write the papers, so the job waits, releasing nothing, until the sweep hands it on."""
    from workshop.jobs import jobs_sweep
    from workshop.models import Job

    paper = _decided_paper()
    client = client_for(chair)

    with _held_by_another_writer():
        response = client.post(reverse("release"), {"confirm": "yes"})
        if connection.vendor == "sqlite":  # the other writer holds the whole file: not even the job is queued
            assert (response.status_code, Job.objects.count()) == (503, 0)
            return
        waiting = Job.objects.get()
        released_while_busy = Submission.objects.get(pk=paper.pk).decision_released_at
    jobs_sweep(older_than=timedelta(0))

    assert response.status_code == 302 and response.url == reverse("job_detail", args=[waiting.public_id])
    assert (waiting.state, waiting.done, released_while_busy) == ("running", 0, None)
    assert waiting.step.startswith("Waiting for the database")
    assert Job.objects.get().state == "done"
    assert Submission.objects.get(pk=paper.pk).decision_released_at is not None


def test_two_chairs_deciding_at_once_on_sqlite_both_succeed(tmp_path):
    env = {**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    run = subprocess.run([sys.executable, "-m", "tests.workshop.ops.sqlite_parallel_decisions",
                          str(tmp_path / "parallel.sqlite3")], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300, check=False)

    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["statuses"] == [302, 302], run.stderr[-3000:]
    assert result["decided"] == result["papers"]
