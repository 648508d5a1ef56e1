"""What the next release would tell, read in SQL at any size: the papers whose
decision the authors have not been told (first decisions, changed ones, cleared
ones), their counts by outcome, a page of them, and its letters exactly as the
release job (`release.py`) writes them, a constant number of queries a page or a batch.

A chair's release covers the papers they may decide on (`policy.can_decide`: never
a paper they are conflicted with), so those neither show nor count here."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from reviews.decisions.letters import decision_mail, paper_values
from reviews.reviewing.selectors import author_review_fields
from submissions.models import DecisionChange, Outcome, Submission
from workshop import policy
from workshop.mail import text_renderer
from workshop.models import User, Workshop
from workshop.selectors import workshop_current

RELEASE_ROWS = 100
# Told before and told something else now; with an outcome, so a letter goes out.
CHANGED = Q(decision_released_at__isnull=False, released_outcome__isnull=False)


def pending_papers(by: User) -> QuerySet[Submission]:
    """Every paper `by` may decide whose decision the authors do not know (cleared ones included)."""
    return Submission.objects.filter(policy.decision_pending_q(), withdrawn_at__isnull=True).exclude(
        pk__in=Submission.objects.filter(policy.conflicted_submissions_q(by)).values("pk"))


def releasable(by: User) -> QuerySet[Submission]:
    """The papers whose authors the next release writes to: pending, with an outcome."""
    return pending_papers(by).filter(outcome__isnull=False)


@dataclass(frozen=True)
class ReleaseItem:
    paper: Submission
    told: Outcome | None  # what the authors were told by the last release; None: never released
    change: DecisionChange | None = None  # the latest change of the decision: who and when

    @property
    def first(self) -> bool:
        return self.told is None


def release_items(papers: QuerySet[Submission], *, changes: bool = False) -> list[ReleaseItem]:
    """`papers` with what a letter needs (authors, reviews, meta-review, outcomes) in a fixed
    number of queries, ordered by number; with `changes`, each with its latest DecisionChange."""
    papers = list(papers.select_related("outcome", "released_outcome", "meta_review")
                  .prefetch_related("authors", "reviews").order_by("pk"))
    latest = {}
    if changes:
        for change in DecisionChange.objects.filter(submission__in=papers).select_related("by").order_by("at", "id"):
            latest[change.submission_id] = change
    return [ReleaseItem(p, p.released_outcome if policy.decision_released(p) else None, latest.get(p.pk))
            for p in papers]


class LetterWriter:
    """(subject, body) of the mail each author of an item gets from the next release. The texts
    and the review form are read once, so a batch of letters costs no query per paper."""

    def __init__(self, workshop: Workshop | None = None):
        self.workshop = workshop or workshop_current()
        self.fields = author_review_fields()
        self._changed = None

    def __call__(self, item: ReleaseItem) -> tuple[str, str]:
        subject, body = decision_mail(item.paper, self.workshop, fields=self.fields)
        if item.first:
            return subject, body
        if self._changed is None:
            self._changed = text_renderer("decision-changed")
        return self._changed(paper_values(item.paper, self.workshop) | {"old_outcome": item.told.name,
                                                                         "letter": body})


@dataclass
class ReleaseSummary:
    papers: int  # with a letter: first and changed
    changed: int
    mails: int
    by_outcome: list[tuple[str, int, int, int]]  # (outcome, first, changed, mails)
    page: Page  # of ReleaseItem: changed ones first, then by number
    cleared: list[ReleaseItem]
    cleared_count: int
    sample: tuple[str, str, str] | None  # (to, subject, body) of the first mail

    @property
    def first(self) -> int:
        return self.papers - self.changed


def release_summary(*, by: User, page: str | int | None = 1) -> ReleaseSummary:
    papers = releasable(by)
    rows = list(papers.values("outcome__name", "outcome__position").annotate(
        n=Count("pk", distinct=True), changed=Count("pk", filter=CHANGED, distinct=True), mails=Count("authors"))
        .order_by("outcome__position", "outcome__name"))
    by_outcome = [(r["outcome__name"], r["n"] - r["changed"], r["changed"], r["mails"]) for r in rows]
    order = papers.annotate(changed=ExpressionWrapper(CHANGED, output_field=BooleanField()))
    numbers = Paginator(order.order_by("-changed", "pk").values_list("pk", flat=True), RELEASE_ROWS).get_page(page)
    items = {i.paper.pk: i for i in release_items(Submission.objects.filter(pk__in=list(numbers)), changes=True)}
    numbers.object_list = [items[n] for n in numbers.object_list if n in items]
    first_number = papers.order_by("pk").values_list("pk", flat=True).first()  # the release's first mail
    first = release_items(Submission.objects.filter(pk=first_number))[0] if first_number else None
    cleared = pending_papers(by).filter(outcome__isnull=True)
    cleared_numbers = list(cleared.order_by("pk").values_list("pk", flat=True)[:RELEASE_ROWS])
    return ReleaseSummary(
        papers=sum(r["n"] for r in rows), changed=sum(r["changed"] for r in rows),
        mails=sum(r["mails"] for r in rows), by_outcome=by_outcome, page=numbers,
        cleared=release_items(Submission.objects.filter(pk__in=cleared_numbers), changes=True),
        cleared_count=cleared.count() if len(cleared_numbers) == RELEASE_ROWS else len(cleared_numbers),
        sample=(first.paper.authors.all()[0].email, *LetterWriter()(first)) if first else None)


def release_mails(by: User) -> int:
    """How many mails the next release sends: one to each author of each releasable paper."""
    return releasable(by).aggregate(n=Count("authors"))["n"]


def release_letters(*, by: User, start: int, count: int) -> list[tuple[str, str, str, Submission]]:
    """Every mail of the next release, `count` from the `start`-th: (to, subject, body, paper),
    exactly as the release job would send them now. Only the papers of these letters are read."""
    chosen, before, seen = [], 0, 0
    for number, authors in releasable(by).order_by("pk").annotate(n=Count("authors")).values_list("pk", "n"):
        if seen + authors > start and seen < start + count:
            before = before if chosen else seen
            chosen.append(number)
        seen += authors
    letter = LetterWriter()
    letters = [(author.email, *letter(item), item.paper)
               for item in release_items(Submission.objects.filter(pk__in=chosen))
               for author in item.paper.authors.all()]
    return letters[start - before:start - before + count]
