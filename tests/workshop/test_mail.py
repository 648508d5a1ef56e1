import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail as django_mail
from django.db import transaction
from django.utils import timezone

from tests.factories import OutgoingMailFactory
from workshop.mail import TransientMailError, mail_deliver, mail_queue, mail_retry, outbox_sweep
from workshop.models import MailStatus, OutgoingMail
from workshop.tasks import mail_send_task

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


class WorkerKilled(BaseException):
    """Stands for the process dying mid-send (not an Exception, like SIGKILL)."""


@pytest.mark.django_db
def test_mail_queue_sends_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = mail_queue(to="a@example.edu", subject="Hi", body="Body", kind="test")
        assert django_mail.outbox == []

    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT
    assert [m.to for m in django_mail.outbox] == [["a@example.edu"]]
    assert django_mail.outbox[0].extra_headers["X-Workshop-Mail-Id"] == str(queued.public_id)


@pytest.mark.django_db(transaction=True)
def test_mail_queue_in_a_rolled_back_transaction_sends_nothing():
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        mail_queue(to="a@example.edu", subject="Hi", body="Body", kind="test")
        raise Abort

    assert OutgoingMail.objects.count() == 0
    assert django_mail.outbox == []


@pytest.mark.django_db
def test_mail_deliver_twice_sends_once():
    queued = OutgoingMailFactory()

    first = mail_deliver(mail_id=queued.pk)
    second = mail_deliver(mail_id=queued.pk)

    assert (first, second) == (MailStatus.SENT, MailStatus.SENT)
    assert len(django_mail.outbox) == 1


@pytest.mark.django_db
def test_mail_deliver_missing_mail_is_a_no_op():
    assert mail_deliver(mail_id=987654) == "missing"


@pytest.mark.django_db
def test_mail_deliver_transient_error_keeps_it_queued_and_records_the_attempt():
    queued = OutgoingMailFactory()

    with mock.patch(LOCMEM_SEND, side_effect=smtplib.SMTPServerDisconnected("gone")):
        with pytest.raises(TransientMailError):
            mail_deliver(mail_id=queued.pk)

    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (MailStatus.QUEUED, 1)
    assert queued.last_error == "SMTPServerDisconnected: gone"


@pytest.mark.django_db
def test_mail_deliver_permanent_rejection_fails_without_retry():
    queued = OutgoingMailFactory()
    rejection = smtplib.SMTPRecipientsRefused({queued.recipient: (550, b"no such user")})

    with mock.patch(LOCMEM_SEND, side_effect=rejection):
        status = mail_deliver(mail_id=queued.pk)

    queued.refresh_from_db()
    assert (status, queued.status, queued.attempts) == (MailStatus.FAILED, MailStatus.FAILED, 1)


@pytest.mark.django_db
def test_mail_deliver_gives_up_after_the_attempt_cap(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    queued = OutgoingMailFactory(attempts=1)

    with mock.patch(LOCMEM_SEND, side_effect=ConnectionRefusedError("refused")):
        status = mail_deliver(mail_id=queued.pk)

    assert status == MailStatus.FAILED


@pytest.mark.django_db
def test_mail_send_task_schedules_a_retry_with_backoff_on_a_transient_error(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    queued = OutgoingMailFactory()

    with (
        mock.patch(LOCMEM_SEND, side_effect=smtplib.SMTPResponseException(421, b"try later")),
        mock.patch.object(mail_send_task, "retry", side_effect=Retry) as retry,
        pytest.raises(Retry),
    ):
        mail_send_task.run(queued.pk)

    assert retry.call_args.kwargs["countdown"] == 60
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (MailStatus.QUEUED, 1)


@pytest.mark.django_db
def test_mail_send_task_eager_transient_error_leaves_it_queued_without_raising(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch(LOCMEM_SEND, side_effect=smtplib.SMTPResponseException(421, b"try later")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queued = mail_queue(to="b@example.edu", subject="Hi", body="B", kind="test")

    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (MailStatus.QUEUED, 1)


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_send_leaves_the_mail_queued_and_the_sweep_delivers_it():
    queued = OutgoingMailFactory()
    with mock.patch(LOCMEM_SEND, side_effect=WorkerKilled), pytest.raises(WorkerKilled):
        mail_deliver(mail_id=queued.pk)
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (MailStatus.QUEUED, 0)

    resent = outbox_sweep(older_than=timedelta(0))

    queued.refresh_from_db()
    assert (resent, queued.status) == (1, MailStatus.SENT)
    assert len(django_mail.outbox) == 1


@pytest.mark.django_db
def test_outbox_sweep_leaves_fresh_and_sent_mails_alone():
    OutgoingMailFactory()  # just queued: its own task is on the way
    sent = OutgoingMailFactory(status=MailStatus.SENT, sent_at=timezone.now())
    OutgoingMail.objects.filter(pk=sent.pk).update(created_at=timezone.now() - timedelta(hours=1))

    assert outbox_sweep() == 0
    assert django_mail.outbox == []


@pytest.mark.django_db
def test_mail_retry_requeues_a_failed_mail(django_capture_on_commit_callbacks):
    failed = OutgoingMailFactory(status=MailStatus.FAILED, attempts=8, last_error="550")

    with django_capture_on_commit_callbacks(execute=True):
        mail_retry(mail=failed)

    failed.refresh_from_db()
    assert failed.status == MailStatus.SENT
    assert len(django_mail.outbox) == 1


@pytest.mark.django_db
def test_mail_subject_with_line_breaks_is_one_line_and_sends(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = mail_queue(to="a@example.edu", subject="#4 registered: Evil\r\nBcc: x@evil.example\ttitle",
                            body="Body", kind="test")

    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT
    assert django_mail.outbox[-1].subject == "#4 registered: Evil Bcc: x@evil.example title"


@pytest.mark.django_db
def test_mail_written_with_a_broken_subject_before_the_fix_still_sends(django_capture_on_commit_callbacks):
    broken = OutgoingMailFactory(subject="Please review #4: A\r\nB")

    assert mail_deliver(mail_id=broken.pk) == MailStatus.SENT
    assert django_mail.outbox[-1].subject == "Please review #4: A B"
