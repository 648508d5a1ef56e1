"""The chair dashboard counts in the database: the same figures as counting every row in
Python (kept here as the reference), nothing of a paper the chair is conflicted with, and a
constant number of queries whatever the number of papers."""

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.decisions.dashboard import MEMBER_PAPERS, dashboard
from reviews.decisions.table import paper_rows, score_fields
from reviews.models import Assignment, Review, ReviewStatus
from submissions.models import Conflict, Submission
from tests.factories import RoleFactory, UserFactory
from tests.reviews.decisions.mixed_world import mixed_world
from workshop.charts import cumulative, histogram
from workshop.selectors import pc_members, workshop_current

pytestmark = pytest.mark.django_db


def reference(user) -> dict:
    """The dashboard as it was computed before: every row built, then counted in Python."""
    workshop = workshop_current()
    fields = score_fields()
    rows = paper_rows(user=user, fields=fields)
    managed = [r for r in rows if r.managed]
    numbers = {r.number for r in managed if not r.withdrawn}
    now = timezone.now()
    deadline = workshop.review_deadline
    members = {m.pk: {"assigned": 0, "done": 0, "late": 0, "papers": []} for m in pc_members()}
    reviews = {(r.submission_id, r.reviewer_id): r for r in Review.objects.filter(
        submission_id__in=numbers, status=ReviewStatus.SUBMITTED)}
    days = Counter()
    for paper, reviewer in Assignment.objects.filter(submission_id__in=numbers).values_list(
            "submission_id", "reviewer_id").order_by("submission_id"):
        progress = members.get(reviewer)
        review = reviews.get((paper, reviewer))
        late = review.is_late if review else bool(deadline and now > deadline)
        if progress:
            progress["assigned"] += 1
            progress["done"] += review is not None
            progress["late"] += late
            if review is None:
                progress["papers"].append((paper, "late" if late else "open"))
        if review is not None and review.submitted_at:
            days[timezone.localdate(review.submitted_at, timezone=ZoneInfo(workshop.timezone))] += 1
    assigned = sum(p["assigned"] for p in members.values()) or sum(len(r.reviewers) for r in managed)
    primary = fields[0]
    scale = [int(float(v)) for v, _ in primary.options]
    behind = sorted((r for r in managed if not r.withdrawn and r.reviews_done < len(r.reviewers)),
                    key=lambda r: (r.reviews_done - len(r.reviewers), r.number))[:50]
    return {
        "rows": [(r.number, r.title, len(r.reviewers), r.reviews_done, r.outcome, r.released) for r in behind],
        "by_status": list(Counter(r.status for r in managed).items()),
        "by_outcome": sorted(Counter(r.outcome.name for r in managed if r.outcome).items()),
        "undecided": sum(1 for r in managed if not r.outcome and not r.withdrawn),
        "released": sum(1 for r in managed if r.released), "conflicted": len(rows) - len(managed),
        "members": {pk: m for pk, m in members.items() if m["assigned"]},
        "reviews_done": sum(r.reviews_done for r in managed if not r.withdrawn), "reviews_assigned": assigned,
        "completion": cumulative([(d.strftime("%-d %b"), n) for d, n in sorted(days.items())]
                                 or [(now.strftime("%-d %b"), 0)], title="Submitted reviews, day by day",
                                 target=assigned),
        "merit": histogram([v for r in managed for v in r.scores[primary.key].values],
                           title=f"{primary.label} of the submitted reviews", integer=True,
                           scale=(min(scale), max(scale))),
        "unfinished_closed": sum(len(r.reviewers) - r.reviews_done for r in managed
                                 if r.released and not r.withdrawn),
    }


def _figures(user) -> dict:
    d = dashboard(user=user)
    return {
        "rows": [(r.number, r.title, r.assigned, r.reviews_done, r.outcome, r.released) for r in d.rows],
        "by_status": list(d.by_status.items()), "by_outcome": d.by_outcome, "undecided": d.undecided,
        "released": d.released, "conflicted": d.conflicted,
        "members": {m.member.pk: {"assigned": m.assigned, "done": m.done, "late": m.late,
                                  "papers": m.papers + [None] * m.more} for m in d.members},
        "reviews_done": d.reviews_done, "reviews_assigned": d.reviews_assigned, "completion": d.completion,
        "merit": d.merit, "unfinished_closed": d.unfinished_closed,
    }


def _named(expected: dict) -> dict:
    """The reference's members with only the first papers named, as the dashboard names them."""
    return {pk: {**m, "papers": m["papers"][:MEMBER_PAPERS] + [None] * max(0, len(m["papers"]) - MEMBER_PAPERS)}
            for pk, m in expected.items()}


@pytest.mark.parametrize("deadline_passed", [False, True])
def test_the_dashboard_counts_what_python_counted_over_every_row(chair, deadline_passed):
    world = mixed_world(chair, papers=30)
    workshop = workshop_current()
    workshop.review_deadline = timezone.now() + timedelta(days=-2 if deadline_passed else 2)
    workshop.save()

    for user in (chair, world["conflicted_chair"]):
        expected = reference(user)
        expected["members"] = _named(expected["members"])
        assert _figures(user) == expected, user.email


def test_a_members_line_names_the_first_unfinished_papers_and_counts_the_rest(client_for, chair):
    member = UserFactory(full_name="Busy Member")
    RoleFactory(user=member, name="pc")
    author = UserFactory()
    papers = Submission.objects.bulk_create(
        Submission(title=f"Paper {i}", abstract="x", attack_model="x", security_relationship="x",
                   created_by=author) for i in range(MEMBER_PAPERS + 3))
    Assignment.objects.bulk_create(Assignment(submission=p, reviewer=member) for p in papers)

    page = client_for(chair).get(reverse("chair_dashboard")).content.decode()

    assert f"#{papers[MEMBER_PAPERS - 1].pk}</a>" in page and f"#{papers[MEMBER_PAPERS].pk}</a>" not in page
    assert "and 3 more" in page


@pytest.mark.parametrize("count", [1, 60])
def test_the_dashboard_runs_a_constant_number_of_queries(client_for, chair, count, django_assert_num_queries):
    members = [UserFactory() for _ in range(3)]
    for member in members:
        RoleFactory(user=member, name="pc")
    author = UserFactory()
    papers = Submission.objects.bulk_create(
        Submission(title=f"Paper {i}", abstract="x", attack_model="x", security_relationship="x",
                   created_by=author) for i in range(count + 1))
    Assignment.objects.bulk_create(Assignment(submission=p, reviewer=m) for p in papers for m in members)
    Review.objects.bulk_create(Review(submission=p, reviewer=members[0], status="submitted",
                                      submitted_at=timezone.now(), values={"overall_merit": "4"}) for p in papers)
    Conflict.objects.create(submission=papers[-1], user=chair, reason="other", source="chair")
    client = client_for(chair)
    client.get(reverse("chair_dashboard"))

    # 19 for the figures, 1 for the recent jobs
    with django_assert_num_queries(20):
        response = client.get(reverse("chair_dashboard"))

    assert response.status_code == 200
    assert "You are conflicted with</dt><dd>1" in response.content.decode()
