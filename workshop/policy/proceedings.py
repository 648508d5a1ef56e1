"""Camera-ready versions, the proceedings, and who watches which batch of mail."""



from workshop.models import AnonymityMode, MailBatchKind, Phase
from workshop.phases import DatedText
from workshop.policy.outbox import can_view_mail
from workshop.policy.papers import can_view_authors, decision_released, is_author
from workshop.policy.roles import is_chair, is_organizer

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
