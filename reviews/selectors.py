"""Reads of the program committee's work, filtered by the policy."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from reviews.models import (
    Assignment,
    AuthorResponse,
    Bid,
    Comment,
    Invitation,
    MetaReview,
    Review,
    ReviewField,
    ReviewStatus,
    TopicExpertise,
)
from submissions.models import Conflict, Submission
from submissions.selectors import conflicted_numbers, with_related
from workshop import policy
from workshop.models import User
from workshop.phases import phase_at
from workshop.selectors import pc_members


def review_fields() -> list[ReviewField]:
    """The review form's questions in order (seeded by a data migration)."""
    return list(ReviewField.objects.order_by("position", "id"))


def own_review_or_new(*, submission, user) -> Review:
    """The user's review of the paper, or an unsaved blank one: opening the
    form creates nothing (the first save does)."""
    return policy.own_review(user, submission) or Review(submission=submission, reviewer=user)


def bidding_papers(*, user, workshop, topic: int | None = None, term: int | None = None) -> QuerySet[Submission]:
    """The papers `user` may bid on (`policy.can_bid` as a query), each with
    `.match` (the sum of the user's expertise levels in its topics), best match
    first: a query, so the page is cut in the database and conflicted papers
    neither appear nor count."""
    if not policy.bids_open_for(user, phase=phase_at(workshop)):
        return Submission.objects.none()
    queryset = Submission.objects.filter(withdrawn_at__isnull=True).exclude(pk__in=conflicted_numbers(user=user))
    if topic:
        queryset = queryset.filter(pk__in=Submission.topics.through.objects.filter(topic_id=topic)
                                   .values("submission_id"))
    if term:
        queryset = queryset.filter(pk__in=Submission.threat_terms.through.objects.filter(vocabularyterm_id=term)
                                   .values("submission_id"))
    match = (TopicExpertise.objects.filter(user=user, topic__submissions=OuterRef("pk"))
             .values("user").annotate(total=Sum("level")).values("total"))
    return queryset.annotate(match=Coalesce(Subquery(match), 0)).order_by("-match", "pk")


def bidding_rows(*, user, papers) -> list[Submission]:
    """A page of `bidding_papers` with what the bidding page shows: topics,
    threat terms and the user's own bid as `.my_bid` (or None)."""
    rows = list(papers.prefetch_related(
        "topics", "threat_terms", Prefetch("bids", queryset=Bid.objects.filter(user=user), to_attr="my_bids")))
    for row in rows:
        row.my_bid = row.my_bids[0] if row.my_bids else None
    return rows


def assignments_of(*, user) -> list[Submission]:
    """The papers assigned to `user`, each with `.my_review` (or None)."""
    papers = with_related(Submission.objects.filter(assignments__reviewer=user)).order_by("pk")
    rows = [p for p in papers if policy.can_review(user, p)]
    for row in rows:
        row.my_review = policy.own_review(user, row)
    return rows


@dataclass
class ReviewView:
    """A review as one viewer may see it: only the fields and name they may see."""

    review: Review
    label: str
    reviewer_name: str | None
    answers: list[tuple[ReviewField, str, str]]  # field, value, shown label
    late: bool = False  # PC-internal: never shown to authors


def _submitted_in_order(submission) -> list[Review]:
    return sorted((r for r in submission.reviews.all() if r.is_submitted), key=lambda r: (r.submitted_at, r.pk))


def _letter(index: int) -> str:
    return chr(65 + index) if index < 26 else f"{chr(65 + index // 26 - 1)}{chr(65 + index % 26)}"


def reviews_visible_to(*, user, submission, workshop) -> list[ReviewView]:
    levels = policy.visible_field_levels(user, submission, workshop=workshop)
    if not levels:
        return []
    return _review_views(submission, levels=levels,
                         show_names=policy.can_view_reviewer_identity(user, submission, workshop=workshop),
                         show_lateness=policy.can_view_reviews(user, submission, workshop=workshop))


def reviews_for_authors(*, submission) -> list[ReviewView]:
    """The reviews as authors get them (in the decision mail, for instance):
    author-visible fields only, no names, no lateness."""
    return _review_views(submission, levels={"authors"}, show_names=False, show_lateness=False)


def _review_views(submission, *, levels: set[str], show_names: bool, show_lateness: bool) -> list[ReviewView]:
    fields = [f for f in review_fields() if f.visibility in levels]
    reviews = _submitted_in_order(submission)
    reviewers = {u.pk: u for u in User.objects.filter(pk__in=[r.reviewer_id for r in reviews])} if show_names else {}
    views = []
    for index, review in enumerate(reviews):
        answers = []
        for f in fields:
            value = review.values.get(f.key, "")
            shown = dict(f.options).get(value, value) if f.kind != "text" else value
            if value:
                answers.append((f, value, shown))
        name = reviewers[review.reviewer_id].full_name if show_names else None
        views.append(ReviewView(review=review, label=f"Review {_letter(index)}", reviewer_name=name,
                                answers=answers, late=show_lateness and review.is_late))
    return views


def comments_visible_to(*, user, submission, workshop) -> list[Comment]:
    """The discussion as `user` may read it. Each comment carries `author_label`:
    the author's name where the policy shows reviewer names, otherwise the
    label of their review ("Reviewer B"), as HotCRP does."""
    if not policy.can_view_discussion(user, submission, workshop=workshop):
        return []
    comments = [c for c in Comment.objects.filter(submission=submission).select_related("author")
                if policy.can_view_comment(user, c, submission, workshop=workshop)]
    letters = {r.reviewer_id: _letter(i) for i, r in enumerate(_submitted_in_order(submission))}
    assigned = {a.reviewer_id for a in submission.assignments.all()}
    for comment in comments:
        if policy.can_view_comment_author(user, comment, submission, workshop=workshop):
            comment.author_label = comment.author.full_name
        elif comment.author_id in letters:
            comment.author_label = f"Reviewer {letters[comment.author_id]}"
        elif comment.author_id in assigned:
            comment.author_label = "A reviewer"
        else:
            comment.author_label = "A chair"
    return comments


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


def invitations_list() -> list[Invitation]:
    return list(Invitation.objects.select_related("accepted_by").order_by("-created_at"))


def conflicts_list() -> list[Conflict]:
    return list(Conflict.objects.select_related("submission", "user", "waived_by").order_by("submission_id"))


def submitted_reviews_missing_required() -> dict[str, int]:
    """For each required question, how many submitted reviews leave it empty
    (a question added after reviews came in)."""
    required = [f for f in review_fields() if f.required]
    counts: dict[str, int] = {}
    for values in Review.objects.filter(status=ReviewStatus.SUBMITTED).values_list("values", flat=True):
        for field in required:
            if not str(values.get(field.key, "")).strip():
                counts[field.label] = counts.get(field.label, 0) + 1
    return counts


def meta_review_of(*, submission) -> MetaReview | None:
    return MetaReview.objects.select_related("lead").filter(submission=submission).first()


def response_of(*, submission) -> AuthorResponse | None:
    return AuthorResponse.objects.filter(submission=submission).first()


def lead_choices(*, submission) -> list[User]:
    """The paper's reviewers who could lead its discussion."""
    return [a.reviewer for a in submission.assignments.select_related("reviewer").order_by("reviewer__full_name")
            if policy.lead_refusal(submission=submission, lead=a.reviewer) is None]
