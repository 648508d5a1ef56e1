"""Releasing decisions: one confirmed action that tells the authors of every
decided paper its decision and lets them see the reviews, one mail per author.

A release covers the papers the releasing chair may decide on; running it
again finds nothing new and sends nothing; a paper decided (or decided again)
later is released by the next run, and a changed decision gets a letter that
says it changed. The mails never carry a reviewer's name or PC-only text:
their {reviews} is `reviews_for_authors`, the view authors get on the site."""

from django.conf import settings
from django.utils import timezone

from reviews.decisions.pending import LetterWriter, releasable, release_items
from reviews.tasks import decisions_release_task
from submissions.models import Submission
from workshop import policy
from workshop.errors import Refused
from workshop.jobs import job_drive
from workshop.mail import mail_job_queue, mail_job_start
from workshop.models import Job, JobKind, MailBatch, User, Workshop
from workshop.selectors import workshop_current


def decisions_release_start(*, by: User) -> tuple[Job, bool]:
    """Queue the release of every decision `by` manages that the authors have not been told:
    first decisions with their outcome's letter, changed ones with a letter saying so. The
    worker does it a batch of papers a transaction (`release_prepare`, `release_batch`);
    (the job, False) when a release is already under way."""
    if not policy.can_release_decisions(by):
        raise Refused("Only chairs release decisions.")
    if not releasable(by).exists():
        raise Refused("Nothing new to release: the authors of every decided paper you manage know its decision.")
    return mail_job_start(kind=JobKind.DECISIONS_RELEASE, scope="release", by=by, label="Decisions", params={},
                          task=decisions_release_task)


def release_prepare(job: Job) -> int:
    """Fix which decisions this release tells: each paper with the outcome it has now."""
    papers = [list(pair) for pair in releasable(job.created_by).order_by("pk").values_list("pk", "outcome_id")]
    if not papers:
        raise Refused("Nothing new to release: another release told the authors already.")
    job.params["papers"] = papers
    label = f"Decisions on {len(papers)} paper{'s' if len(papers) > 1 else ''}"
    MailBatch.objects.filter(pk=job.params["batch"]).update(label=label)
    job.result = {"unit": "papers", "released": 0, "mails": 0, "changed_meanwhile": [], "batch": ""}
    return len(papers)


def release_batch(job: Job) -> int:
    """Tell the next papers' authors and mark those decisions released, in one transaction.
    A paper decided again since the job began is left for the next release."""
    chunk = job.params["papers"][job.done:job.done + settings.JOB_BATCH]
    planned = dict(map(tuple, chunk))
    workshop = workshop_current()
    letter = LetterWriter(workshop)
    items = [item for item in release_items(releasable(job.created_by).filter(pk__in=list(planned)))
             if item.paper.outcome_id == planned[item.paper.pk]]
    job.result["changed_meanwhile"] += sorted(set(planned) - {item.paper.pk for item in items})
    mails = []
    for item in items:
        subject, body = letter(item)
        mails += [{"to": author.email, "subject": subject, "body": body, "paper": item.paper.pk,
                   "related": item.paper,
                   "kind": "decision:notification" if item.first else "decision:changed"}
                  for author in item.paper.authors.all()]  # one mail each: one To, no shared Cc
    mail_job_queue(job, mails)
    now = timezone.now()
    for outcome_id in {item.paper.outcome_id for item in items}:
        Submission.objects.filter(pk__in=[i.paper.pk for i in items if i.paper.outcome_id == outcome_id]).update(
            released_outcome_id=outcome_id, decision_released_at=now)
    if items:
        Workshop.objects.filter(pk=workshop.pk).update(decisions_released=True)
    job.result["released"] += len(items)
    return len(chunk)


def release_run(job_id: int) -> None:
    """What the worker does with a release job (also the demo's, which needs it done at once)."""
    job_drive(job_id, prepare=release_prepare, batch=release_batch)
