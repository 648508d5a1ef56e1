"""A release of 200 decision mails through a real Celery worker on Redis,
with the worker SIGKILLed in the middle of sending: every mail arrives
exactly once after a new worker and the sweep (issue 11)."""

import re
from collections import Counter
from datetime import timedelta

import pytest

from reviews.decisions.release import decisions_release_start
from submissions.models import Author, Outcome, Submission
from tests.factories import RoleFactory, UserFactory
from tests.integration.conftest import wait_for
from workshop.mail import outbox_sweep
from workshop.models import MailBatch, MailStatus, OutgoingMail

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _decided_papers(count: int) -> None:
    creator = UserFactory()
    accept = Outcome.objects.get(name="Accept (poster)")
    papers = Submission.objects.bulk_create(
        Submission(title=f"Paper {i}", abstract="x", attack_model="x", security_relationship="x",
                   created_by=creator, outcome=accept) for i in range(count))
    Author.objects.bulk_create(
        Author(submission=paper, position=n, name=f"Author {paper.pk}.{n}", email=f"a{paper.pk}.{n}@example.edu")
        for paper in papers for n in (0, 1))


def test_release_of_200_mails_survives_a_killed_worker(start_worker, smtp_sink):
    sink, _port = smtp_sink
    chair = UserFactory()
    RoleFactory(user=chair, name="chair")
    _decided_papers(100)
    sink.hold_after = 70  # the 71st mail stalls in the SMTP conversation: the worker is caught mid-send
    first = start_worker()

    job, _ = decisions_release_start(by=chair)  # the worker releases, then sends
    batch = MailBatch.objects.get(pk=job.params["batch"])
    assert wait_for(sink.stalled.is_set, timeout=120)
    first.kill()
    sink.hold.clear()
    start_worker()
    outbox_sweep(older_than=timedelta(0))

    mails = OutgoingMail.objects.filter(batch=batch)
    assert wait_for(lambda: mails.filter(status=MailStatus.SENT).count() == 200, timeout=180)
    ids = Counter(re.search(rb"X-Workshop-Mail-Id: (\S+)", m).group(1) for m in sink.messages)
    assert len(ids) == 200 and set(ids.values()) == {1}
    assert {str(m.public_id).encode() for m in mails} == set(ids)
