"""Papers: conflicts, who sees a paper and its authors, and when authors may register, edit, withdraw
and revive it."""


from django.db.models import Q

from workshop.models import AnonymityMode, Phase
from workshop.phases import DatedText, phase_at
from workshop.policy.roles import is_chair, is_pc_member

# --- Submissions -------------------------------------------------------------
# Predicates take objects whose `authors` and `conflicts` are prefetched by the
# selectors, so asking them for every row of a list costs no query.

# The PC sees papers as they come in (HotCRP's default), so bidding can start early.
_PC_PHASES = {Phase.SUBMISSION, Phase.BIDDING, Phase.REVIEWING, Phase.DISCUSSION, Phase.NOTIFICATION,
              Phase.CAMERA_READY, Phase.CLOSED}
_BIDDING_PHASES = {Phase.SUBMISSION, Phase.BIDDING}


def is_author(user, submission) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if submission.created_by_id == user.pk:
        return True
    email = user.email.lower()
    return any(author.email.lower() == email for author in submission.authors.all())


def _counts(conflict) -> bool:
    return conflict.waived_by_id is None  # a chair may waive a declared conflict


def active_conflict(user, submission):
    """The recorded conflict between `user` and the paper that counts, or None."""
    return next((c for c in submission.conflicts.all() if c.user_id == user.pk and _counts(c)), None)


def conflict_settled(user, submission) -> bool:
    """Whether the user's conflict with the paper is already decided: any
    recorded conflict, even one a chair waived (a suggestion must not reopen
    a chair's decision), or authorship."""
    return is_author(user, submission) or any(c.user_id == user.pk for c in submission.conflicts.all())


def conflicted_user_ids(submission) -> set[int]:
    """Everyone with a recorded conflict that counts (authors are conflicted too, by `is_author`)."""
    return {c.user_id for c in submission.conflicts.all() if _counts(c)}


def conflicted_submissions_q(user) -> Q:
    """`is_conflicted` as a filter on submissions, for lists that must leave
    hidden papers out in the database (so they cannot push visible rows off a
    page or change a count). Kept beside the predicate it mirrors."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return (Q(created_by=user) | Q(authors__email__iexact=user.email)
            | Q(conflicts__user=user, conflicts__waived_by__isnull=True))


def is_conflicted(user, submission) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return is_author(user, submission) or active_conflict(user, submission) is not None


def can_view_submission(user, submission, *, phase: Phase) -> bool:
    if is_author(user, submission):
        return True
    if is_conflicted(user, submission):
        return False
    if is_chair(user):
        return True
    return is_pc_member(user) and phase in _PC_PHASES and submission.withdrawn_at is None


def can_view_authors(user, submission, *, workshop) -> bool:
    """Double-blind hides authors from everyone but the authors and the
    (non-conflicted) chairs; single-blind and open show them to the PC."""
    if is_author(user, submission) or can_manage_submission(user, submission):
        return True
    return workshop.anonymity != AnonymityMode.DOUBLE_BLIND and can_view_submission(
        user, submission, phase=phase_at(workshop)
    )


def can_view_pdf_history(user, submission) -> bool:
    """Earlier versions and original file names: authors and chairs only."""
    return is_author(user, submission) or (is_chair(user) and not is_conflicted(user, submission))


def can_manage_submission(user, submission) -> bool:
    """Chair actions on a paper (extensions, later decisions): never by a conflicted chair."""
    return is_chair(user) and not is_conflicted(user, submission)


def _authors_closed(workshop, phase: Phase, *, now, what: str) -> str | None:
    """Papers change only while the phase allows it, whatever the dates say
    (a chair's override, released decisions). `what` ends the sentence: what can no longer happen.
    Past the paper deadline, that deadline (and since when) is the reason given: it holds for
    every paper, decided or not."""
    if phase in _AUTHOR_PHASES and not workshop.decisions_released:
        return None
    if workshop.phase_override:
        if phase not in _AUTHOR_PHASES:
            return f"The chairs hold the workshop in its “{phase.label}” phase; {what}."
        return f"Decisions are released; {what}."  # held open by the chairs, yet decided
    deadline = workshop.paper_deadline
    if deadline is not None and now > deadline:
        return _passed("The paper deadline", deadline, workshop, what=what)
    if workshop.decisions_released:
        return f"Decisions are released; {what}."
    return f"The workshop is in its “{phase.label}” phase; {what}."


def _passed(label: str, deadline, workshop, *, what: str) -> str:
    """Says when `label` passed, in the workshop's zone, and `what` that rules out."""
    if deadline is None:
        return f"{label} has passed; {what}."
    return DatedText(f"{label} passed on ", deadline, workshop.timezone, f"; {what}.")


_AUTHOR_PHASES = {Phase.SUBMISSION, Phase.BIDDING, Phase.REVIEWING}  # the last two only with an extension


def registration_refusal(user, workshop, *, now) -> str | None:
    """Why `user` may not register a new paper now, or None if they may."""
    if not getattr(user, "is_authenticated", False):
        return "Please sign in to submit a paper."
    return registration_closed(workshop, now=now)


def registration_closed(workshop, *, now) -> str | None:
    """Why nobody may register a new paper now, or None while registration is open:
    said as registration (closed since when), never as a change to a paper.
    A chair's override wins over the dates: held in submission, registration is open."""
    phase = phase_at(workshop, now)
    released = "Submissions are closed: decisions are released."
    if workshop.phase_override:
        if phase == Phase.SETUP:
            return "Submissions are not open yet."
        if phase != Phase.SUBMISSION:
            return f"Submissions are closed: the chairs hold the workshop in its “{phase.label}” phase."
        return released if workshop.decisions_released else None
    opens = workshop.submission_opens
    if opens is None or now < opens:
        return DatedText("Submissions open on ", opens, workshop.timezone, ".") if opens else \
            "Submissions are not open yet."
    closes = workshop.abstract_deadline or workshop.paper_deadline
    if closes is not None and now > closes:
        which = "abstract registration deadline" if workshop.abstract_deadline else "paper deadline"
        return DatedText("Submissions closed on ", closes, workshop.timezone,
                         f" (the {which}); new papers can no longer be registered.")
    if workshop.decisions_released:
        return released
    return _registration_closed_in(phase)


def _registration_closed_in(phase: Phase) -> str | None:
    if phase == Phase.SETUP:
        return "Submissions are not open yet."
    if phase != Phase.SUBMISSION:
        return f"The workshop is in its “{phase.label}” phase; new papers can no longer be registered."
    return None


def paper_deadline_for(workshop, submission):
    extension = submission.deadline_extension
    deadline = workshop.paper_deadline
    if extension and (deadline is None or extension > deadline):
        return extension
    return deadline


def _deadline_refusal(workshop, submission, *, now, what: str) -> str | None:
    phase = phase_at(workshop, now)
    closed = _authors_closed(workshop, phase, now=now, what=what)
    if closed:
        return closed
    if workshop.phase_override == Phase.SUBMISSION:
        return None  # held open by a chair, whatever the deadline says
    deadline = paper_deadline_for(workshop, submission)
    has_extension = submission.deadline_extension is not None and deadline == submission.deadline_extension
    label = "The extended deadline of this paper" if has_extension else "The paper deadline"
    if phase != Phase.SUBMISSION and not has_extension:
        if workshop.phase_override:
            return f"The chairs hold the workshop in its “{phase.label}” phase; {what}."
        return _passed(label, deadline, workshop, what=what)
    if deadline is not None and now > deadline:
        return _passed(label, deadline, workshop, what=what)
    return None


def edit_refusal(user, submission, workshop, *, now) -> str | None:
    """Why `user` may not change this paper (details or PDF) now, or None."""
    if not is_author(user, submission):
        return "Only the paper's authors can change it."
    if submission.withdrawn_at is not None:
        return "This paper is withdrawn. Revive it first to make changes."
    return _deadline_refusal(workshop, submission, now=now, what="the submission can no longer be changed")


def revive_refusal(user, submission, workshop, *, now) -> str | None:
    """Why `user` may not revive this paper now, or None. Asked of a paper not
    withdrawn, it tells whether a withdrawal now could still be undone."""
    if not is_author(user, submission):
        return "Only the paper's authors can revive it."
    return _deadline_refusal(workshop, submission, now=now, what="a withdrawn paper cannot be revived")


def withdraw_refusal(user, submission, workshop, *, now) -> str | None:
    if not is_author(user, submission):
        return "Only the paper's authors can withdraw it."
    if workshop.decisions_released:
        return "Decisions are released; please write to the chairs to withdraw this paper."
    if phase_at(workshop, now) == Phase.CLOSED:
        return "The chairs closed the workshop; please write to them to withdraw this paper."
    return None


def decision_released(submission) -> bool:
    """Some decision on the paper has been released to its authors."""
    return submission.decision_released_at is not None
