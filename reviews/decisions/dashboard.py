"""The chairs' progress figures, counted only over papers the viewing chair may
manage (a conflicted paper adds nothing to any count or plot)."""

from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone

from reviews.decisions.table import PaperRow, paper_rows, score_fields
from reviews.models import Assignment, Review, ReviewStatus
from workshop.charts import cumulative, histogram
from workshop.models import User
from workshop.selectors import pc_members, workshop_current

DASHBOARD_ROWS = 50


@dataclass
class MemberProgress:
    member: User
    assigned: int = 0
    done: int = 0
    late: int = 0  # submitted after the deadline, or still missing past it
    papers: list[tuple[int, str]] = field(default_factory=list)  # unfinished: (number, "late" / "open")


@dataclass
class Dashboard:
    rows: list[PaperRow]
    by_status: dict[str, int]
    by_outcome: list[tuple[str, int]]
    undecided: int
    released: int
    conflicted: int
    members: list[MemberProgress]
    reviews_done: int
    reviews_assigned: int
    completion: object
    merit: object | None
    # Reviews not submitted on papers whose decision is released: reviewing them is over, so no
    # reminder counts them (the table lists them, marked).
    unfinished_closed: int = 0


def dashboard(*, user) -> Dashboard:
    workshop = workshop_current()
    fields = score_fields()
    rows = paper_rows(user=user, fields=fields)
    managed = [r for r in rows if r.managed]
    numbers = {r.number for r in managed if not r.withdrawn}
    now = timezone.now()
    deadline = workshop.review_deadline
    members = {m.pk: MemberProgress(member=m) for m in pc_members()}
    reviews = {(r.submission_id, r.reviewer_id): r for r in Review.objects.filter(
        submission_id__in=numbers, status=ReviewStatus.SUBMITTED).only("submission_id", "reviewer_id", "is_late",
                                                                      "submitted_at")}
    days = Counter()
    for paper, reviewer in Assignment.objects.filter(submission_id__in=numbers).values_list(
            "submission_id", "reviewer_id").order_by("submission_id"):
        progress = members.get(reviewer)
        review = reviews.get((paper, reviewer))
        late = (review.is_late if review else bool(deadline and now > deadline))
        if progress:
            progress.assigned += 1
            progress.done += review is not None
            progress.late += late
            if review is None:
                progress.papers.append((paper, "late" if late else "open"))
        if review is not None and review.submitted_at:
            days[timezone.localdate(review.submitted_at, timezone=ZoneInfo(workshop.timezone))] += 1
    assigned = sum(p.assigned for p in members.values()) or sum(len(r.reviewers) for r in managed)
    done = sum(r.reviews_done for r in managed if not r.withdrawn)
    ordered = sorted(days.items())
    completion = cumulative([(d.strftime("%-d %b"), n) for d, n in ordered] or [(now.strftime("%-d %b"), 0)],
                            title="Submitted reviews, day by day", target=assigned)
    primary = fields[0] if fields else None
    merit = None
    if primary:
        scale = [int(float(v)) for v, _ in primary.options]
        values = [v for r in managed for v in r.scores[primary.key].values]
        merit = histogram(values, title=f"{primary.label} of the submitted reviews", integer=True,
                          scale=(min(scale), max(scale)) if scale else None)
    outcomes = Counter(r.outcome.name for r in managed if r.outcome)
    # The per-paper table lists the papers that still miss reviews, fewest first (all are in the paper table).
    behind = sorted((r for r in managed if not r.withdrawn and r.reviews_done < len(r.reviewers)),
                    key=lambda r: (r.reviews_done - len(r.reviewers), r.number))[:DASHBOARD_ROWS]
    return Dashboard(
        rows=behind, by_status=dict(Counter(r.status for r in managed)),
        by_outcome=sorted(outcomes.items()), undecided=sum(1 for r in managed if not r.outcome and not r.withdrawn),
        released=sum(1 for r in managed if r.released), conflicted=len(rows) - len(managed),
        members=sorted(members.values(), key=lambda m: (-m.late, m.member.full_name)),
        reviews_done=done, reviews_assigned=assigned, completion=completion, merit=merit,
        unfinished_closed=sum(len(r.reviewers) - r.reviews_done for r in managed if r.released and not r.withdrawn),
    )
