"""Applying a proposal as a job (workshop/jobs.py): the chair's request queues it and
returns; the worker drops the assignments the proposal no longer keeps, then adds the
new pairs, a bounded batch a transaction, in bulk, and mails each new reviewer once.

The policy is asked once over the whole proposal when the job is prepared (`run_view`)
and again, in bulk, for each batch's pairs, so a conflict declared meanwhile is still
honoured. A reviewer's pairs are never split between batches: their one mail lists
every paper they got."""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse

from reviews.assignments.runs import apply_scope, run_view
from reviews.decisions.letters import paper_values
from reviews.models import Assignment, AssignmentRun, Proposal, Review, ReviewStatus
from reviews.tasks import assignment_apply_task
from submissions.models import Submission
from workshop import policy
from workshop.errors import Refused
from workshop.jobs import job_start
from workshop.mail import absolute_url, mail_queue_many, text_renderer
from workshop.models import Job, JobKind, User
from workshop.phases import format_moment
from workshop.selectors import users_with_roles_cached, workshop_current

MAIL_MODES = {"digest": "One mail per reviewer, listing their new papers",
              "each": "One mail per new assignment",
              "none": "No mail (tell the reviewers yourself)"}


def run_apply_start(*, run: AssignmentRun, by: User, mail: str = "digest") -> tuple[Job, bool]:
    """Queue applying `run`; (the job, False) when it is already being applied."""
    if not policy.can_run_assignment(by):
        raise Refused("Only chairs apply assignments.")
    if not run.ready:
        raise Refused("Only a finished proposal can be applied, once.")
    if mail not in MAIL_MODES:
        raise Refused("Choose how the new reviewers are told.")
    return job_start(kind=JobKind.ASSIGNMENT_APPLY, scope=apply_scope(run), by=by,
                     params={"run": run.pk, "mail": mail}, task=assignment_apply_task)


def apply_prepare(job: Job) -> int:
    run = AssignmentRun.objects.get(pk=job.params["run"])
    if not run.ready:
        raise Refused("This proposal was already applied or discarded.")
    view = run_view(run=run, user=job.created_by)
    proposed = {(p["paper"], p["reviewer"]) for p in view.pairs}
    current = {(paper, reviewer): pk for pk, paper, reviewer in
               Assignment.objects.values_list("pk", "submission_id", "reviewer_id")}
    drop = []
    if run.params["mode"] != "ensure":
        submitted = set(Review.objects.filter(status=ReviewStatus.SUBMITTED).values_list("submission_id",
                                                                                         "reviewer_id"))
        candidates = set(current) - proposed - submitted
        managed = {s.pk for s in Submission.objects.filter(pk__in={p for p, _ in candidates})
                   .prefetch_related("authors", "conflicts") if policy.can_manage_assignments(job.created_by, s)}
        drop = sorted(current[pair] for pair in candidates if pair[0] in managed)
    add = sorted(proposed - set(current), key=lambda pair: (pair[1], pair[0]))  # a reviewer's pairs together
    skipped = [f"#{p['paper']} → {p['reviewer_user'].full_name if p['reviewer_user'] else 'a removed account'}"
               f" ({p['refusal']})" for p in view.blocked]
    if view.left_out:
        skipped.append("papers you are now conflicted with")
    job.params.update(drop=drop, add=[list(pair) for pair in add])
    job.result = {"unit": "changes", "added": 0, "removed": 0, "mails": 0, "skipped": skipped}
    return len(drop) + len(add)


def apply_batch(job: Job) -> int:
    drop, add = job.params["drop"], job.params["add"]
    size = settings.JOB_BATCH  # pairs a transaction: a few queries each, whatever the proposal's size
    if job.done < len(drop):
        ids = drop[job.done:job.done + size]
        submitted = Review.objects.filter(submission=OuterRef("submission"), reviewer=OuterRef("reviewer"),
                                          status=ReviewStatus.SUBMITTED)
        removed, _ = Assignment.objects.filter(pk__in=ids).exclude(Exists(submitted)).delete()
        job.result["removed"] += removed
        return len(ids)
    start = job.done - len(drop)
    end = min(start + size, len(add))
    while end < len(add) and add[end][1] == add[end - 1][1]:
        end += 1
    chunk = add[start:end]
    return _add(job, chunk)


def _add(job: Job, chunk: list[list[int]]) -> int:
    by = job.created_by
    papers = {p.pk: p for p in Submission.objects.filter(pk__in={p for p, _ in chunk})
              .prefetch_related("authors", "conflicts")}
    people = users_with_roles_cached({r for _, r in chunk})
    pairs = []
    for paper_id, reviewer_id in chunk:
        paper, reviewer = papers.get(paper_id), people.get(reviewer_id)
        if paper is not None and reviewer is not None and policy.can_manage_assignments(by, paper) and not \
                policy.assignment_refusal(submission=paper, reviewer=reviewer):
            pairs.append((paper, reviewer))
        else:
            name = reviewer.full_name if reviewer else "a removed account"
            job.result["skipped"].append(f"#{paper_id} → {name} (changed since the job began)")
    Assignment.objects.bulk_create([Assignment(submission=paper, reviewer=reviewer, assigned_by=by)
                                    for paper, reviewer in pairs], ignore_conflicts=True)
    mails = _mails(pairs, job.params["mail"])
    mail_queue_many(mails)
    job.result["added"] += len(pairs)
    job.result["mails"] += len(mails)
    return len(chunk)


def _mails(pairs: list[tuple[Submission, User]], mode: str) -> list[dict]:
    if mode == "none" or not pairs:
        return []
    workshop = workshop_current()
    if mode == "each":
        render = text_renderer("assignment")
        return [{"to": reviewer.email, "kind": "pc:assignment", "paper": paper.pk, **_text(render, {
            **paper_values(paper, workshop), "reviewer": reviewer.full_name,
            "link": absolute_url(reverse("review_edit", args=[paper.pk]))})} for paper, reviewer in pairs]
    render = text_renderer("assignments")
    by_reviewer: dict[User, list[Submission]] = {}
    for paper, reviewer in pairs:
        by_reviewer.setdefault(reviewer, []).append(paper)
    return [{"to": reviewer.email, "kind": "pc:assignment", "papers": [p.pk for p in papers], **_text(render, {
        "count": str(len(papers)), "reviewer": reviewer.full_name,
        "papers": "\n".join(f"#{p.pk} “{p.title}”: {absolute_url(reverse('review_edit', args=[p.pk]))}"
                            for p in papers),
        "workshop": f"{workshop.name} ({workshop.acronym} {workshop.year})",
        "review_deadline": format_moment(workshop.review_deadline, workshop.timezone),
        "link": absolute_url(reverse("pc_home"))})} for reviewer, papers in by_reviewer.items()]


def _text(render, values: dict[str, str]) -> dict[str, str]:
    subject, body = render(values)
    return {"subject": subject, "body": body}


def apply_finish(job: Job) -> dict:
    AssignmentRun.objects.filter(pk=job.params["run"]).update(proposal=Proposal.APPLIED)
    return {}
