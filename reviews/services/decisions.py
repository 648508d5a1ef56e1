"""Releasing decisions: one confirmed action that lets the authors of every
decided paper see its decision and reviews, and mails each author once.

A release covers the papers the releasing chair may decide on; running it
again finds nothing new and sends nothing; a paper decided later is released
by the next run. The mails never carry a reviewer's name or PC-only text:
their {reviews} is `reviews_for_authors`, the view authors get on the site."""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reviews.models import MetaReview
from reviews.selectors import reviews_for_authors
from submissions.models import Submission
from submissions.selectors import with_related
from workshop import mailtext, policy
from workshop.errors import Refused
from workshop.mail import absolute_url, mail_batch_create, mail_queue, subject_prefix
from workshop.models import MailBatch, MailTemplate, User, Workshop
from workshop.phases import format_moment
from workshop.selectors import workshop_current


@dataclass
class ReleasePlan:
    papers: list[Submission]
    mails: int
    sample: tuple[str, str, str] | None  # (to, subject, body) of the first mail


def _releasable(by: User) -> list[Submission]:
    papers = with_related(Submission.objects.filter(
        outcome__isnull=False, decision_released_at__isnull=True, withdrawn_at__isnull=True,
    ).select_related("outcome")).order_by("pk")
    return [p for p in papers if policy.can_decide(by, p)]


def release_plan(*, by: User) -> ReleasePlan:
    papers = _releasable(by)
    workshop = workshop_current()
    sample = None
    if papers:
        first = papers[0]
        subject, body = decision_mail(first, workshop)
        sample = (first.authors.all()[0].email, subject, body)
    return ReleasePlan(papers=papers, mails=sum(len(p.authors.all()) for p in papers), sample=sample)


def decisions_release(*, by: User) -> MailBatch:
    """Release every decided paper `by` manages that is not released yet."""
    if not policy.can_release_decisions(by):
        raise Refused("Only chairs release decisions.")
    workshop = workshop_current()
    now = timezone.now()
    with transaction.atomic():
        candidates = [p.pk for p in _releasable(by)]
        # Lock the rows, and take only those still unreleased: two chairs clicking at once send once.
        numbers = list(Submission.objects.select_for_update().filter(
            pk__in=candidates, decision_released_at__isnull=True).values_list("pk", flat=True))
        if not numbers:
            raise Refused("Nothing new to release: every decided paper you manage is already released.")
        papers = with_related(Submission.objects.filter(pk__in=numbers).select_related("outcome")).order_by("pk")
        batch = mail_batch_create(label=f"Decisions on {len(numbers)} paper{'s' if len(numbers) > 1 else ''}",
                                  by=by)
        Submission.objects.filter(pk__in=numbers).update(decision_released_at=now)
        for paper in papers:
            paper.decision_released_at = now
            subject, body = decision_mail(paper, workshop)
            for author in paper.authors.all():  # one mail each: one To, no shared Cc
                mail_queue(to=author.email, subject=subject, body=body, kind="decision:notification",
                           paper=paper.pk, related=paper, batch=batch)
        Workshop.objects.filter(pk=workshop.pk).update(decisions_released=True)
    return batch


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
