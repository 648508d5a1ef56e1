"""Reads of the program committee's work, filtered by the policy."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q

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


def bidding_rows(*, user, workshop, topic: int | None = None, term: int | None = None) -> list[Submission]:
    """Papers `user` may bid on, each with `.my_bid` and `.match` (topic-expertise
    score), best match first. Conflicted papers never appear."""
    levels = dict(TopicExpertise.objects.filter(user=user).values_list("topic_id", "level"))
    bids = {b.submission_id: b for b in Bid.objects.filter(user=user)}
    queryset = with_related(Submission.objects.filter(withdrawn_at__isnull=True))
    if topic:
        queryset = queryset.filter(topics__id=topic)
    if term:
        queryset = queryset.filter(threat_terms__id=term)
    phase = phase_at(workshop)
    rows = [s for s in queryset.distinct() if policy.can_bid(user, s, phase=phase)]
    for row in rows:
        row.my_bid = bids.get(row.pk)
        row.match = sum(levels.get(t.pk, 0) for t in row.topics.all())
    rows.sort(key=lambda s: (-s.match, s.pk))
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


def pc_loads(rows: list[Submission]) -> list[User]:
    """PC members with `.load` and `.done` counted over `rows` only: papers the
    viewer may not see must not show up in a count either."""
    members = list(pc_members())
    for member in members:
        member.load = member.done = 0
        member.papers = []
    by_id = {m.pk: m for m in members}
    for row in rows:
        if row.viewer_conflicted:
            continue
        for assignment in row.assignment_list:
            if assignment.reviewer_id in by_id:
                by_id[assignment.reviewer_id].load += 1
                by_id[assignment.reviewer_id].papers.append(row)
        for review in row.reviews.all():
            if review.is_submitted and review.reviewer_id in by_id:
                by_id[review.reviewer_id].done += 1
    return members


def chair_assignment_rows(*, user) -> list[Submission]:
    """Papers with reviewers, for the assignment page. Rows the chair is
    conflicted with are marked and carry nothing else, and stay listed when
    withdrawn: their vanishing would tell the chair what the row hides."""
    papers = Submission.objects.filter(Q(withdrawn_at__isnull=True) | Q(pk__in=conflicted_numbers(user=user)))
    queryset = with_related(papers).prefetch_related(
        Prefetch("assignments", to_attr="assignment_list",
                 queryset=Assignment.objects.select_related("reviewer")),
        Prefetch("bids", to_attr="bid_list", queryset=Bid.objects.select_related("user")),
    ).order_by("pk")
    rows = list(queryset)
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
