"""Releasing decisions: one confirmed action that tells the authors of every
decided paper its decision and lets them see the reviews, one mail per author.

A release covers the papers the releasing chair may decide on; running it
again finds nothing new and sends nothing; a paper decided (or decided again)
later is released by the next run, and a changed decision gets a letter that
says it changed. The mails never carry a reviewer's name or PC-only text:
their {reviews} is `reviews_for_authors`, the view authors get on the site."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from reviews.decisions.letters import decision_mail, paper_values
from submissions.models import DecisionChange, Outcome, Submission
from submissions.selectors import with_related
from workshop import policy
from workshop.errors import Refused
from workshop.mail import mail_batch_create, mail_queue, text_render
from workshop.models import MailBatch, User, Workshop
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


def _pending(by: User) -> tuple[list[ReleaseItem], list[ReleaseItem]]:
    """(papers with a decision to release, papers whose released decision was cleared) that `by` manages."""
    papers = with_related(Submission.objects.filter(withdrawn_at__isnull=True).filter(
        Q(outcome__isnull=False, decision_released_at__isnull=True)
        | Q(released_outcome__isnull=False) & ~Q(outcome=F("released_outcome"))
        | Q(outcome__isnull=True, released_outcome__isnull=False)
    ).select_related("outcome", "released_outcome")).order_by("pk")
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
    exactly as `decisions_release` would send them now."""
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


def decisions_release(*, by: User) -> MailBatch:
    """Release every decision `by` manages that the authors have not been told: first
    decisions with their outcome's letter, changed ones with a letter saying so."""
    if not policy.can_release_decisions(by):
        raise Refused("Only chairs release decisions.")
    workshop = workshop_current()
    now = timezone.now()
    with transaction.atomic():
        candidates = [item.paper.pk for item in _pending(by)[0]]
        # Lock the rows and take them again: two chairs clicking at once send once.
        list(Submission.objects.select_for_update(of=("self",)).filter(pk__in=candidates).values_list("pk"))
        items = [item for item in _pending(by)[0] if item.paper.pk in set(candidates)]
        if not items:
            raise Refused("Nothing new to release: the authors of every decided paper you manage know its decision.")
        batch = mail_batch_create(label=f"Decisions on {len(items)} paper{'s' if len(items) > 1 else ''}", by=by)
        for item in items:
            subject, body = release_letter(item, workshop)
            for author in item.paper.authors.all():  # one mail each: one To, no shared Cc
                mail_queue(to=author.email, subject=subject, body=body,
                           kind="decision:notification" if item.first else "decision:changed",
                           paper=item.paper.pk, related=item.paper, batch=batch)
        for outcome_id in {item.paper.outcome_id for item in items}:
            Submission.objects.filter(pk__in=[i.paper.pk for i in items if i.paper.outcome_id == outcome_id]).update(
                released_outcome_id=outcome_id, decision_released_at=now)
        Workshop.objects.filter(pk=workshop.pk).update(decisions_released=True)
    return batch
