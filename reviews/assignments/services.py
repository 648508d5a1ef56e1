"""Who reviews what: manual and bulk assignment.

One transaction each; mails queued through the outbox inside it."""


from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse

from reviews.decisions.letters import paper_values
from reviews.models import (
    Assignment,
)
from submissions.models import Submission
from workshop import policy
from workshop.csvio import csv_rows
from workshop.errors import Refused
from workshop.mail import absolute_url, mail_queue_text
from workshop.models import User
from workshop.selectors import workshop_current

# --- Assignments --------------------------------------------------------------------


def assignment_add(*, submission: Submission, reviewer: User, by: User) -> Assignment:
    if not policy.can_manage_assignments(by, submission):
        raise Refused("You cannot assign reviewers to this paper.")
    refusal = policy.assignment_refusal(submission=submission, reviewer=reviewer)
    if refusal:
        raise Refused(refusal)
    with transaction.atomic():
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(submission=submission, reviewer=reviewer, assigned_by=by)
        except IntegrityError:
            return Assignment.objects.get(submission=submission, reviewer=reviewer)
        values = paper_values(submission, workshop_current()) | {
            "reviewer": reviewer.full_name, "link": absolute_url(reverse("review_edit", args=[submission.pk]))}
        mail_queue_text(key="assignment", to=reviewer.email, values=values, kind="pc:assignment",
                        paper=submission.pk, related=assignment)
    return assignment


def assignment_remove(*, submission: Submission, reviewer: User, by: User) -> None:
    if not policy.can_manage_assignments(by, submission):
        raise Refused("You cannot change reviewers of this paper.")
    Assignment.objects.filter(submission=submission, reviewer=reviewer).delete()


@dataclass
class BulkRow:
    line: int
    paper: str
    email: str
    action: str
    error: str = ""
    submission: Submission | None = None
    reviewer: User | None = None


def assignments_preview(text: str, *, by: User) -> list[BulkRow]:
    """`paper,email,action` rows (action: assign or unassign), each checked."""
    raw = csv_rows(text)
    papers = {s.pk: s for s in Submission.objects.prefetch_related("authors", "conflicts")}
    people = {u.email.lower(): u for u in User.objects.all()}
    rows = []
    for index, (number, cells) in enumerate(raw):
        cells = [*cells, "", "", ""]
        if index == 0 and cells[0].lower() == "paper":
            continue
        row = BulkRow(line=number, paper=cells[0].lstrip("#"), email=cells[1].lower(),
                      action=(cells[2] or "assign").lower())
        submission = papers.get(int(row.paper)) if row.paper.isdigit() else None
        reviewer = people.get(row.email)
        if submission is None or not policy.can_manage_assignments(by, submission):
            row.error = f"There is no paper #{row.paper} you can manage."
        elif reviewer is None:
            row.error = f"No account uses {row.email or 'an empty address'}."
        elif row.action not in ("assign", "unassign"):
            row.error = f'Unknown action "{row.action}"; use assign or unassign.'
        elif row.action == "assign":
            row.error = policy.assignment_refusal(submission=submission, reviewer=reviewer) or ""
        row.submission, row.reviewer = submission, reviewer
        rows.append(row)
    return rows


@transaction.atomic
def assignments_apply(*, text: str, by: User) -> int:
    rows = assignments_preview(text, by=by)
    bad = next((r for r in rows if r.error), None)
    if bad:
        raise Refused(f"Nothing was changed: line {bad.line}: {bad.error}")
    for row in rows:
        if row.action == "assign":
            assignment_add(submission=row.submission, reviewer=row.reviewer, by=by)
        else:
            assignment_remove(submission=row.submission, reviewer=row.reviewer, by=by)
    return len(rows)
