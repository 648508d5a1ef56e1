"""Bulk decisions and tags from the paper table, as jobs: the confirmed request
checks what it can at once (a released decision needs its own tick) and queues
the job; the worker decides or tags a batch of papers a transaction
(`decisions_record`, `tags_change`), each batch logged as one bulk action is."""

from django.conf import settings
from django.db.models import Q

from reviews.decisions.services import decisions_record, tags_change
from reviews.tasks import papers_bulk_task
from submissions.models import Outcome, Submission
from workshop import policy
from workshop.errors import Refused
from workshop.jobs import job_drive, job_start
from workshop.models import Job, JobKind, User


def _changing_released(numbers: list[int], outcome_id: int | None):
    """Of `numbers`, the papers whose authors were told a decision this one would change."""
    differs = Q(outcome__isnull=False) if outcome_id is None else ~Q(outcome_id=outcome_id) | Q(outcome__isnull=True)
    return (Submission.objects.filter(pk__in=numbers, decision_released_at__isnull=False).filter(differs)
            .order_by("pk").values_list("pk", flat=True))


def bulk_decide_start(*, by: User, numbers: list[int], outcome: Outcome | None, note: str,
                      change_released: bool, back: str) -> tuple[Job, bool]:
    """Queue one decision for the papers `numbers` (those `by` may decide). Refused, with
    nothing queued, when it would change a released decision without `change_released`."""
    released = list(_changing_released(numbers, outcome.pk if outcome else None))
    if released and not change_released:
        raise Refused("Nothing changed: " + ", ".join(f"#{n}" for n in released)
                      + (" has a released decision" if len(released) == 1 else " have released decisions")
                      + ". Confirm that you change released decisions to do so.")
    return job_start(kind=JobKind.PAPERS_DECIDE, scope=f"user:{by.pk}", by=by, task=papers_bulk_task, params={
        "numbers": numbers, "outcome": outcome.pk if outcome else None, "note": note,
        "change_released": change_released, "back": back})


def bulk_tag_start(*, by: User, numbers: list[int], tag: str, add: bool, back: str) -> tuple[Job, bool]:
    return job_start(kind=JobKind.PAPERS_TAG, scope=f"user:{by.pk}", by=by, task=papers_bulk_task,
                     params={"numbers": numbers, "tag": tag, "add": add, "back": back})


def bulk_prepare(job: Job) -> int:
    """The papers of the selection the starter may still decide on or tag (never a conflicted one)."""
    by = job.created_by
    if not policy.is_chair(by):
        raise Refused("Only chairs decide and tag papers.")
    numbers = list(Submission.objects.filter(pk__in=job.params["numbers"]).exclude(
        pk__in=Submission.objects.filter(policy.conflicted_submissions_q(by)).values("pk"))
        .order_by("pk").values_list("pk", flat=True))
    job.params["numbers"] = numbers
    job.result = {"unit": "papers", "changed": 0, "skipped": []}
    if job.kind == JobKind.PAPERS_DECIDE:
        outcome = Outcome.objects.filter(pk=job.params["outcome"]).first()
        if job.params["outcome"] is not None and outcome is None:
            raise Refused("That outcome was deleted meanwhile; nothing was decided.")
        job.result["label"] = outcome.name if outcome else "no decision"
    return len(numbers)


def bulk_batch(job: Job) -> int:
    chunk = job.params["numbers"][job.done:job.done + settings.JOB_BATCH]
    papers = list(Submission.objects.filter(pk__in=chunk).select_related("outcome").prefetch_related(
        "authors", "conflicts").order_by("pk"))
    if job.kind == JobKind.PAPERS_TAG:
        tag = job.params["tag"]
        job.result["changed"] += tags_change(submissions=papers, add=[tag] if job.params["add"] else [],
                                             remove=[] if job.params["add"] else [tag], by=job.created_by)
        return len(chunk)
    outcome = Outcome.objects.filter(pk=job.params["outcome"]).first()
    if not job.params["change_released"]:  # released since the chair confirmed: left as the authors were told
        skipped = set(_changing_released(chunk, job.params["outcome"]))
        job.result["skipped"] += sorted(skipped)
        papers = [p for p in papers if p.pk not in skipped]
    job.result["changed"] += decisions_record(submissions=papers, outcome=outcome, by=job.created_by,
                                              note=job.params["note"], change_released=job.params["change_released"])
    return len(chunk)


def bulk_run(job_id: int) -> None:
    job_drive(job_id, prepare=bulk_prepare, batch=bulk_batch)

