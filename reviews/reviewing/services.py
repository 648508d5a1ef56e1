"""Reviews (drafts, submission, versions), the review form's questions, and the
discussion's comments.

One transaction each; mails queued through the outbox inside it."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from reviews.models import (
    Comment,
    Review,
    ReviewField,
    ReviewStatus,
    ReviewVersion,
)
from reviews.reviewing.selectors import submitted_reviews_missing_required
from submissions.models import Submission
from workshop import policy
from workshop.errors import Refused
from workshop.mail import absolute_url, mail_queue_template
from workshop.models import User, Workshop
from workshop.selectors import chairs

# --- Reviews ------------------------------------------------------------------------


def review_missing_fields(values: dict, fields: list[ReviewField]) -> list[str]:
    return [f.label for f in fields if f.required and not str(values.get(f.key, "")).strip()]


_STALE = ("This review was saved from another tab or window since you opened it. Reload to see the newest "
          "text; copy anything you want to keep first.")


def _locked_review(*, submission: Submission, reviewer: User, expected_version: int) -> Review:
    """The reviewer's review, locked, created on the first save; refuses a stale copy."""
    review = Review.objects.select_for_update().filter(submission=submission, reviewer=reviewer).first()
    if review is None and expected_version == 0:
        try:
            with transaction.atomic():
                return Review.objects.create(submission=submission, reviewer=reviewer)
        except IntegrityError:  # a first save from another tab won the race
            pass
    if review is None or review.version != expected_version:
        raise Refused(_STALE)
    return review


def review_save(*, submission: Submission, by: User, values: dict, expected_version: int, submit: bool,
                workshop: Workshop, fields: list[ReviewField]) -> Review:
    """Save the reviewer's private draft (autosave, "Save draft"), or submit.

    Only submitting publishes: the answers others read change only then, and
    only then is a version kept. Edits of a submitted review stay a private
    draft until the reviewer updates it. A save from a stale copy is refused,
    so a second tab never overwrites newer text."""
    refusal = policy.review_edit_refusal(by, submission, workshop)
    if refusal:
        raise Refused(refusal)
    clean = {f.key: str(values.get(f.key, "")).strip() for f in fields}
    for f in fields:
        allowed = {value for value, _label in f.options}
        if f.kind != "text" and clean[f.key] and clean[f.key] not in allowed:
            raise Refused(f'"{clean[f.key]}" is not a valid answer for {f.label}.')
    if submit:
        missing = review_missing_fields(clean, fields)
        if missing:
            raise Refused(f"Please fill in: {', '.join(missing)}.")
    now = timezone.now()
    with transaction.atomic():
        review = _locked_review(submission=submission, reviewer=by, expected_version=expected_version)
        review.version += 1
        if submit:
            review.values, review.draft_values = clean, None
            if not review.is_submitted:
                review.status = ReviewStatus.SUBMITTED
                review.submitted_at = now
                review.is_late = bool(workshop.review_deadline and now > workshop.review_deadline)
            ReviewVersion.objects.create(review=review, values=clean, status=review.status)
        else:
            review.draft_values = clean
        review.save()
    return review


def review_discard_changes(*, submission: Submission, by: User, expected_version: int,
                           workshop: Workshop) -> Review:
    """Drop the private edits of a submitted review; the submitted text stays."""
    refusal = policy.review_edit_refusal(by, submission, workshop)
    if refusal:
        raise Refused(refusal)
    with transaction.atomic():
        review = _locked_review(submission=submission, reviewer=by, expected_version=expected_version)
        if not review.has_pending_changes:
            return review
        review.version += 1
        review.draft_values = None
        review.save(update_fields=["version", "draft_values", "updated_at"])
    return review


@transaction.atomic
def review_form_save(*, formset) -> dict[str, int]:
    """Save the chairs' edits of the review form (a valid `ReviewFieldFormSet`). Returns, per
    required question, how many submitted reviews leave it empty: they stay submitted."""
    formset.save()
    return submitted_reviews_missing_required()


# --- Discussion ---------------------------------------------------------------------


def comment_add(*, submission: Submission, by: User, body: str, chairs_only: bool, workshop: Workshop) -> Comment:
    if not policy.can_view_discussion(by, submission, workshop=workshop):
        raise Refused("You cannot comment on this paper.")
    if not body.strip():
        raise Refused("The comment is empty.")
    with transaction.atomic():
        comment = Comment.objects.create(submission=submission, author=by, body=body.strip(),
                                         chairs_only=chairs_only and policy.is_chair(by))
        link = absolute_url(reverse("submission_detail", args=[submission.pk]) + "#discussion")
        readers = {a.reviewer for a in submission.assignments.select_related("reviewer")} | set(chairs())
        for reader in sorted(readers, key=lambda u: u.pk):
            if reader.pk == by.pk or not policy.can_view_comment(reader, comment, submission, workshop=workshop):
                continue
            mail_queue_template(to=reader.email, template="reviews/email/comment", kind="pc:comment",
                                paper=submission.pk, related=comment,
                                context={"submission": submission, "comment": comment, "link": link})
    return comment
