"""The program committee: bidding, reviewing, who sees which reviews, reviewers' names and comments,
assignments and invitations."""

from datetime import timedelta

from workshop.models import Phase
from workshop.phases import DatedText, phase_at, response_window_open
from workshop.policy.papers import (
    _BIDDING_PHASES,
    active_conflict,
    can_manage_submission,
    decision_released,
    is_author,
    is_conflicted,
)
from workshop.policy.roles import is_chair, is_pc_member

# --- Program committee ---------------------------------------------------------
# These take submissions whose `assignments` and `reviews` are prefetched too.


def is_assigned(user, submission) -> bool:
    return getattr(user, "is_authenticated", False) and any(
        a.reviewer_id == user.pk for a in submission.assignments.all()
    )


def own_review(user, submission):
    if not getattr(user, "is_authenticated", False):
        return None
    return next((r for r in submission.reviews.all() if r.reviewer_id == user.pk), None)


def _submitted_own_review(user, submission) -> bool:
    review = own_review(user, submission)
    return review is not None and review.is_submitted


def bids_open_for(user, *, phase: Phase) -> bool:
    """The part of `can_bid` about the person and the phase, not the paper."""
    return is_pc_member(user) and phase in _BIDDING_PHASES


def bidding_closed(workshop, *, now) -> str | None:
    """Why nobody may bid now (the bidding page says it instead of an empty list), or None."""
    phase = phase_at(workshop, now)
    if phase in _BIDDING_PHASES:
        return None
    if workshop.phase_override:
        return f"Bidding is closed: the chairs hold the workshop in its “{phase.label}” phase."
    if phase == Phase.SETUP:
        opens = workshop.submission_opens
        return DatedText("Bidding opens with submissions, on ", opens, workshop.timezone, ".") if opens else \
            "Bidding opens with submissions, which are not open yet."
    if workshop.bidding_closes is None:
        return "Bidding is closed."
    return DatedText("Bidding closed on ", workshop.bidding_closes, workshop.timezone, ".")


def can_bid(user, submission, *, phase: Phase) -> bool:
    """The bidding page asks it as a query, to page in the database: `bids_open_for`,
    papers not withdrawn and none of `conflicted_submissions_q` (reviews.committee.selectors.bidding_papers)."""
    return (
        bids_open_for(user, phase=phase)
        and not is_conflicted(user, submission)
        and submission.withdrawn_at is None
    )


def can_review(user, submission) -> bool:
    return (
        is_pc_member(user)
        and is_assigned(user, submission)
        and not is_conflicted(user, submission)
        and submission.withdrawn_at is None
    )


def review_edit_refusal(user, submission, workshop) -> str | None:
    if not can_review(user, submission):
        return "You are not assigned to review this paper."
    if decision_released(submission):
        return _released_on(submission, workshop, what="its reviews can no longer be changed")
    return None


def _released_on(submission, workshop, *, what: str) -> str:
    return DatedText("The decision on this paper was released on ", submission.decision_released_at,
                     workshop.timezone, f"; {what}.")


def review_late_notice(review, workshop, *, now) -> str | None:
    """What the review form says once the review deadline has passed and the
    review is not in: it is still taken (marked late), so the form stays open."""
    deadline = workshop.review_deadline
    if deadline is None or now <= deadline or review.is_submitted:
        return None
    return DatedText("The review deadline passed on ", deadline, workshop.timezone,
                     "; your review is late, but it still counts: please submit it as soon as you can.")


def can_view_reviews(user, submission, *, workshop) -> bool:
    """Other people's reviews (scores and text), as the PC sees them. Authors
    are conflicted with their own paper; they get `can_view_reviews_as_author`."""
    if is_conflicted(user, submission):
        return False
    if is_chair(user):
        return True
    if not can_review(user, submission):
        return False
    return workshop.reviews_visible_to_pc == "always" or _submitted_own_review(user, submission)


def can_view_reviews_as_author(user, submission, *, workshop) -> bool:
    """Authors read the author-visible parts of the reviews, without names,
    during the response window and once their paper's decision is released."""
    return is_author(user, submission) and (decision_released(submission) or response_window_open(workshop))


def visible_field_levels(user, submission, *, workshop) -> set[str]:
    """Which review fields (by visibility) this user may read on this paper."""
    if can_view_reviews(user, submission, workshop=workshop):
        return {"authors", "pc", "chairs"} if is_chair(user) else {"authors", "pc"}
    if can_view_reviews_as_author(user, submission, workshop=workshop):
        return {"authors"}
    return set()


def can_view_reviewer_identity(user, submission, *, workshop) -> bool:
    """Authors never learn who reviewed their paper."""
    if is_conflicted(user, submission):
        return False
    if is_chair(user):
        return True
    if not can_review(user, submission):
        return False
    setting = workshop.reviewer_names_to_pc
    return setting == "always" or (setting == "after_own" and _submitted_own_review(user, submission))


def can_view_discussion(user, submission, *, workshop) -> bool:
    return can_view_reviews(user, submission, workshop=workshop)


def can_view_comment(user, comment, submission, *, workshop) -> bool:
    if not can_view_discussion(user, submission, workshop=workshop):
        return False
    return not comment.chairs_only or is_chair(user)


def can_view_comment_author(user, comment, submission, *, workshop) -> bool:
    """Who wrote a comment follows the reviewer-name rule: a reviewer's comment
    would otherwise name the reviewer."""
    return comment.author_id == user.pk or can_view_reviewer_identity(user, submission, workshop=workshop)


def assignment_refusal(*, submission, reviewer) -> str | None:
    """Why `reviewer` may not review this paper, or None."""
    if not is_pc_member(reviewer):
        return f"{reviewer.full_name} is not on the program committee."
    if is_author(reviewer, submission):
        return f"{reviewer.full_name} is an author of #{submission.pk}."
    conflict = active_conflict(reviewer, submission)
    if conflict is not None:
        return (f"{reviewer.full_name} has a conflict with #{submission.pk}: "
                f"{conflict.get_reason_display().lower()} ({conflict.get_source_display().lower()}).")
    if submission.withdrawn_at is not None:
        return f"#{submission.pk} is withdrawn."
    return None


def can_manage_assignments(user, submission) -> bool:
    """Assign reviewers, see bids and loads for this paper: an unconflicted chair."""
    return can_manage_submission(user, submission)


def can_invite_pc(user) -> bool:
    return is_chair(user)


def invitation_usable(invitation, *, now) -> bool:
    """A PC invitation link works once, while pending and fresh: a declined,
    accepted or expired link is dead (whoever holds it)."""
    return (invitation.status == "pending" and invitation.sent_at is not None
            and now - invitation.sent_at <= timedelta(days=invitation.VALID_DAYS))


def can_view_assignment_run(user, run) -> bool:
    """A chair sees only their own automatic-assignment runs: another chair's
    run may cover papers this one is conflicted with."""
    return is_chair(user) and run.created_by_id == user.pk
