"""Which outgoing mails a person may see, filtered in the query before any paging
(mails about papers they are conflicted with are left out); and what the
progress page of a mail batch shows one person: only the mails that count for
them (`policy.can_count_batch_mail`), each with its recipient where they may see
it; otherwise paper by paper ("the authors of #3"), so that how many authors a
paper has, and who they are, stays hidden (an organizer watching camera-ready
reminders under double blind)."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from submissions.models import Submission
from submissions.selectors import conflicted_numbers, manages_proceedings
from workshop import policy
from workshop.models import MailBatch, MailPaper, MailStatus, OutgoingMail
from workshop.runs import Progress, RunState
from workshop.selectors import workshop_current


def mails_visible_to(*, user, status: str | None = None) -> QuerySet[OutgoingMail]:
    """The outbox as `user` may see it, newest first: mails about papers they
    are conflicted with are left out in the query, before any paging."""
    if not policy.can_view_outbox(user):
        return OutgoingMail.objects.none()
    conflicted = conflicted_numbers(user=user)
    mails = OutgoingMail.objects.filter(
        Q(paper_number__isnull=True) | ~Q(paper_number__in=conflicted)
    ).exclude(Exists(MailPaper.objects.filter(mail=OuterRef("pk"), number__in=conflicted))).order_by(
        "-created_at", "-id")
    return mails.filter(status=status) if status else mails


def mail_visible_or_404(*, user, public_id) -> OutgoingMail:
    mail = mails_visible_to(user=user).filter(public_id=public_id).first()
    if mail is None:
        raise Http404("No such mail")
    return mail


@dataclass(frozen=True)
class Failure:
    who: str  # "ada@lakeside.example (#1)" or "The authors of #1"
    error: str  # "" where the error could quote a hidden address


@dataclass
class BatchProgress:
    batch: MailBatch
    by_paper: bool  # counted per paper: the viewer may not see some recipients
    counts: dict[str, int]
    total: int
    failed: list[Failure] = field(default_factory=list)
    label: str = ""  # the batch's label, unless it counts mails the viewer does not see

    @property
    def finished(self) -> bool:
        return self.counts[MailStatus.QUEUED] == 0

    @property
    def run(self) -> Progress:
        sent, queued, failed = (self.counts[s] for s in (MailStatus.SENT, MailStatus.QUEUED, MailStatus.FAILED))
        of = f" paper{'s' if self.total != 1 else ''} (to every author of each)" if self.by_paper else ""
        return Progress(state=RunState.DONE if self.finished else RunState.RUNNING, done=sent + failed,
                        total=self.total, step="Sending…", counts=((sent, "sent"), (queued, "queued"),
                                                                   (failed, "failed")), of=of)


def batch_progress_or_404(*, user, public_id) -> BatchProgress:
    """The batch as `user` may watch it, or the 404 of a missing batch."""
    batch = MailBatch.objects.filter(public_id=public_id).select_related("created_by").first()
    manages = manages_proceedings(user)
    if batch is None or not policy.can_watch_mail_batch(user, batch, manages_proceedings=manages):
        raise Http404("No such batch")
    workshop = workshop_current()
    mails = list(batch.mails.order_by("id"))
    papers = {p.pk: p for p in Submission.objects.filter(
        pk__in={m.paper_number for m in mails if m.paper_number}).prefetch_related("authors", "conflicts")}
    counted = [(m, papers.get(m.paper_number)) for m in mails]
    counted = [(m, p) for m, p in counted if policy.can_count_batch_mail(user, m, p, manages_proceedings=manages)]
    if all(policy.can_view_batch_mail_recipient(user, m, p, workshop=workshop) for m, p in counted):
        progress = _by_mail(batch, [m for m, _ in counted])
    else:
        progress = _by_paper(batch, [m for m, _ in counted])
    # "Decisions on 5 papers" may count papers a conflicted chair does not see. Whether it does must
    # not show either, so whoever is conflicted with any paper gets a plain name for every batch
    # but their own.
    sender = batch.created_by.full_name if batch.created_by else "the site"
    own = batch.created_by_id == getattr(user, "pk", None)
    progress.label = batch.label if own or not conflicted_numbers(user=user).exists() else f"Mail sent by {sender}"
    return progress


def _by_mail(batch, mails) -> BatchProgress:
    counts = {status: sum(1 for m in mails if m.status == status) for status in MailStatus.values}
    failed = [Failure(f"{m.recipient}" + (f" (#{m.paper_number})" if m.paper_number else ""),
                      m.last_error or "no reason given") for m in mails if m.status == MailStatus.FAILED]
    return BatchProgress(batch=batch, by_paper=False, counts=counts, total=len(mails), failed=failed)


def _by_paper(batch, mails) -> BatchProgress:
    """A paper is queued while any of its mails is, then failed if any failed, else sent."""
    statuses: dict[int | None, set[str]] = {}
    for mail in mails:
        statuses.setdefault(mail.paper_number, set()).add(mail.status)
    state = {number: MailStatus.QUEUED if MailStatus.QUEUED in found else
             MailStatus.FAILED if MailStatus.FAILED in found else MailStatus.SENT
             for number, found in statuses.items()}
    counts = {status: sum(1 for s in state.values() if s == status) for status in MailStatus.values}
    failed = [Failure(f"The authors of #{number}", "") for number, s in sorted(state.items(), key=lambda i: i[0] or 0)
              if s == MailStatus.FAILED]
    return BatchProgress(batch=batch, by_paper=True, counts=counts, total=len(state), failed=failed)
