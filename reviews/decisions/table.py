"""Every paper as one chair may see it, with its scores: the rows behind the
paper table, the chair submissions list, their CSV and the search language.

A constant number of queries whatever the number of papers (values, not
model instances, for the big ones), then plain Python. A row the chair is
conflicted with keeps its number and title only, and its search facts hide
everything else (see `reviews.decisions.search`), so hidden data changes no count,
ordering or match.

A page builds only its page's rows: `paper_numbers` gives the numbers to page
through in numbered order (a query when there is no search; otherwise the
matches, found on only the facts the search reads), `paper_order` every
paper's number in the order of a column, computed in the database (score
statistics are aggregates over the submitted reviews), and
`paper_rows(numbers=...)` the rows of one page."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf
from django.db.models.lookups import Exact, IsNull, Regex

from reviews.decisions.search import PaperFacts, Query, facts_read, matches
from reviews.models import Assignment, Review, ReviewField, ReviewStatus
from submissions.models import Author, Outcome, PdfKind, PdfVersion, Submission, SubmissionStatus, Tag
from submissions.pdf import CHAIR_FLAGS
from submissions.selectors import conflicted_numbers
from workshop import policy
from workshop.models import Topic, User, VocabularyTerm

WEIGHT_KEY = "expertise"  # the score field that weighs the others in the weighted mean


class Scores:
    """One score field's visible values on one paper, with their statistics
    (computed once: the table sorts thousands of rows by them)."""

    __slots__ = ("values", "weights", "mean", "low", "high", "spread", "weighted")

    def __init__(self, values: list[float], weights: list[float]):
        self.values, self.weights = values, weights
        if values:
            self.mean = sum(values) / len(values)
            self.low, self.high = values[0], values[-1]  # values come sorted
            self.spread = self.high - self.low
            total = sum(weights)
            self.weighted = sum(v * w for v, w in zip(values, weights, strict=True)) / total if total else self.mean
        else:
            self.mean = self.low = self.high = self.spread = self.weighted = None


class LazyScores:
    """Score field key -> Scores, computed on first use: thousands of rows are
    built for a search or a sort, but a page shows only two hundred."""

    __slots__ = ("_reviews", "_keys", "_done")

    def __init__(self, reviews: list[dict], keys: list[str]):
        self._reviews, self._keys, self._done = reviews, keys, {}

    def get(self, key: str, default=None):
        if key not in self._keys:
            return default
        if key not in self._done:
            weights = [as_number(values.get(WEIGHT_KEY)) or 1.0 for values in self._reviews]
            pairs = sorted((v, w) for v, w in zip((as_number(values.get(key)) for values in self._reviews), weights,
                                                  strict=True) if v is not None)
            self._done[key] = Scores(values=[v for v, _ in pairs], weights=[w for _, w in pairs])
        return self._done[key]

    def __getitem__(self, key: str) -> "Scores":
        scores = self.get(key)
        if scores is None:
            raise KeyError(key)
        return scores

    def keys(self) -> list[str]:
        return list(self._keys)


@dataclass
class PaperRow:
    number: int
    title: str
    managed: bool  # False: the viewer is conflicted; the row is its title only
    status: str | None = None
    withdrawn: bool = False
    topics: list[str] = field(default_factory=list)
    terms: list[tuple[str, str]] = field(default_factory=list)  # (kind, label)
    authors: list["AuthorLine"] = field(default_factory=list)
    reviewers: list[User] = field(default_factory=list)
    reviews_done: int = 0
    scores: LazyScores | dict = field(default_factory=dict)
    outcome: Outcome | None = None  # the chairs' current decision
    released: bool = False  # some decision was released to the authors
    told: Outcome | None = None  # what the last release told them
    tags: list[str] = field(default_factory=list)
    pages: int | None = None
    pdf_flags: list[str] = field(default_factory=list)  # what the PDF checks could not establish (texts)
    sha256: str = ""
    abstract: str = ""

    @property
    def missing_reviews(self) -> int:
        return len(self.reviewers) - self.reviews_done

    def stat(self, key: str, name: str) -> float | None:
        scores = self.scores.get(key)
        return getattr(scores, name) if scores else None

    @cached_property
    def facts(self) -> PaperFacts:
        """What the search may match: only the title of a row the viewer is conflicted with."""
        if not self.managed:
            return PaperFacts(number=self.number, title=self.title)
        outcome = self.outcome
        return PaperFacts(
            number=self.number, title=self.title, abstract=self.abstract,
            authors=tuple(f"{a.name} <{a.email}> {a.affiliation}" for a in self.authors), topics=tuple(self.topics),
            threat_terms=tuple(self.terms), reviewers=tuple(f"{u.full_name} <{u.email}>" for u in self.reviewers),
            scores=_ValuesOf(self.scores),
            decision=outcome.category if outcome else None, outcome=outcome.name if outcome else "",
            decision_known=True, status=self.status, tags=tuple(self.tags),
        )


def score_fields() -> list[ReviewField]:
    return list(ReviewField.objects.filter(kind="score").order_by("position", "id"))


# What a row is made of besides the paper's own columns, one query each (see `_related`).
RELATED = frozenset({"topics", "terms", "authors", "reviewers", "reviews", "tags", "pdf"})
# The search facts -> the parts of a row they come from.
_FACT_SOURCES = {"abstract": {"abstract"}, "authors": {"authors"}, "topics": {"topics"}, "threat_terms": {"terms"},
                 "reviewers": {"reviewers"}, "scores": {"reviews"}, "status": {"pdf"}, "tags": {"tags"}}


def paper_rows(*, user, fields: list[ReviewField] | None = None, numbers: Collection[int] | None = None,
               outcomes: list[Outcome] | None = None) -> list[PaperRow]:
    """All papers (or only those `numbers`: a page), numbered order, as `user` (a chair) may see them.
    `outcomes`: every Outcome, if the caller has them already."""
    if not policy.can_view_paper_table(user):
        return []
    return _rows(user, score_fields() if fields is None else fields, numbers=numbers,
                 parts=RELATED | {"abstract"}, outcomes=outcomes)


def paper_numbers(*, user, query: Query | None, fields: list[ReviewField],
                  outcomes: list[Outcome] | None = None) -> QuerySet | list[int]:
    """The numbers of the papers `query` matches, in order, for a paginator.
    No search: a query, so a page costs a COUNT and a LIMIT/OFFSET. A search:
    it runs on every paper, but loads only the facts it reads (a title word
    reads titles and abstracts, `au:` the authors, ...), never a whole row."""
    if not policy.can_view_paper_table(user):
        return []
    if query is None or query.is_empty:
        return Submission.objects.order_by("pk").values_list("pk", flat=True)
    parts = set().union(*(_FACT_SOURCES.get(fact, ()) for fact in facts_read(query)))
    return [row.number for row in _rows(user, fields, numbers=None, parts=parts, outcomes=outcomes)
            if matches(query, row.facts)]


def _rows(user, fields: list[ReviewField], *, numbers: Collection[int] | None, parts: set[str],
          outcomes: list[Outcome] | None = None) -> list[PaperRow]:
    """The rows with only `parts` filled in (RELATED and "abstract"; the rest stays empty)."""
    hidden = set(conflicted_numbers(user=user).values_list("pk", flat=True))
    papers = Submission.objects.order_by("pk")
    if numbers is not None:
        papers = papers.filter(pk__in=numbers)
    papers = list(papers.values("pk", "title", "withdrawn_at", "outcome_id", "released_outcome_id",
                                "decision_released_at",
                                *(["abstract"] if "abstract" in parts else [])))
    by_paper = _related(hidden, numbers=numbers, parts=parts, keys=[f.key for f in fields])
    outcomes = Outcome.objects.in_bulk() if outcomes is None else {o.pk: o for o in outcomes}
    rows = []
    for paper in papers:
        number = paper["pk"]
        if number in hidden:
            rows.append(PaperRow(number=number, title=paper["title"], managed=False))
            continue
        rows.append(_row(paper, by_paper[number], outcomes, fields))
    return rows


class AuthorLine(NamedTuple):
    name: str
    email: str
    affiliation: str


def _related(hidden: set[int], *, numbers: Collection[int] | None = None, parts=RELATED,
             keys: Collection[str] = ()) -> dict:
    """What the managed rows show, keyed by paper: one query per part asked
    for. Papers are left out by exclusion (the viewer's conflicts are few), so
    the queries do not carry every paper number; a page's rows name their own.
    A review is read as its answers to the score fields `keys` (and the weight),
    never as its whole text."""
    data = defaultdict(lambda: defaultdict(list))

    def of(model):
        rows = model.objects.exclude(submission_id__in=hidden)
        return rows if numbers is None else rows.filter(submission_id__in=numbers)

    if "topics" in parts:
        topic_names = dict(Topic.objects.values_list("pk", "name"))
        for number, topic in of(Submission.topics.through).values_list("submission_id", "topic_id"):
            data[number]["topics"].append(topic_names[topic])
    if "terms" in parts:
        terms = {t.pk: (t.kind, t.label, t.position) for t in VocabularyTerm.objects.all()}
        for number, term in of(Submission.threat_terms.through).values_list("submission_id", "vocabularyterm_id"):
            data[number]["terms"].append(terms[term])
    if "authors" in parts:
        for number, *author in of(Author).order_by("submission_id", "position").values_list(
                "submission_id", "name", "email", "affiliation"):
            data[number]["authors"].append(AuthorLine(*author))
    if "reviewers" in parts:
        assigned = list(of(Assignment).values_list("submission_id", "reviewer_id"))
        people = User.objects.in_bulk({reviewer for _, reviewer in assigned})
        for number, reviewer in assigned:
            data[number]["reviewers"].append(people[reviewer])
    if "reviews" in parts:
        names = sorted({*keys, WEIGHT_KEY})
        answers = {f"answer_{i}": KeyTextTransform(key, "values") for i, key in enumerate(names)}
        for number, *values in of(Review).filter(status=ReviewStatus.SUBMITTED).annotate(**answers).values_list(
                "submission_id", *answers):
            data[number]["reviews"].append(dict(zip(names, values, strict=True)))
    if "tags" in parts:
        for number, name in of(Tag).values_list("submission_id", "name"):
            data[number]["tags"].append(name)
    if "pdf" in parts:
        for version in of(PdfVersion).filter(kind=PdfKind.SUBMISSION).order_by("uploaded_at", "id").values(
                "submission_id", "page_count", "sha256", "chair_flags"):
            data[version["submission_id"]]["pdf"] = [version]  # the newest wins
    return data


def as_number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class _ValuesOf:
    """The search's view of LazyScores: key -> the values."""

    __slots__ = ("_scores",)

    def __init__(self, scores: LazyScores):
        self._scores = scores

    def get(self, key: str, default=()):
        scores = self._scores.get(key)
        return tuple(scores.values) if scores is not None else default


def _row(paper: dict, related: dict, outcomes: dict[int, Outcome], fields: list[ReviewField]) -> PaperRow:
    number = paper["pk"]
    outcome = outcomes.get(paper["outcome_id"])
    released = paper["decision_released_at"] is not None
    pdf = related["pdf"][0] if related["pdf"] else None
    scores = LazyScores(related["reviews"], [f.key for f in fields])
    withdrawn = paper["withdrawn_at"] is not None
    status = SubmissionStatus.WITHDRAWN if withdrawn else (
        SubmissionStatus.COMPLETE if pdf else SubmissionStatus.REGISTERED)
    terms = [(kind, label) for kind, label, _ in sorted(related["terms"], key=lambda t: (t[0], t[2]))]
    return PaperRow(
        number=number, title=paper["title"], managed=True, status=str(status), withdrawn=withdrawn,
        topics=sorted(related["topics"]), terms=terms, authors=related["authors"], reviewers=related["reviewers"],
        reviews_done=len(related["reviews"]), scores=scores, outcome=outcome,
        released=released, told=outcomes.get(paper["released_outcome_id"]) if released else None,
        tags=sorted(related["tags"]),
        pages=pdf["page_count"] if pdf else None, sha256=pdf["sha256"] if pdf else "",
        pdf_flags=[CHAIR_FLAGS.get(flag, flag) for flag in pdf["chair_flags"]] if pdf else [],
        abstract=paper.get("abstract", ""),
    )


# What the table's search may name: `sort:` any of these (and a score field), `show:`/`hide:` the
# optional columns (and a score field, or "scores" for all of them).
SORTABLE = ("number", "title", "status", "reviews", "mean", "min", "max", "spread", "weighted", "decision")
NUMERIC = frozenset({"reviews", "mean", "min", "max", "spread", "weighted"})  # and score fields: high first
OPTIONAL_COLUMNS = ("topics", "reviews", "scores", "mean", "range", "spread", "weighted", "dots", "decision")
HIDDEN_BY_DEFAULT = frozenset({"topics", "range", "weighted"})  # one line a paper, the decision in view
COLUMN_LABELS = {"topics": "Topics", "reviews": "Reviews", "mean": "Mean", "range": "Range", "spread": "Spread",
                 "weighted": "Weighted", "dots": "Score dots", "decision": "Decision"}


def search_vocabulary(fields: list[ReviewField], outcomes: list[Outcome] | None = None) -> dict:
    """The keyword arguments `search.parse` needs for the paper table and the lists that share its search.
    Without `outcomes`, they are read from the database only if the query names one."""
    keys = [f.key for f in fields]
    named = Outcome.objects.values_list("name", "category") if outcomes is None else [
        (o.name, o.category) for o in outcomes]
    return {"score_keys": keys, "outcomes": named,
            "columns": [*OPTIONAL_COLUMNS, *keys], "sortable": [*SORTABLE, *keys]}


def shown_columns(query: Query | None, fields: list[ReviewField]) -> set[str]:
    """The optional columns and score fields the table shows for `query`'s show:/hide:."""
    keys = {f.key for f in fields}
    shown = (set(OPTIONAL_COLUMNS) - HIDDEN_BY_DEFAULT) | keys
    if query is not None:
        for column in query.directives.show:
            shown |= keys if column == "scores" else {column}
        for column in query.directives.hide:
            shown -= keys if column == "scores" else {column}
    return shown


# The table's order, in the database: one query gives every paper's number in the order a
# column asks for (a score statistic is an aggregate over the submitted reviews), so a page
# builds only its own rows. A paper the viewer is conflicted with has no value in any column
# but its number and title: it sorts last, in numbered order, whatever it hides.
_NUMBER = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"
_STATUS_ORDER = {SubmissionStatus.COMPLETE: 0, SubmissionStatus.REGISTERED: 1, SubmissionStatus.WITHDRAWN: 2}


def _answer(key: str):
    """A submitted review's `key` answer as a number, None unless it reads as one (`as_number`)."""
    text = KeyTextTransform(key, "reviews__values")
    return Case(When(Regex(text, _NUMBER), then=Cast(text, FloatField())), default=None, output_field=FloatField())


def _submitted(expression):
    """`expression` on the submitted reviews only (None on the others)."""
    return Case(When(reviews__status=ReviewStatus.SUBMITTED, then=expression), default=None,
                output_field=FloatField())


def _statistic(key: str, name: str):
    """`Scores.<name>` of score field `key`, as an aggregate over a paper's reviews."""
    value = _submitted(_answer(key))
    if name == "mean":
        return Avg(value)
    if name == "low":
        return Min(value)
    if name == "high":
        return Max(value)
    if name == "spread":
        return Max(value) - Min(value)
    weight = Case(When(IsNull(_answer(WEIGHT_KEY), True), then=Value(1.0)),  # `or 1.0`: none, or 0
                  When(Exact(_answer(WEIGHT_KEY), 0.0), then=Value(1.0)), default=_answer(WEIGHT_KEY),
                  output_field=FloatField())
    weights = Sum(Case(When(IsNull(value, False), then=weight), default=None, output_field=FloatField()))
    return Coalesce(Sum(value * weight) / NullIf(weights, Value(0.0)), Avg(value))  # weighted


_STATISTICS = {"mean": "mean", "min": "low", "max": "high", "spread": "spread", "weighted": "weighted"}


def _sort_value(column: str, fields: list[ReviewField]):
    """The database expression `column` sorts by; None for the number (and an unknown column)."""
    primary = fields[0].key if fields else None
    if column in _STATISTICS:
        return _statistic(primary, _STATISTICS[column]) if primary else Value(None, output_field=FloatField())
    if any(f.key == column for f in fields):
        return _statistic(column, "mean")
    if column == "reviews":
        return Count("reviews", filter=Q(reviews__status=ReviewStatus.SUBMITTED))
    if column == "decision":
        return F("outcome__position")
    if column == "status":
        newest = PdfVersion.objects.filter(submission=OuterRef("pk"), kind=PdfKind.SUBMISSION)
        return Case(When(withdrawn_at__isnull=False, then=_STATUS_ORDER[SubmissionStatus.WITHDRAWN]),
                    When(Exists(newest), then=_STATUS_ORDER[SubmissionStatus.COMPLETE]),
                    default=_STATUS_ORDER[SubmissionStatus.REGISTERED])
    return None


def high_first(column: str, fields: list[ReviewField]) -> bool:
    return column in NUMERIC or any(f.key == column for f in fields)


def paper_order(*, user, column: str, descending: bool, fields: list[ReviewField],
                numbers: Collection[int] | None = None) -> list[tuple[int, bool]]:
    """(number, managed) of every paper (or of those `numbers`: a search's matches) in the
    table's order by `column`: its values high first when `descending`, papers without a
    value (none yet, or hidden from the viewer) last, ties in numbered order. An unknown
    column sorts by number. One query; titles sort as Python compares them (casefolded)."""
    if not policy.can_view_paper_table(user):
        return []
    hidden = Q(pk__in=conflicted_numbers(user=user))
    papers = Submission.objects.annotate(hidden=ExpressionWrapper(hidden, output_field=BooleanField()))
    if column == "title":
        rows = sorted(papers.order_by("pk").values_list("pk", "hidden", "title"), key=lambda r: r[2].casefold(),
                      reverse=descending)
    else:
        value = _sort_value(column, fields)
        if value is None:
            rows = papers.order_by("-pk" if descending else "pk")
        else:
            papers = papers.annotate(value=value, key=Case(When(hidden, then=None), default=F("value")))
            rows = papers.order_by(F("key").desc(nulls_last=True) if descending else F("key").asc(nulls_last=True),
                                   "pk")
        rows = rows.values_list("pk", "hidden")
    wanted = None if numbers is None else set(numbers)
    return [(number, not hidden) for number, hidden, *_ in rows if wanted is None or number in wanted]
