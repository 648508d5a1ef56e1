from datetime import timedelta

import pytest
from django.db import transaction

from tests.integration.conftest import wait_for
from workshop.mail import mail_queue, outbox_sweep
from workshop.models import MailStatus, OutgoingMail
from workshop.tasks import mail_send_task

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _status(mail_id):
    return OutgoingMail.objects.get(pk=mail_id).status


def test_real_worker_delivers_a_queued_mail_exactly_once(start_worker, smtp_sink):
    sink, _port = smtp_sink
    start_worker()

    with transaction.atomic():
        mail = mail_queue(to="reviewer@example.edu", subject="Your assignment", body="Paper #12",
                          kind="test")

    assert wait_for(lambda: _status(mail.pk) == MailStatus.SENT)
    # A duplicate task and a sweep must not send it again.
    mail_send_task.delay(mail.pk)
    outbox_sweep(older_than=timedelta(0))
    wait_for(lambda: False, timeout=3)
    assert len(sink.messages) == 1
    assert b"Subject: Your assignment" in sink.messages[0]
    assert f"X-Workshop-Mail-Id: {mail.public_id}".encode() in sink.messages[0]


def test_mail_survives_a_worker_killed_mid_send(start_worker, smtp_sink):
    sink, _port = smtp_sink
    sink.hold.set()  # the SMTP server stalls, so the worker is caught mid-send
    first = start_worker()
    with transaction.atomic():
        mail = mail_queue(to="author@example.edu", subject="Receipt", body="#3", kind="test")
    assert wait_for(sink.stalled.is_set)

    first.kill()
    sink.hold.clear()

    assert wait_for(lambda: _status(mail.pk) == MailStatus.QUEUED, timeout=10)
    start_worker()
    outbox_sweep(older_than=timedelta(0))
    assert wait_for(lambda: _status(mail.pk) == MailStatus.SENT)
    assert len(sink.messages) == 1
