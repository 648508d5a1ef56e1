"""The mail outbox: queue inside the caller's transaction, deliver once on commit.

Every mail is written one of two ways: from template files (`mail_queue_template`,
previewed by `mail_render`) or from a chair-editable text (`mail_queue_text`,
previewed by `text_render`); both end in `mail_queue`.

`mail_queue` writes an OutgoingMail row and schedules delivery with
`transaction.on_commit`, so a rolled-back change sends nothing. `mail_deliver`
locks the row while it talks to SMTP: a second worker (a duplicate task, or the
sweep) waits, then sees the mail is sent and does nothing. A worker that dies
mid-send rolls back, leaving the mail queued for the sweep to pick up."""

import logging
import smtplib
import socket
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Model
from django.template.loader import render_to_string
from django.utils import timezone

from workshop import mailtext
from workshop.models import MailBatch, MailBatchKind, MailPaper, MailStatus, MailTemplate, OutgoingMail
from workshop.selectors import workshop_current
from workshop.tasks import mail_send_many_task, mail_send_task

log = logging.getLogger(__name__)


class TransientMailError(Exception):
    """Delivery failed in a way worth retrying (network, 4xx reply)."""


def one_line(text: str, limit: int = 300) -> str:
    """A header value that cannot fail: control characters (a CR/LF in a
    title, say) become spaces, runs of spaces one."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())[:limit]


def absolute_url(path: str) -> str:
    """Links in mail point at SITE_URL, the address people reach the site at."""
    return settings.SITE_URL.rstrip("/") + path


def subject_prefix(workshop=None) -> str:
    return f"[{(workshop or workshop_current()).acronym}] "


@transaction.atomic
def mail_batch_create(*, label: str, by, kind: str = MailBatchKind.CHAIRS) -> MailBatch:
    """`kind` says who may watch it besides `by` (`policy.can_watch_mail_batch`)."""
    return MailBatch.objects.create(label=label, created_by=by, kind=kind)


def mail_render(template: str, context: dict, *, workshop=None) -> tuple[str, str]:
    """(subject, body) of `<template>_subject.txt` and `_body.txt`, the subject
    prefixed with the workshop's acronym: exactly what `mail_queue_template` sends.
    (`workshop`, when a job renders many, saves reading it for each.)"""
    workshop = workshop or workshop_current()
    context = {"workshop": workshop, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    return subject_prefix(workshop) + subject, render_to_string(f"{template}_body.txt", context)


def mail_queue_template(*, to: str, template: str, context: dict, kind: str, paper: int | None = None,
                        related: Model | None = None, batch: MailBatch | None = None) -> OutgoingMail:
    """The one way to write a mail from a file template (e.g. template="reviews/email/comment")."""
    subject, body = mail_render(template, context)
    return mail_queue(to=to, subject=subject, body=body, kind=kind, paper=paper, related=related, batch=batch)


def text_render(*, key: str, values: dict[str, str]) -> tuple[str, str]:
    """(subject, body) of the chair-editable text `key` (workshop.MailTemplate) with its
    {placeholders} filled: exactly what `mail_queue_text` sends."""
    template = MailTemplate.objects.get(key=key)
    return subject_prefix() + mailtext.render(template.subject, values), mailtext.render(template.body, values)


def text_renderer(key: str):
    """`text_render` for many mails of one text: the text is read once; the function
    returns (subject, body) for each mail's values, exactly as `mail_queue_text` writes them."""
    template, prefix = MailTemplate.objects.get(key=key), subject_prefix()

    def render(values: dict[str, str]) -> tuple[str, str]:
        return prefix + mailtext.render(template.subject, values), mailtext.render(template.body, values)

    return render


def mail_queue_text(*, to: str, key: str, values: dict[str, str], kind: str, paper: int | None = None,
                    related: Model | None = None, batch: MailBatch | None = None) -> OutgoingMail:
    """The one way to write a mail from a chair-editable text (assignment, reminder, response-open, ...)."""
    subject, body = text_render(key=key, values=values)
    return mail_queue(to=to, subject=subject, body=body, kind=kind, paper=paper, related=related, batch=batch)


def mail_queue(
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    paper: int | None = None,
    html_body: str = "",
    related: Model | None = None,
    batch: MailBatch | None = None,
) -> OutgoingMail:
    """`paper` is the number of the paper the mail is about (None for
    workshop-wide mail): the outbox shows it only to who may see that paper."""
    mail = OutgoingMail(
        recipient=to, subject=one_line(subject), body=body, html_body=html_body, kind=kind, paper_number=paper,
        batch=batch,
    )
    if related is not None:
        mail.related = related
    mail.save()
    transaction.on_commit(lambda: _enqueue(mail.pk))
    return mail


MAILS_PER_TASK = 100


def mail_queue_many(mails: list[dict]) -> list[OutgoingMail]:
    """`mail_queue` for a job's batch: one INSERT for all, and one broker message per
    MAILS_PER_TASK mails once the transaction commits. Each dict has `mail_queue`'s
    arguments (to, subject, body, kind; paper, related, batch), and a mail about several
    papers names them in `papers` (never in `paper`), so the outbox hides it as it hides one."""
    rows = []
    for mail in mails:
        row = OutgoingMail(recipient=mail["to"], subject=one_line(mail["subject"]), body=mail["body"],
                           kind=mail["kind"], paper_number=mail.get("paper"), batch=mail.get("batch"))
        if mail.get("related") is not None:
            row.related = mail["related"]
        rows.append(row)
    rows = OutgoingMail.objects.bulk_create(rows)
    MailPaper.objects.bulk_create(MailPaper(mail=row, number=number)
                                  for row, mail in zip(rows, mails, strict=True) for number in mail.get("papers", ()))
    ids = [row.pk for row in rows]
    for start in range(0, len(ids), MAILS_PER_TASK):
        chunk = ids[start:start + MAILS_PER_TASK]
        transaction.on_commit(lambda chunk=chunk: mail_send_many_task.delay(chunk))
    return rows


def mail_job_start(*, kind: str, scope: str, by, label: str, params: dict, task,
                   batch_kind: str = MailBatchKind.CHAIRS):
    """Queue a job that writes a batch of mails (a release, reminders, a message): its MailBatch,
    whose page shows them go out, and the job (`workshop.jobs.job_start`), which finds it in
    `params["batch"]`. When one of this kind and scope is under way: (that job, False), no batch."""
    from workshop.jobs import job_start

    with transaction.atomic():
        batch = mail_batch_create(label=label, by=by, kind=batch_kind)
        job, started = job_start(kind=kind, scope=scope, by=by, params={**params, "batch": batch.pk}, task=task)
        if not started:
            batch.delete()
        return job, started


def mail_job_queue(job, mails: list[dict]) -> None:
    """A mail job's batch of mails, in its MailBatch, counted in the job's result."""
    batch = MailBatch.objects.get(pk=job.params["batch"])
    mail_queue_many([{**mail, "batch": batch} for mail in mails])
    job.result["mails"] = job.result.get("mails", 0) + len(mails)
    job.result["batch"] = str(batch.public_id)


def _enqueue(mail_id: int) -> None:
    mail_send_task.delay(mail_id)


def _is_transient(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    return isinstance(
        error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout,
                ConnectionError, OSError)
    )


def _message_for(mail: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=one_line(mail.subject),  # rows written before subjects were cleaned
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.recipient],
        headers={"X-Workshop-Mail-Id": str(mail.public_id)},
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    return message


def mail_deliver(*, mail_id: int) -> str:
    """Send one queued mail. Returns the resulting status; raises
    TransientMailError (after recording the attempt) when a retry may succeed."""
    retry_error = None
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status != MailStatus.QUEUED:
            return mail.status if mail else "missing"
        try:
            _message_for(mail).send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - every SMTP failure is classified
            attempts = mail.attempts + 1
            gave_up = not _is_transient(error) or attempts >= settings.OUTBOX_MAX_ATTEMPTS
            status = MailStatus.FAILED if gave_up else MailStatus.QUEUED
            OutgoingMail.objects.filter(pk=mail.pk).update(
                attempts=attempts, status=status,
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
            log.warning("mail %s attempt %s failed: %s", mail.pk, attempts, error)
            if gave_up:
                return status
            retry_error = error
        else:
            OutgoingMail.objects.filter(pk=mail.pk).update(
                status=MailStatus.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1,
                last_error="",
            )
            return MailStatus.SENT
    raise TransientMailError(str(retry_error)) from retry_error


def mail_retry(*, mail: OutgoingMail) -> None:
    """A chair asks to try a failed mail again."""
    with transaction.atomic():
        updated = OutgoingMail.objects.filter(pk=mail.pk, status=MailStatus.FAILED).update(
            status=MailStatus.QUEUED, attempts=0
        )
        if updated:
            transaction.on_commit(lambda: _enqueue(mail.pk))


def outbox_sweep(*, older_than: timedelta | None = None) -> int:
    """Re-enqueue mails still queued long after they were written: their task
    was lost (worker crash, broker restart). Delivery is idempotent, so a mail
    whose task is merely slow is not sent twice."""
    age = older_than if older_than is not None else timedelta(
        seconds=settings.OUTBOX_STUCK_AFTER_SECONDS
    )
    cutoff = timezone.now() - age
    stuck = list(
        OutgoingMail.objects.filter(status=MailStatus.QUEUED, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for mail_id in stuck:
        _enqueue(mail_id)
    return len(stuck)
