"""Issue 17, item 11a: two writers at once never give a 500. On SQLite the second
waits for the lock; a lock held past the wait answers a 503 that says nothing was saved."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing, contextmanager
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


@pytest.mark.parametrize("action", ["decide", "release"])
def test_a_write_that_cannot_get_the_lock_answers_try_again_and_saves_nothing(client_for, chair, action):
    paper = _decided_paper() if action == "release" else SubmissionFactory()
    client = client_for(chair)
    url, data = {
        "decide": (reverse("decision_set", args=[paper.pk]), {"outcome": Outcome.objects.order_by("pk").last().pk}),
        "release": (reverse("release"), {"confirm": "yes"}),
    }[action]
    before = list(Submission.objects.values_list("pk", "outcome_id", "decision_released_at"))

    with _held_by_another_writer():
        response = client.post(url, data, HTTP_REFERER=f"http://testserver/submissions/{paper.pk}/")

    page = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert "Nothing was saved" in page and "Please send it again" in page
    assert f'href="http://testserver/submissions/{paper.pk}/"' in page
    assert list(Submission.objects.values_list("pk", "outcome_id", "decision_released_at")) == before
    assert DecisionChange.objects.count() == 0


def test_two_chairs_deciding_at_once_on_sqlite_both_succeed(tmp_path):
    env = {**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    run = subprocess.run([sys.executable, "-m", "tests.workshop.ops.sqlite_parallel_decisions",
                          str(tmp_path / "parallel.sqlite3")], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300, check=False)

    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["statuses"] == [302, 302], run.stderr[-3000:]
    assert result["decided"] == result["papers"]
