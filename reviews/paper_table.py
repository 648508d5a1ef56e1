"""Every paper as one chair may see it, with its scores: the rows behind the
paper table, the chair submissions list, their CSV and the search language.

A constant number of queries whatever the number of papers (values, not
model instances, for the big ones), then plain Python. A row the chair is
conflicted with keeps its number and title only, and its search facts hide
everything else (see `reviews.search`), so hidden data changes no count,
ordering or match."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from reviews.models import Assignment, Review, ReviewField, ReviewStatus
from reviews.search import PaperFacts, Query, matches
from submissions.models import Author, Outcome, PdfKind, PdfVersion, Submission, SubmissionStatus, Tag
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
            weights = [_number(values.get(WEIGHT_KEY)) or 1.0 for values in self._reviews]
            pairs = sorted((v, w) for v, w in zip((_number(values.get(key)) for values in self._reviews), weights,
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
    outcome: Outcome | None = None
    released: bool = False
    tags: list[str] = field(default_factory=list)
    pages: int | None = None
    sha256: str = ""
    abstract: str = ""

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


def paper_rows(*, user, fields: list[ReviewField] | None = None) -> list[PaperRow]:
    """All papers, numbered order, as `user` (a chair) may see them."""
    if not policy.can_view_paper_table(user):
        return []
    fields = score_fields() if fields is None else fields
    hidden = set(conflicted_numbers(user=user).values_list("pk", flat=True))
    papers = list(Submission.objects.order_by("pk").values(
        "pk", "title", "abstract", "withdrawn_at", "outcome_id", "decision_released_at"))
    by_paper = _related(hidden)
    outcomes = Outcome.objects.in_bulk()
    rows = []
    for paper in papers:
        number = paper["pk"]
        if number in hidden:
            rows.append(PaperRow(number=number, title=paper["title"], managed=False))
            continue
        rows.append(_row(paper, by_paper[number], outcomes.get(paper["outcome_id"]), fields))
    return rows


class AuthorLine(NamedTuple):
    name: str
    email: str
    affiliation: str


def _related(hidden: set[int]) -> dict:
    """Everything the managed rows show, keyed by paper: one query per kind.
    Papers are left out by exclusion (the viewer's conflicts are few), so the
    queries do not carry every paper number."""
    data = defaultdict(lambda: defaultdict(list))
    topic_names = dict(Topic.objects.values_list("pk", "name"))
    for number, topic in Submission.topics.through.objects.exclude(submission_id__in=hidden).values_list(
            "submission_id", "topic_id"):
        data[number]["topics"].append(topic_names[topic])
    terms = {t.pk: (t.kind, t.label, t.position) for t in VocabularyTerm.objects.all()}
    for number, term in Submission.threat_terms.through.objects.exclude(submission_id__in=hidden).values_list(
            "submission_id", "vocabularyterm_id"):
        data[number]["terms"].append(terms[term])
    for number, *author in Author.objects.exclude(submission_id__in=hidden).order_by(
            "submission_id", "position").values_list("submission_id", "name", "email", "affiliation"):
        data[number]["authors"].append(AuthorLine(*author))
    assigned = list(Assignment.objects.exclude(submission_id__in=hidden).values_list("submission_id", "reviewer_id"))
    people = User.objects.in_bulk({reviewer for _, reviewer in assigned})
    for number, reviewer in assigned:
        data[number]["reviewers"].append(people[reviewer])
    for number, values in Review.objects.exclude(submission_id__in=hidden).filter(
            status=ReviewStatus.SUBMITTED).values_list("submission_id", "values"):
        data[number]["reviews"].append(values)
    for number, name in Tag.objects.exclude(submission_id__in=hidden).values_list("submission_id", "name"):
        data[number]["tags"].append(name)
    for version in PdfVersion.objects.exclude(submission_id__in=hidden).filter(kind=PdfKind.SUBMISSION).order_by(
            "uploaded_at", "id").values("submission_id", "page_count", "sha256"):
        data[version["submission_id"]]["pdf"] = [version]  # the newest wins
    return data


def _number(value) -> float | None:
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


def _row(paper: dict, related: dict, outcome: Outcome | None, fields: list[ReviewField]) -> PaperRow:
    number = paper["pk"]
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
        released=paper["decision_released_at"] is not None, tags=sorted(related["tags"]),
        pages=pdf["page_count"] if pdf else None, sha256=pdf["sha256"] if pdf else "", abstract=paper["abstract"],
    )


def search(rows: list[PaperRow], query: Query | None) -> list[PaperRow]:
    if query is None or query.is_empty:
        return rows
    return [row for row in rows if matches(query, row.facts)]


# Columns a table can sort by: key -> value of a row (None sorts last).
def sort_key(column: str, fields: list[ReviewField]):
    primary = fields[0].key if fields else None
    simple = {
        "number": lambda r: r.number,
        "title": lambda r: r.title.casefold(),
        "decision": lambda r: r.outcome.position if r.outcome else None,
        "reviews": lambda r: r.reviews_done if r.managed else None,
        "status": lambda r: r.status,
        "mean": lambda r: r.stat(primary, "mean"),
        "min": lambda r: r.stat(primary, "low"),
        "max": lambda r: r.stat(primary, "high"),
        "spread": lambda r: r.stat(primary, "spread"),
        "weighted": lambda r: r.stat(primary, "weighted"),
    }
    if column in simple:
        return simple[column]
    if any(f.key == column for f in fields):
        return lambda r: r.stat(column, "mean")
    return None


def sorted_rows(rows: list[PaperRow], column: str, *, descending: bool, fields: list[ReviewField]) -> list[PaperRow]:
    key = sort_key(column, fields) or sort_key("number", fields)
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    return sorted(present, key=key, reverse=descending) + missing
