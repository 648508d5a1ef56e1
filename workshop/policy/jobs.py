"""Who may watch a job: whoever may start that kind of job. Only the person who started
it sees what it counted (how many pairs, how many papers): another chair may be
conflicted with some of them, so they see the share done and the state."""

from workshop.models import JobKind
from workshop.policy.committee import can_invite_pc
from workshop.policy.decisions import can_release_decisions, can_send_reminders, can_view_paper_table
from workshop.policy.proceedings import is_proceedings_team
from workshop.policy.roles import can_run_assignment

_STARTERS = {JobKind.ASSIGNMENT_APPLY: can_run_assignment, JobKind.DECISIONS_RELEASE: can_release_decisions,
             JobKind.PAPERS_DECIDE: can_view_paper_table, JobKind.PAPERS_TAG: can_view_paper_table,
             JobKind.AUTHORS_MESSAGE: can_release_decisions, JobKind.REVIEW_REMINDERS: can_send_reminders,
             # who may watch; starting them asks more (`manages_proceedings`: no conflicts, for organizers)
             JobKind.CAMERA_READY_REMINDERS: is_proceedings_team, JobKind.PC_INVITATIONS: can_invite_pc}


def can_view_job(user, job) -> bool:
    return getattr(user, "is_authenticated", False) and (
        job.created_by_id == user.pk or _STARTERS[job.kind](user))


def can_view_job_counts(user, job) -> bool:
    return getattr(user, "is_authenticated", False) and job.created_by_id == user.pk
