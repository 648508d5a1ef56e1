"""Reads of reviews and the discussion, filtered by the policy: the review form's
questions, each viewer's view of the reviews, and the comments."""

from dataclasses import dataclass

from reviews.models import Comment, Review, ReviewField, ReviewStatus
from workshop import policy
from workshop.models import User


def review_fields() -> list[ReviewField]:
    """The review form's questions in order (seeded by a data migration)."""
    return list(ReviewField.objects.order_by("position", "id"))


def own_review_or_new(*, submission, user) -> Review:
    """The user's review of the paper, or an unsaved blank one: opening the
    form creates nothing (the first save does)."""
    return policy.own_review(user, submission) or Review(submission=submission, reviewer=user)


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


def author_review_fields() -> list[ReviewField]:
    """The questions whose answers authors read."""
    return [f for f in review_fields() if f.visibility == "authors"]


def reviews_for_authors(*, submission, fields: list[ReviewField] | None = None) -> list[ReviewView]:
    """The reviews as authors get them (in the decision mail, for instance): author-visible
    fields only (`author_review_fields`, read once by whoever writes many), no names, no lateness."""
    return _review_views(submission, levels={"authors"}, show_names=False, show_lateness=False, fields=fields)


def _review_views(submission, *, levels: set[str], show_names: bool, show_lateness: bool,
                  fields: list[ReviewField] | None = None) -> list[ReviewView]:
    fields = fields if fields is not None else [f for f in review_fields() if f.visibility in levels]
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
