"""Decisions and their release; the discussion lead, the meta-review and the authors' response."""



from django.db.models import F, Q

from workshop.models import Phase
from workshop.phases import DatedText, phase_at, response_window_open
from workshop.policy.committee import (
    _released_on,
    assignment_refusal,
    can_manage_assignments,
    can_review,
    can_view_discussion,
    can_view_reviewer_identity,
    is_assigned,
)
from workshop.policy.papers import can_manage_submission, can_view_submission, decision_released, is_author
from workshop.policy.roles import is_chair, is_pc_member

# --- Decisions ----------------------------------------------------------------------
# A decision is embargoed: until a chair releases it, nothing about it may reach
# the authors (no page, badge, count, ordering, mail, status code or file
# differs), and the PC sees it only if the chairs said so.


def decision_pending(submission) -> bool:
    """The chairs' decision is not what the authors were last told: never released, or changed since."""
    return submission.outcome_id != submission.released_outcome_id or (
        submission.outcome_id is not None and not decision_released(submission))


def decision_pending_q() -> Q:
    """`decision_pending` as a filter on submissions (kept beside the predicate it mirrors), so a
    release can tell in one query whether anything is left to release."""
    return (Q(outcome__isnull=False, decision_released_at__isnull=True)
            | Q(outcome__isnull=False, released_outcome__isnull=True)
            | Q(released_outcome__isnull=False) & ~Q(outcome=F("released_outcome"))
            | Q(outcome__isnull=True, released_outcome__isnull=False))


def decision_shown(user, submission, *, workshop):
    """The outcome `user` sees, or None. Chairs see their current decision; authors see
    what the last release told them, so a change reaches them only through a release."""
    if not can_view_decision(user, submission, workshop=workshop):
        return None
    if is_author(user, submission):
        return submission.released_outcome
    return submission.outcome


def can_decide(user, submission) -> bool:
    return can_manage_submission(user, submission)


def can_view_decision(user, submission, *, workshop) -> bool:
    if is_author(user, submission):
        return decision_released(submission)
    if can_manage_submission(user, submission):
        return True
    return (workshop.pc_sees_decisions and is_pc_member(user)
            and can_view_submission(user, submission, phase=phase_at(workshop)))


def can_view_tags(user, submission) -> bool:
    """Tags are the chairs' own labels."""
    return can_manage_submission(user, submission)


def can_release_decisions(user) -> bool:
    return is_chair(user)


def can_send_reminders(user) -> bool:
    return is_chair(user)


def can_view_paper_table(user) -> bool:
    return is_chair(user)


# --- Discussion lead, meta-review and author response ---------------------------------


def can_name_lead(user, submission) -> bool:
    return can_manage_assignments(user, submission)


def lead_refusal(*, submission, lead) -> str | None:
    """A discussion lead is one of the paper's unconflicted reviewers."""
    if not is_assigned(lead, submission):
        return f"{lead.full_name} does not review #{submission.pk}."
    return assignment_refusal(submission=submission, reviewer=lead)


def can_view_lead(user, submission, meta_review, *, workshop) -> bool:
    """The lead is one of the paper's reviewers, so their name follows the
    reviewer-name rule (`reviewer_names_to_pc`); the lead knows it is them."""
    if meta_review is None or meta_review.lead_id is None:
        return False
    if not can_view_discussion(user, submission, workshop=workshop):
        return False
    return meta_review.lead_id == user.pk or can_view_reviewer_identity(user, submission, workshop=workshop)


def can_write_meta_review(user, submission, meta_review) -> bool:
    """The lead (while they may review the paper) or a managing chair, until release."""
    if decision_released(submission):
        return False
    if can_manage_submission(user, submission):
        return True
    return meta_review is not None and meta_review.lead_id == user.pk and can_review(user, submission)


def meta_review_closed(user, submission, meta_review, *, workshop) -> str | None:
    """Why the meta-review can no longer be written, told only to who could write
    it until the release (others get the 404 of a missing page), else None."""
    if not decision_released(submission):
        return None
    could = can_manage_submission(user, submission) or (
        meta_review is not None and meta_review.lead_id == user.pk and can_review(user, submission))
    return _released_on(submission, workshop, what="its meta-review can no longer be changed") if could else None


def meta_review_parts_visible(user, submission, *, workshop) -> set[str]:
    """"pc" (the PC-only part) and/or "authors" (the part mailed with the decision)."""
    if can_view_discussion(user, submission, workshop=workshop):
        return {"authors", "pc"}
    if is_author(user, submission) and decision_released(submission):
        return {"authors"}
    return set()


def response_refusal(user, submission, workshop, *, now) -> str | None:
    """Why `user` may not write the authors' response now, or None."""
    if not is_author(user, submission):
        return "Only the paper's authors can respond to its reviews."
    if submission.withdrawn_at is not None:
        return "This paper is withdrawn."
    if decision_released(submission):
        return _released_on(submission, workshop, what="the response period for it is over")
    if not response_window_open(workshop, now):
        return _response_closed(workshop, now=now)
    return None


def _response_closed(workshop, *, now) -> str:
    if workshop.phase_override and workshop.phase_override != Phase.DISCUSSION:
        return (f"The author response period is closed. The chairs hold the workshop in its "
                f"“{Phase(workshop.phase_override).label}” phase.")
    opens, closes = workshop.response_opens, workshop.response_closes
    if opens is not None and now < opens:
        return DatedText("The author response period opens on ", opens, workshop.timezone, ".")
    if closes is not None and now > closes:
        return DatedText("The author response period closed on ", closes, workshop.timezone, ".")
    return "The author response period is closed."


def can_view_response(user, submission, *, workshop) -> bool:
    return is_author(user, submission) or can_view_discussion(user, submission, workshop=workshop)
