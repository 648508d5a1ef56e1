"""Invitations, PC profiles, conflicts and bids.

One transaction each; mails queued through the outbox inside it."""


from dataclasses import dataclass, field

from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from reviews.models import (
    Assignment,
    Bid,
    Invitation,
    InvitationStatus,
    PcProfile,
    Preference,
    TopicExpertise,
)
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from workshop import policy
from workshop.csvio import csv_rows
from workshop.errors import Refused
from workshop.mail import absolute_url, mail_queue_template
from workshop.models import RoleName, User, Workshop
from workshop.selectors import pc_members, role_names_of
from workshop.services import roles_set

# --- Invitations --------------------------------------------------------------------


def _send_invitation(invitation: Invitation) -> None:
    mail_queue_template(
        to=invitation.email, template="reviews/email/invitation", kind="pc:invitation", related=invitation,
        context={"invitation": invitation, "link": absolute_url(reverse("pc_invitation", args=[invitation.token]))},
    )
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
        except Exception:  # noqa: BLE001 - Django's ValidationError; any failure is a bad address
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


@transaction.atomic
def invitations_apply(*, text: str, by: User) -> int:
    rows = invitations_preview(text)
    bad = [r for r in rows if r.errors]
    if bad:
        raise Refused(f"Fix line {bad[0].line} first: {' '.join(bad[0].errors)}")
    for row in rows:
        invitation_create(email=row.email, name=row.name, affiliation=row.affiliation, roles=row.roles, by=by)
    return len(rows)


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


# Sharing one of these says nothing about an institution.
PUBLIC_MAIL_DOMAINS = {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
                       "icloud.com", "me.com", "proton.me", "protonmail.com", "qq.com", "163.com", "126.com",
                       "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru", "aol.com", "fastmail.com"}


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def _verified_domains(member: User) -> set[str]:
    """Institution domains the member has proven they belong to: those of
    their verified addresses. Typed-in domains prove nothing (anyone can type
    a rival's domain to see which papers vanish), so they only suggest."""
    return {_domain(a.email) for a in member.emailaddress_set.all() if a.verified} - PUBLIC_MAIL_DOMAINS


def conflict_suggestions(*, users=None, submissions=None) -> list[dict]:
    """Possible conflicts found from data, each marked `automatic` or not.

    Automatic (recorded at once): an author writes from the domain of one of
    the PC member's verified email addresses. Suggestions for a chair to
    confirm: a domain the member typed in their profile, or an author among
    their listed collaborators."""
    pc = pc_members().prefetch_related("emailaddress_set").select_related("pc_profile")
    if users is not None:
        pc = pc.filter(pk__in=[u.pk for u in users])
    papers = Submission.objects.prefetch_related("authors", "conflicts")
    if submissions is not None:
        papers = papers.filter(pk__in=[s.pk for s in submissions])
    papers = list(papers)
    found = []
    for member in pc:
        verified = _verified_domains(member)
        typed = set(member.domain_list) - verified - PUBLIC_MAIL_DOMAINS
        profile = getattr(member, "pc_profile", None)
        collaborators = [line.strip().lower() for line in (profile.collaborators if profile else "").splitlines()
                         if line.strip()]
        for paper in papers:
            if policy.conflict_settled(member, paper):
                continue
            match = _paper_match(paper, verified, typed, collaborators)
            if match is not None:
                found.append({"user": member, "submission": paper, **match})
    return found


def _paper_match(paper: Submission, verified: set[str], typed: set[str], collaborators: list[str]) -> dict | None:
    for author in paper.authors.all():
        domain = _domain(author.email)
        if domain in verified:
            return {"reason": ConflictReason.INSTITUTION, "automatic": True,
                    "why": f"{author.name} writes from @{domain}, the domain of their verified address"}
    for author in paper.authors.all():
        domain = _domain(author.email)
        if domain in typed:
            return {"reason": ConflictReason.INSTITUTION, "automatic": False,
                    "why": f"{author.name} writes from @{domain}, a domain in their profile"}
        if any(author.email.lower() in c or author.name.lower() in c for c in collaborators):
            return {"reason": ConflictReason.COAUTHOR, "automatic": False,
                    "why": f"{author.name} is in their collaborator list"}
    return None


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
