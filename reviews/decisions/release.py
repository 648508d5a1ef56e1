"""Releasing decisions: one confirmed action that tells the authors of every
decided paper its decision and lets them see the reviews, one mail per author.

A release covers the papers the releasing chair may decide on; running it
again finds nothing new and sends nothing; a paper decided (or decided again)
later is released by the next run, and a changed decision gets a letter that
says it changed. The mails never carry a reviewer's name or PC-only text:
their {reviews} is `reviews_for_authors`, the view authors get on the site."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reviews.decisions.letters import decision_mail, paper_values
from reviews.tasks import decisions_release_task
from submissions.models import DecisionChange, Outcome, Submission
from submissions.selectors import with_related
from workshop import policy
from workshop.errors import Refused
from workshop.jobs import job_drive, job_start
from workshop.mail import mail_batch_create, mail_queue_many, text_render
from workshop.models import Job, JobKind, MailBatch, User, Workshop
from workshop.selectors import workshop_current


@dataclass(frozen=True)
class ReleaseItem:
    paper: Submission
    told: Outcome | None  # what the authors were told by the last release; None: never released
    change: DecisionChange | None  # the latest change of the decision: who and when

    @property
    def first(self) -> bool:
        return self.told is None


@dataclass
class ReleasePlan:
    first: list[ReleaseItem]  # never released: the outcome's letter
    changed: list[ReleaseItem]  # released, then changed: a letter that says it changed
    cleared: list[ReleaseItem]  # released, then cleared: nothing to send until decided again
    mails: int
    sample: tuple[str, str, str] | None  # (to, subject, body) of the first mail

    @property
    def items(self) -> list[ReleaseItem]:
        return self.first + self.changed


def _pending(by: User, numbers: list[int] | None = None) -> tuple[list[ReleaseItem], list[ReleaseItem]]:
    """(papers with a decision to release, papers whose released decision was cleared) that `by`
    manages, of `numbers` when given."""
    papers = Submission.objects.filter(policy.decision_pending_q(), withdrawn_at__isnull=True)
    if numbers is not None:
        papers = papers.filter(pk__in=numbers)
    papers = with_related(papers.select_related("outcome", "released_outcome")).order_by("pk")
    papers = [p for p in papers if policy.can_decide(by, p) and policy.decision_pending(p)]
    changes = {}
    for change in DecisionChange.objects.filter(submission__in=papers).select_related("by").order_by("at", "id"):
        changes[change.submission_id] = change  # the latest wins
    items = [ReleaseItem(p, p.released_outcome if policy.decision_released(p) else None, changes.get(p.pk))
             for p in papers]
    return [i for i in items if i.paper.outcome is not None], [i for i in items if i.paper.outcome is None]


def release_plan(*, by: User) -> ReleasePlan:
    pending, cleared = _pending(by)
    first = [item for item in pending if item.first]
    changed = [item for item in pending if not item.first]
    sample = None
    if pending:
        item = pending[0]
        sample = (item.paper.authors.all()[0].email, *release_letter(item, workshop_current()))
    return ReleasePlan(first=first, changed=changed, cleared=cleared, sample=sample,
                       mails=sum(len(item.paper.authors.all()) for item in pending))


def release_letters(*, by: User, start: int, count: int) -> list[tuple[str, str, str, Submission]]:
    """Every mail of the next release, `count` from the `start`-th: (to, subject, body, paper),
    exactly as the next release job (`release_batch`) would send them now."""
    workshop = workshop_current()
    pending, _ = _pending(by)
    letters: list[tuple[str, str, str, Submission]] = []
    for item in pending:
        authors = list(item.paper.authors.all())
        if len(letters) + len(authors) <= start:
            letters.extend([None] * len(authors))  # only counted: rendered only for the page asked for
            continue
        subject, body = release_letter(item, workshop)
        letters.extend((author.email, subject, body, item.paper) for author in authors)
        if len(letters) >= start + count:
            break
    return letters[start:start + count]


def release_letter(item: ReleaseItem, workshop: Workshop) -> tuple[str, str]:
    """(subject, body) of the mail each author of `item.paper` gets from the next release."""
    subject, body = decision_mail(item.paper, workshop)
    if item.first:
        return subject, body
    return text_render(key="decision-changed",
                       values=paper_values(item.paper, workshop) | {"old_outcome": item.told.name, "letter": body})


def _releasable(by: User):
    """`_pending(by)[0]` as one query (`policy.decision_pending` and `can_decide` in SQL), so the
    request that starts a release stays quick at any size; the job reads the papers themselves."""
    return Submission.objects.filter(policy.decision_pending_q(), withdrawn_at__isnull=True,
                                     outcome__isnull=False).exclude(
        pk__in=Submission.objects.filter(policy.conflicted_submissions_q(by)).values("pk"))


def decisions_release_start(*, by: User) -> tuple[Job, bool]:
    """Queue the release of every decision `by` manages that the authors have not been told:
    first decisions with their outcome's letter, changed ones with a letter saying so. The
    worker does it a batch of papers a transaction (`release_prepare`, `release_batch`);
    (the job, False) when a release is already under way."""
    if not policy.can_release_decisions(by):
        raise Refused("Only chairs release decisions.")
    if not _releasable(by).exists():
        raise Refused("Nothing new to release: the authors of every decided paper you manage know its decision.")
    with transaction.atomic():
        batch = mail_batch_create(label="Decisions", by=by)
        job, started = job_start(kind=JobKind.DECISIONS_RELEASE, scope="release", by=by,
                                 params={"batch": batch.pk}, task=decisions_release_task)
        if not started:
            batch.delete()
        return job, started


def release_prepare(job: Job) -> int:
    """Fix which decisions this release tells: each paper with the outcome it has now."""
    items = _pending(job.created_by)[0]
    if not items:
        raise Refused("Nothing new to release: another release told the authors already.")
    job.params["papers"] = [[item.paper.pk, item.paper.outcome_id] for item in items]
    label = f"Decisions on {len(items)} paper{'s' if len(items) > 1 else ''}"
    MailBatch.objects.filter(pk=job.params["batch"]).update(label=label)
    job.result = {"unit": "papers", "released": 0, "mails": 0, "changed_meanwhile": [], "batch": ""}
    return len(items)


def release_batch(job: Job) -> int:
    """Tell the next papers' authors and mark those decisions released, in one transaction.
    A paper decided again since the job began is left for the next release."""
    chunk = job.params["papers"][job.done:job.done + settings.JOB_BATCH]
    planned = dict(map(tuple, chunk))
    batch = MailBatch.objects.get(pk=job.params["batch"])
    workshop = workshop_current()
    items = [item for item in _pending(job.created_by, list(planned))[0]
             if item.paper.outcome_id == planned[item.paper.pk]]
    job.result["changed_meanwhile"] += sorted(set(planned) - {item.paper.pk for item in items})
    mails = []
    for item in items:
        subject, body = release_letter(item, workshop)
        mails += [{"to": author.email, "subject": subject, "body": body, "paper": item.paper.pk,
                   "related": item.paper, "batch": batch,
                   "kind": "decision:notification" if item.first else "decision:changed"}
                  for author in item.paper.authors.all()]  # one mail each: one To, no shared Cc
    mail_queue_many(mails)
    now = timezone.now()
    for outcome_id in {item.paper.outcome_id for item in items}:
        Submission.objects.filter(pk__in=[i.paper.pk for i in items if i.paper.outcome_id == outcome_id]).update(
            released_outcome_id=outcome_id, decision_released_at=now)
    if items:
        Workshop.objects.filter(pk=workshop.pk).update(decisions_released=True)
    job.result["released"] += len(items)
    job.result["mails"] += len(mails)
    job.result["batch"] = str(batch.public_id)
    return len(chunk)


def release_run(job_id: int) -> None:
    """What the worker does with a release job (also the demo's, which needs it done at once)."""
    job_drive(job_id, prepare=release_prepare, batch=release_batch)
