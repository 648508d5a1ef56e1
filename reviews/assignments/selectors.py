"""Reads for assigning reviewers: the PC's loads and the assignment page's papers,
counted and listed only over what the viewing chair may manage."""

from django.db.models import Count, Prefetch, Q, QuerySet

from reviews.models import Assignment, Bid, Review, ReviewStatus
from submissions.models import Submission
from submissions.selectors import conflicted_numbers
from workshop import policy
from workshop.models import User
from workshop.selectors import pc_members


def pc_loads(*, user) -> list[User]:
    """PC members with `.load` (papers assigned) and `.done` (reviews submitted),
    counted in the database over the papers `user` manages only: papers the
    viewer may not see must not show up in a count either."""
    hidden = conflicted_numbers(user=user)

    def counts(model, **conditions) -> dict[int, int]:
        rows = model.objects.filter(submission__withdrawn_at__isnull=True, **conditions).exclude(
            submission_id__in=hidden)
        return dict(rows.values("reviewer").annotate(n=Count("pk")).values_list("reviewer", "n"))

    loads, done = counts(Assignment), counts(Review, status=ReviewStatus.SUBMITTED)
    members = list(pc_members())
    for member in members:
        member.load, member.done = loads.get(member.pk, 0), done.get(member.pk, 0)
    return members


def chair_assignment_papers(*, user, reviewer: int | None = None) -> QuerySet[Submission]:
    """The assignment page's papers in numbered order, as a query to page
    through. Rows the chair is conflicted with stay listed when withdrawn:
    their vanishing would tell the chair what the row hides. Filtered by a
    reviewer, only papers the chair manages: a conflicted row would tell who
    reviews it."""
    conflicted = conflicted_numbers(user=user)
    if reviewer:
        return Submission.objects.filter(withdrawn_at__isnull=True, assignments__reviewer_id=reviewer).exclude(
            pk__in=conflicted).order_by("pk")
    return Submission.objects.filter(Q(withdrawn_at__isnull=True) | Q(pk__in=conflicted)).order_by("pk")


def chair_assignment_rows(*, user, papers: QuerySet[Submission] | None = None) -> list[Submission]:
    """`papers` (a page of `chair_assignment_papers`; all of them by default)
    with reviewers and bids. Rows the chair is conflicted with are marked and
    carry nothing else."""
    papers = chair_assignment_papers(user=user) if papers is None else papers
    rows = list(papers.prefetch_related(
        "authors", "conflicts",
        Prefetch("assignments", to_attr="assignment_list",
                 queryset=Assignment.objects.select_related("reviewer").order_by("pk")),
        Prefetch("bids", to_attr="bid_list", queryset=Bid.objects.select_related("user").order_by("pk")),
    ))
    for row in rows:
        row.viewer_conflicted = not policy.can_manage_assignments(user, row)
        row.conflicted_ids = policy.conflicted_user_ids(row)
        row.assigned_ids = {a.reviewer_id for a in row.assignment_list}
    return rows
