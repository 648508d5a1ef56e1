"""THE one place that answers "may this user see or do this, now?".

Predicates are small and pure over (user, object, phase). Views, selectors,
exports, mails and PDF builders ask here; nothing else decides. Hidden objects
are answered with 404 by the callers (see `workshop.http.get_visible_or_404`)."""

from datetime import timedelta

from django.db.models import Q

from workshop.models import AnonymityMode, MailBatchKind, Phase, RoleName
from workshop.phases import DatedText, phase_at, response_window_open
from workshop.selectors import role_names_of


def is_chair(user) -> bool:
    return RoleName.CHAIR in role_names_of(user)


def is_pc_member(user) -> bool:
    return RoleName.PC in role_names_of(user)


def is_organizer(user) -> bool:
    return RoleName.ORGANIZER in role_names_of(user)


def can_manage_workshop(user) -> bool:
    """Edit settings, dates, topics, vocabularies and roles."""
    return is_chair(user)


def can_view_outbox(user) -> bool:
    return is_chair(user)


def can_manage_roles(user) -> bool:
    return is_chair(user)


def can_view_mail(user, mail, submission=None) -> bool:
    """A mail about a paper tells who wrote it (receipts) or who reviews it
    (assignments, comments): a chair sees it, recipient included, only if
    they may see that paper's authors and reviewers, i.e. manage it. The
    outbox list applies the same rule as a query (`conflicted_submissions_q`)."""
    if not can_view_outbox(user):
        return False
    return mail.paper_number is None or (submission is not None and can_manage_submission(user, submission))


def can_view_mail_body(user, mail) -> bool:
    """Account mails carry sign-in and password-reset links: only their
    recipient may read them, never a chair looking at the outbox."""
    return can_view_outbox(user) and not mail.kind.startswith("account:")


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
    papers not withdrawn and none of `conflicted_submissions_q` (reviews.selectors.bidding_papers)."""
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


# --- Decisions ----------------------------------------------------------------------
# A decision is embargoed: until a chair releases it, nothing about it may reach
# the authors (no page, badge, count, ordering, mail, status code or file
# differs), and the PC sees it only if the chairs said so.


def decision_released(submission) -> bool:
    """Some decision on the paper has been released to its authors."""
    return submission.decision_released_at is not None


def decision_pending(submission) -> bool:
    """The chairs' decision is not what the authors were last told: never released, or changed since."""
    return submission.outcome_id != submission.released_outcome_id or (
        submission.outcome_id is not None and not decision_released(submission))


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


# --- Camera-ready and proceedings ---------------------------------------------------------
# The volume shows every accepted paper, so handling it tells which papers were
# accepted. A chair with any recorded conflict leaves it to the organizers (as
# HotCRP hides decisions from conflicted PC); the test is on the chair's own
# conflicts, never on any paper's decision, so being turned away tells nothing.


def is_accepted(submission) -> bool:
    """Accepted as released to its authors, not withdrawn: a paper of the proceedings. A
    changed decision counts once it is released, as the authors hear of it."""
    outcome = submission.released_outcome
    return (outcome is not None and outcome.category == "accept" and decision_released(submission)
            and submission.withdrawn_at is None)


def is_proceedings_team(user) -> bool:
    """Organizers and chairs: who sees the Proceedings menu."""
    return is_organizer(user) or is_chair(user)


def can_manage_proceedings(user, *, has_conflicts: bool) -> bool:
    """Camera-ready status, volume order, builds, exports. `has_conflicts`:
    the user has a recorded conflict with some paper (see `submissions.selectors.has_conflicts`)."""
    return is_organizer(user) or (is_chair(user) and not has_conflicts)


_CAMERA_READY_PHASES = {Phase.NOTIFICATION, Phase.CAMERA_READY}  # what the dates give while it is open


def camera_ready_deadline_for(workshop, camera):
    extension = camera.extension if camera is not None else None
    deadline = workshop.camera_ready_deadline
    return extension if extension and (deadline is None or extension > deadline) else deadline


def camera_ready_refusal(user, submission, workshop, *, now, camera=None) -> str | None:
    """Why `user` may not change the paper's camera-ready version now, or None."""
    if not is_author(user, submission):
        return "Only the paper's authors can prepare its camera-ready version."
    if not is_accepted(submission):
        return "The camera-ready version is for accepted papers."
    if workshop.phase_override:  # a chair holds the phase: it decides, not the deadline
        if workshop.phase_override in _CAMERA_READY_PHASES:
            return None
        return (f"The workshop is in its “{Phase(workshop.phase_override).label}” phase; the camera-ready "
                "version cannot be changed now.")
    deadline = camera_ready_deadline_for(workshop, camera)
    if deadline is not None and now > deadline:
        return DatedText("The camera-ready deadline passed on ", deadline, workshop.timezone,
                         ". Write to the chairs if you need an extension.")
    return None


def can_view_camera_ready(user, submission, *, manages_proceedings: bool) -> bool:
    return is_accepted(submission) and (is_author(user, submission) or manages_proceedings)


def can_view_camera_ready_recipients(user, submission, *, workshop) -> bool:
    """Camera-ready reminders go to every author of the submission, so how many
    they are and their addresses are its author list: shown (counted, addressed)
    only to who may see that list. An organizer sees the paper and its printed
    authors; under double blind not how many people submitted it, nor who."""
    return can_view_authors(user, submission, workshop=workshop)


def volume_prints_unconfirmed_authors(workshop) -> bool:
    """Until a paper's authors confirm the list printed in the volume, it would print the
    submission's authors. Under double blind the organizers who build and proof-read the
    volume may not see that list (`can_view_authors`), so the volume, its drafts, the program
    and the exports print "[authors not confirmed]" instead."""
    return workshop.anonymity != AnonymityMode.DOUBLE_BLIND


CAMERA_READY_MAIL = "author:camera-ready"


def can_watch_mail_batch(user, batch, *, manages_proceedings: bool) -> bool:
    """Who started a batch watches it go out, and so may whoever may start that kind of
    batch: the proceedings team its camera-ready reminders, the chairs the rest. Which of
    its mails count for them, and whom they went to: `can_count_batch_mail`,
    `can_view_batch_mail_recipient`."""
    if not getattr(user, "is_authenticated", False):
        return False
    if batch.created_by_id == user.pk:
        return True
    return manages_proceedings if batch.kind == MailBatchKind.CAMERA_READY else is_chair(user)


def can_count_batch_mail(user, mail, submission, *, manages_proceedings: bool) -> bool:
    """A mail counts on its batch's page for who may see it in the outbox (`can_view_mail`:
    conflicts apply) and, for a camera-ready reminder, for the proceedings team, who
    handle the paper it is about."""
    return can_view_mail(user, mail, submission) or (mail.kind == CAMERA_READY_MAIL and manages_proceedings)


def can_view_batch_mail_recipient(user, mail, submission, *, workshop) -> bool:
    """Whom a counted mail went to (and its delivery error, which may quote the address):
    a camera-ready reminder's recipients are the submission's authors, so
    `can_view_camera_ready_recipients` decides; otherwise `can_view_mail`."""
    if mail.kind == CAMERA_READY_MAIL and submission is not None:
        return can_view_camera_ready_recipients(user, submission, workshop=workshop)
    return can_view_mail(user, mail, submission)

