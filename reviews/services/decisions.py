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
from django.urls import reverse
from django.utils import timezone

from reviews.models import MetaReview
from reviews.selectors import reviews_for_authors
from submissions.models import DecisionChange, Outcome, Submission
from submissions.selectors import with_related
from workshop import mailtext, policy
from workshop.errors import Refused
from workshop.mail import absolute_url, mail_batch_create, mail_queue, subject_prefix
from workshop.models import MailBatch, MailTemplate, User, Workshop
from workshop.phases import format_moment
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
    template = MailTemplate.objects.get(key="decision-changed")
    values = paper_values(item.paper, workshop) | {"old_outcome": item.told.name, "letter": body}
    return subject_prefix() + mailtext.render(template.subject, values), mailtext.render(template.body, values)


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


@dataclass(frozen=True)
class PlannedDecision:
    """One paper of a bulk decision, before it is confirmed."""

    paper: Submission
    new: Outcome | None

    @property
    def changes(self) -> bool:
        return self.paper.outcome_id != (self.new.pk if self.new else None)

    @property
    def released(self) -> bool:
        """The authors were told a decision, which this would change (at the next release)."""
        return self.changes and policy.decision_released(self.paper)

    @property
    def told(self) -> Outcome | None:
        return self.paper.released_outcome if policy.decision_released(self.paper) else None


def decisions_plan(*, submissions: list[Submission], outcome: Outcome | None) -> list[PlannedDecision]:
    """What deciding `outcome` for `submissions` would change, for the chair to confirm."""
    return [PlannedDecision(paper, outcome) for paper in submissions]


def template_mail(*, key: str, to: str, values: dict[str, str], kind: str, paper: int | None = None,
                  related=None, batch: MailBatch | None = None):
    """Queue a mail from a chair-editable template (assignment, reminder, response-open)."""
    template = MailTemplate.objects.get(key=key)
    return mail_queue(to=to, subject=subject_prefix() + mailtext.render(template.subject, values),
                      body=mailtext.render(template.body, values), kind=kind, paper=paper, related=related,
                      batch=batch)


def decision_mail(submission: Submission, workshop: Workshop) -> tuple[str, str]:
    outcome = submission.outcome
    values = paper_values(submission, workshop) | {
        "outcome": outcome.name, "reviews": author_reviews_text(submission)}
    return subject_prefix() + mailtext.render(outcome.mail_subject, values), mailtext.render(outcome.mail_body, values)


def paper_values(submission: Submission, workshop: Workshop) -> dict[str, str]:
    """The placeholders every paper mail has ({number}, {title}, {authors}, ...)."""
    names = [a.name for a in submission.authors.all()]
    authors = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    return {
        "number": str(submission.pk), "title": submission.title, "authors": authors,
        "outcome": submission.outcome.name if submission.outcome else "",
        "workshop": f"{workshop.name} ({workshop.acronym} {workshop.year})",
        "camera_ready_deadline": format_moment(workshop.camera_ready_deadline, workshop.timezone),
        "review_deadline": format_moment(workshop.review_deadline, workshop.timezone),
        "response_closes": format_moment(workshop.response_closes, workshop.timezone),
        "link": absolute_url(reverse("submission_detail", args=[submission.pk])),
    }


def author_reviews_text(submission: Submission) -> str:
    """The meta-review's author part and the reviews' author-visible answers, as plain text."""
    parts = []
    meta = MetaReview.objects.filter(submission=submission).first()
    if meta and meta.author_text.strip():
        parts.append(f"Meta-review\n===========\n{meta.author_text.strip()}")
    for view in reviews_for_authors(submission=submission):
        lines = [view.label, "=" * len(view.label)]
        for f, value, shown in view.answers:
            lines.append(f"{f.label}:\n{value.strip()}\n" if f.kind == "text" else f"{f.label}: {value}. {shown}")
        parts.append("\n".join(lines).rstrip())
    return "\n\n".join(parts) if parts else "(No reviews.)"


def authors_message(*, submissions: list[Submission], subject: str, body: str, by: User,
                    send: bool) -> tuple[int, tuple[str, str, str] | None, MailBatch | None]:
    """A chair's message to the authors of chosen papers, one mail per author.
    Returns (number of mails, the first mail as (to, subject, body), the batch
    when `send`). {outcome} is refused for a paper whose decision is embargoed."""
    for paper in submissions:
        if not policy.can_decide(by, paper):
            raise Refused(f"You cannot write to the authors of #{paper.pk}.")
    embargoed = [p.pk for p in submissions if not policy.decision_released(p)]
    if embargoed and "{outcome}" in subject + body:
        raise Refused("{outcome} would tell authors an unreleased decision (papers "
                      + ", ".join(f"#{n}" for n in embargoed) + "); release the decisions first or remove it.")
    workshop = workshop_current()
    mails = []
    for paper in submissions:
        values = paper_values(paper, workshop)
        mail_subject, mail_body = subject_prefix() + mailtext.render(subject, values), mailtext.render(body, values)
        mails += [(author.email, mail_subject, mail_body, paper) for author in paper.authors.all()]
    sample = mails[0][:3] if mails else None
    if not send or not mails:
        return len(mails), sample, None
    with transaction.atomic():
        batch = mail_batch_create(label=f"Message to the authors of {len(submissions)} paper"
                                        f"{'s' if len(submissions) > 1 else ''}", by=by)
        for to, mail_subject, mail_body, paper in mails:
            mail_queue(to=to, subject=mail_subject, body=mail_body, kind="author:message", paper=paper.pk,
                       related=paper, batch=batch)
    return len(mails), sample, batch
