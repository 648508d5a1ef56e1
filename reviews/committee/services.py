"""Invitations, PC profiles, conflicts and bids.

One transaction each; mails queued through the outbox inside it."""


from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from reviews.committee.selectors import conflict_suggestions
from reviews.models import (
    Assignment,
    Bid,
    Invitation,
    InvitationStatus,
    PcProfile,
    Preference,
    TopicExpertise,
)
from reviews.tasks import pc_invitations_task
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from workshop import policy
from workshop.csvio import csv_rows
from workshop.errors import Refused
from workshop.jobs import job_drive
from workshop.mail import absolute_url, mail_job_queue, mail_job_start, mail_queue_template, mail_render
from workshop.models import Job, JobKind, RoleName, User, Workshop
from workshop.selectors import pc_members, role_names_of, workshop_current
from workshop.services import roles_set

# --- Invitations --------------------------------------------------------------------


def _invitation_context(invitation: Invitation) -> dict:
    return {"invitation": invitation, "link": absolute_url(reverse("pc_invitation", args=[invitation.token]))}


def _send_invitation(invitation: Invitation) -> None:
    mail_queue_template(to=invitation.email, template="reviews/email/invitation", kind="pc:invitation",
                        related=invitation, context=_invitation_context(invitation))
    Invitation.objects.filter(pk=invitation.pk).update(sent_count=F("sent_count") + 1, sent_at=timezone.now())


@transaction.atomic
def invitation_create(*, email: str, name: str, affiliation: str, roles: list[str], by: User) -> Invitation:
    invitation = Invitation.objects.create(email=email.lower(), name=name, affiliation=affiliation,
                                           roles=sorted(set(roles)) or [RoleName.PC], invited_by=by)
    _send_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> None:
    """A fresh link (the old one dies with it), mailed again."""
    if invitation.status == InvitationStatus.ACCEPTED:
        raise Refused("This invitation was already accepted.")
    invitation.token = Invitation._meta.get_field("token").default()
    invitation.status, invitation.responded_at = InvitationStatus.PENDING, None
    invitation.save(update_fields=["token", "status", "responded_at"])
    _send_invitation(invitation)


INVITATION_DEAD = "This invitation link is not valid any more. Ask the chairs for a new one."


@transaction.atomic
def invitation_respond(*, token: str, user: User, accept: bool) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not policy.invitation_usable(invitation, now=timezone.now()):
        raise Refused(INVITATION_DEAD)
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    if accept:
        invitation.accepted_by = user
        roles_set(user=user, roles=set(role_names_of(user)) | set(invitation.roles), by=invitation.invited_by)
        PcProfile.objects.get_or_create(user=user)
        conflicts_detect(users=[user])
    invitation.save()
    return invitation


@dataclass
class InvitationRow:
    line: int
    name: str
    email: str
    affiliation: str
    roles: list[str]
    errors: list[str] = field(default_factory=list)
    note: str = ""


def invitations_preview(text: str) -> list[InvitationRow]:
    """Parse `name,email,affiliation,roles` (roles separated by ; or space)."""
    rows = []
    known = {r.email for r in pc_members()}
    pending = set(Invitation.objects.filter(status=InvitationStatus.PENDING).values_list("email", flat=True))
    seen: set[str] = set()
    for index, (number, cells) in enumerate(csv_rows(text)):
        if index == 0 and cells[0].lower() == "name":
            continue
        cells = [*cells, "", "", "", ""]
        name, email, affiliation, roles_text = cells[:4]
        roles = [r.lower() for r in roles_text.replace(";", " ").split()] or ["pc"]
        row = InvitationRow(line=number, name=name, email=email.lower(), affiliation=affiliation, roles=roles)
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(f'"{email}" is not an email address.')
        if not name:
            row.errors.append("The name is missing.")
        bad_roles = [r for r in roles if r not in RoleName.values]
        if bad_roles:
            row.errors.append(f"Unknown role {', '.join(bad_roles)}; use chair, pc or organizer.")
        if row.email in seen:
            row.errors.append("This address is listed twice.")
        seen.add(row.email)
        if row.email in known:
            row.note = "Already on the PC: an invitation will still be sent."
        elif row.email in pending:
            row.note = "Has a pending invitation: it will be sent again."
        rows.append(row)
    return rows


def invitations_apply(*, text: str, by: User) -> tuple[Job, bool]:
    """Queue an invitation for each line of the CSV, or refuse the whole file if one line is
    bad. The worker creates and mails them a batch a transaction."""
    rows = invitations_preview(text)
    bad = [r for r in rows if r.errors]
    if bad:
        raise Refused(f"Fix line {bad[0].line} first: {' '.join(bad[0].errors)}")
    if not rows:
        raise Refused("The file has no invitation in it.")
    params = {"rows": [[r.email, r.name, r.affiliation, sorted(set(r.roles))] for r in rows]}
    return mail_job_start(kind=JobKind.PC_INVITATIONS, scope=f"user:{by.pk}", by=by, task=pc_invitations_task,
                          label=f"Invitations to {len(rows)} {'people' if len(rows) > 1 else 'person'}", params=params)


def invitations_prepare(job: Job) -> int:
    job.result = {"unit": "invitations", "mails": 0}
    return len(job.params["rows"])


def invitations_batch(job: Job) -> int:
    chunk = job.params["rows"][job.done:job.done + settings.JOB_BATCH]
    now, workshop = timezone.now(), workshop_current()
    invitations = Invitation.objects.bulk_create(
        Invitation(email=email, name=name, affiliation=affiliation, roles=roles or [RoleName.PC],
                   invited_by=job.created_by, sent_count=1, sent_at=now)
        for email, name, affiliation, roles in chunk)
    mails = []
    for invitation in invitations:
        subject, body = mail_render("reviews/email/invitation", _invitation_context(invitation), workshop=workshop)
        mails.append({"to": invitation.email, "subject": subject, "body": body, "kind": "pc:invitation",
                      "related": invitation})
    mail_job_queue(job, mails)
    return len(chunk)


def invitations_run(job_id: int) -> None:
    job_drive(job_id, prepare=invitations_prepare, batch=invitations_batch)


# --- Profiles and conflicts ---------------------------------------------------------


@transaction.atomic
def pc_profile_save(*, user: User, research_statement: str, recent_papers: str, collaborators: str,
                    threat_terms: list, topic_levels: dict) -> PcProfile:
    profile, _ = PcProfile.objects.get_or_create(user=user)
    profile.research_statement = research_statement
    profile.recent_papers = recent_papers
    profile.collaborators = collaborators
    profile.save()
    profile.threat_expertise.set(threat_terms)
    TopicExpertise.objects.filter(user=user).delete()
    TopicExpertise.objects.bulk_create(
        TopicExpertise(user=user, topic=topic, level=level) for topic, level in topic_levels.items() if level
    )
    conflicts_detect(users=[user])
    return profile


def conflicts_detect(*, users=None, submissions=None) -> int:
    """Record the automatic matches as conflicts; the rest stay suggestions."""
    created = 0
    for found in conflict_suggestions(users=users, submissions=submissions):
        if found["automatic"]:
            _, made = Conflict.objects.get_or_create(
                submission=found["submission"], user=found["user"], source=ConflictSource.AUTOMATIC,
                defaults={"reason": found["reason"]},
            )
            created += made
    return created


def conflict_set(*, submission: Submission, user: User, reason: str, by: User, source=ConflictSource.CHAIR) -> None:
    if source == ConflictSource.CHAIR and not policy.can_manage_submission(by, submission):
        raise Refused("You cannot manage conflicts of this paper.")
    with transaction.atomic():
        Conflict.objects.update_or_create(submission=submission, user=user, source=source,
                                          defaults={"reason": reason, "waived_by": None})
        Assignment.objects.filter(submission=submission, reviewer=user).delete()


def conflict_waive(*, conflict: Conflict, by: User) -> None:
    if not policy.can_manage_submission(by, conflict.submission):
        raise Refused("You cannot manage conflicts of this paper.")
    Conflict.objects.filter(pk=conflict.pk).update(waived_by=by)


# --- Bids ---------------------------------------------------------------------------


def bid_set(*, user: User, submission: Submission, preference: str, expertise: int | None,
            workshop: Workshop) -> Bid | None:
    from workshop.phases import phase_at

    if not policy.can_bid(user, submission, phase=phase_at(workshop)):
        raise Refused(policy.bidding_closed(workshop, now=timezone.now())
                      or "Bidding on this paper is closed or not open to you.")
    with transaction.atomic():
        bid, _ = Bid.objects.update_or_create(user=user, submission=submission,
                                              defaults={"preference": preference, "expertise": expertise})
        if preference == Preference.CONFLICT:
            conflict_set(submission=submission, user=user, reason=ConflictReason.OTHER, by=user,
                         source=ConflictSource.PC)
    return bid
