"""The chairs' progress figures, counted only over papers the viewing chair may
manage (a conflicted paper adds nothing to any count or plot).

Every figure is an aggregate in the database (counts per status, outcome, PC
member and day, the papers furthest behind, a PC member's first unfinished
papers by a window function, the merit answers grouped by value): a dozen
queries whatever the number of papers and reviews, and no row per paper or
per review is read (Python sees a row per PC member, day and answer)."""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Value, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from reviews.decisions.table import as_number, score_fields
from reviews.models import Assignment, Review, ReviewStatus
from submissions.models import Outcome, PdfKind, PdfVersion, Submission, SubmissionStatus
from submissions.selectors import conflicted_numbers
from workshop import policy
from workshop.charts import cumulative, histogram
from workshop.models import User
from workshop.selectors import pc_members, workshop_current

DASHBOARD_ROWS = 50
MEMBER_PAPERS = 12  # unfinished papers a PC member's line names; the others are counted


@dataclass
class MemberProgress:
    member: User
    assigned: int = 0
    done: int = 0
    late: int = 0  # submitted after the deadline, or still missing past it
    unfinished: int = 0  # assigned, no review submitted
    papers: list[tuple[int, str]] = field(default_factory=list)  # the first unfinished: (number, "late" / "open")

    @property
    def more(self) -> int:
        """Unfinished papers beyond those named."""
        return self.unfinished - len(self.papers)


@dataclass
class BehindRow:
    """A paper still missing reviews."""

    number: int
    title: str
    assigned: int
    reviews_done: int
    outcome: Outcome | None
    released: bool

    @property
    def missing_reviews(self) -> int:
        return self.assigned - self.reviews_done


@dataclass
class Dashboard:
    rows: list[BehindRow]
    by_status: dict[str, int]
    by_outcome: list[tuple[str, int]]
    undecided: int
    released: int
    conflicted: int
    members: list[MemberProgress]  # those with assignments, the latest first
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
    now = timezone.now()
    past_deadline = bool(workshop.review_deadline and now > workshop.review_deadline)
    if policy.can_view_paper_table(user):
        hidden = sorted(set(conflicted_numbers(user=user).values_list("pk", flat=True)))  # a chair's few
        papers = Submission.objects.exclude(pk__in=hidden)
    else:
        hidden, papers = [], Submission.objects.none()
    under_review = papers.filter(withdrawn_at__isnull=True).values("pk")
    figures = _paper_figures(papers)
    members = _members(under_review, past_deadline=past_deadline)
    assigned = sum(m.assigned for m in members) or figures["assigned_any"]
    on_assignment = Exists(Assignment.objects.filter(submission=OuterRef("submission"), reviewer=OuterRef("reviewer")))
    days = (Review.objects.filter(on_assignment, status=ReviewStatus.SUBMITTED, submitted_at__isnull=False,
                                  submission__in=under_review)
            .annotate(day=TruncDate("submitted_at", tzinfo=ZoneInfo(workshop.timezone)))
            .values("day").annotate(n=Count("pk")).order_by("day").values_list("day", "n"))
    completion = cumulative([(d.strftime("%-d %b"), n) for d, n in days] or [(now.strftime("%-d %b"), 0)],
                            title="Submitted reviews, day by day", target=assigned)
    primary = fields[0] if fields else None
    merit = None
    if primary:
        scale = [int(float(v)) for v, _ in primary.options]
        merit = histogram(_answers(papers, primary.key), title=f"{primary.label} of the submitted reviews",
                          integer=True, scale=(min(scale), max(scale)) if scale else None)
    outcomes = papers.filter(outcome__isnull=False).values("outcome__name").annotate(n=Count("pk"))
    # The per-paper table lists the papers that still miss reviews, fewest first (all are in the paper table).
    behind = (papers.filter(pk__in=under_review)
              .annotate(assigned=Count("assignments", distinct=True),
                        done=Count("reviews", filter=Q(reviews__status=ReviewStatus.SUBMITTED), distinct=True))
              .filter(done__lt=F("assigned")).select_related("outcome").only("title", "decision_released_at", "outcome")
              .annotate(gap=F("done") - F("assigned")).order_by("gap", "pk")[:DASHBOARD_ROWS])
    return Dashboard(
        rows=[BehindRow(number=p.pk, title=p.title, assigned=p.assigned, reviews_done=p.done, outcome=p.outcome,
                        released=p.decision_released_at is not None) for p in behind],
        by_status=figures["by_status"],
        by_outcome=sorted((o["outcome__name"], o["n"]) for o in outcomes),
        undecided=figures["undecided"], released=figures["released"], conflicted=len(hidden),
        members=sorted((m for m in members if m.assigned), key=lambda m: (-m.late, m.member.full_name)),
        reviews_done=figures["reviews_done"], reviews_assigned=assigned, completion=completion, merit=merit,
        unfinished_closed=figures["unfinished_closed"],
    )


def _paper_figures(papers) -> dict:
    """Papers per status (in the order each status first appears by number), undecided, released;
    reviews submitted and assignments on them: three aggregates."""
    complete = Q(pk__in=PdfVersion.objects.filter(kind=PdfKind.SUBMISSION).values("submission"))
    withdrawn = Q(withdrawn_at__isnull=False)
    statuses = {SubmissionStatus.WITHDRAWN: withdrawn, SubmissionStatus.COMPLETE: ~withdrawn & complete,
                SubmissionStatus.REGISTERED: ~withdrawn & ~complete}
    row = papers.aggregate(
        **{f"n_{status}": Count("pk", filter=q) for status, q in statuses.items()},
        **{f"first_{status}": Min("pk", filter=q) for status, q in statuses.items()},
        undecided=Count("pk", filter=~withdrawn & Q(outcome__isnull=True)),
        released=Count("pk", filter=Q(decision_released_at__isnull=False)),
    )
    present = sorted((row[f"first_{s}"], str(s)) for s in statuses if row[f"n_{s}"])
    open_paper = Q(submission__withdrawn_at__isnull=True)
    closed = open_paper & Q(submission__decision_released_at__isnull=False)
    reviews = Review.objects.filter(status=ReviewStatus.SUBMITTED, submission__in=papers.values("pk")).aggregate(
        done=Count("pk", filter=open_paper), closed=Count("pk", filter=closed))
    assignments = Assignment.objects.filter(submission__in=papers.values("pk")).aggregate(
        any=Count("pk"), closed=Count("pk", filter=closed))
    return {**row, "by_status": {status: row[f"n_{status}"] for _, status in present},
            "reviews_done": reviews["done"], "assigned_any": assignments["any"],
            "unfinished_closed": assignments["closed"] - reviews["closed"]}


def _members(under_review, *, past_deadline: bool) -> list[MemberProgress]:
    """Every PC member with their assignments on the papers `under_review`: how many, how many
    reviews are in (and late), and the first unfinished papers (by number). An unfinished review
    is late once the deadline has passed."""
    pc = pc_members().values("pk")
    assigned = Assignment.objects.filter(submission__in=under_review, reviewer__in=pc)
    pair = Assignment.objects.filter(submission=OuterRef("submission"), reviewer=OuterRef("reviewer"))
    review = Review.objects.filter(submission=OuterRef("submission"), reviewer=OuterRef("reviewer"),
                                   status=ReviewStatus.SUBMITTED)
    counts = dict(assigned.values("reviewer").annotate(n=Count("pk")).order_by().values_list("reviewer", "n"))
    reviewed = {r: (done, late) for r, done, late in Review.objects.filter(
        Exists(pair), status=ReviewStatus.SUBMITTED, submission__in=under_review, reviewer__in=pc).values(
        "reviewer").annotate(done=Count("pk"), late=Count("pk", filter=Q(is_late=True))).order_by().values_list(
        "reviewer", "done", "late")}
    state = "late" if past_deadline else "open"
    first = (assigned.exclude(Exists(review)).annotate(rank=Window(RowNumber(), partition_by=[F("reviewer")],
                                                                   order_by=[F("submission_id").asc()]))
             .filter(rank__lte=Value(MEMBER_PAPERS)).order_by("reviewer", "submission_id")
             .values_list("reviewer", "submission_id"))
    named: dict[int, list[tuple[int, str]]] = {}
    for reviewer, paper in first:
        named.setdefault(reviewer, []).append((paper, state))
    members = []
    for member in pc_members():
        done, late = reviewed.get(member.pk, (0, 0))
        total = counts.get(member.pk, 0)
        members.append(MemberProgress(member=member, assigned=total, done=done, unfinished=total - done,
                                      late=late + (total - done if past_deadline else 0),
                                      papers=named.get(member.pk, [])))
    return members


def _answers(papers, key: str) -> list[float]:
    """The submitted reviews' `key` answers on `papers` that are numbers, read grouped by value."""
    grouped = (Review.objects.filter(status=ReviewStatus.SUBMITTED, submission__in=papers.values("pk"))
               .annotate(answer=KeyTextTransform(key, "values")).values("answer").annotate(n=Count("pk"))
               .order_by().values_list("answer", "n"))
    values = []
    for answer, n in grouped:
        number = as_number(answer)
        if number is not None:
            values.extend([number] * n)
    return values
