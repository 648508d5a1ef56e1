"""Writes of the program committee's work. One transaction each; mails queued
through the outbox inside it."""

from dataclasses import dataclass, field

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from reviews.models import (
    Assignment,
    Bid,
    Comment,
    Invitation,
    InvitationStatus,
    PcProfile,
    Preference,
    Review,
    ReviewField,
    ReviewStatus,
    ReviewVersion,
    TopicExpertise,
)
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from workshop import policy
from workshop.csvio import csv_rows
from workshop.errors import Refused
from workshop.mail import absolute_url, mail_queue_template
from workshop.models import RoleName, User, Workshop
from workshop.selectors import chairs, pc_members, role_names_of
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
        raise Refused("Bidding on this paper is closed or not open to you.")
    with transaction.atomic():
        bid, _ = Bid.objects.update_or_create(user=user, submission=submission,
                                              defaults={"preference": preference, "expertise": expertise})
        if preference == Preference.CONFLICT:
            conflict_set(submission=submission, user=user, reason=ConflictReason.OTHER, by=user,
                         source=ConflictSource.PC)
    return bid


# --- Assignments --------------------------------------------------------------------


def assignment_add(*, submission: Submission, reviewer: User, by: User) -> Assignment:
    if not policy.can_manage_assignments(by, submission):
        raise Refused("You cannot assign reviewers to this paper.")
    refusal = policy.assignment_refusal(submission=submission, reviewer=reviewer)
    if refusal:
        raise Refused(refusal)
    with transaction.atomic():
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(submission=submission, reviewer=reviewer, assigned_by=by)
        except IntegrityError:
            return Assignment.objects.get(submission=submission, reviewer=reviewer)
        mail_queue_template(
            to=reviewer.email, template="reviews/email/assignment", kind="pc:assignment", paper=submission.pk,
            related=assignment, context={"submission": submission, "reviewer": reviewer,
                                         "link": absolute_url(reverse("review_edit", args=[submission.pk]))},
        )
    return assignment


def assignment_remove(*, submission: Submission, reviewer: User, by: User) -> None:
    if not policy.can_manage_assignments(by, submission):
        raise Refused("You cannot change reviewers of this paper.")
    Assignment.objects.filter(submission=submission, reviewer=reviewer).delete()


@dataclass
class BulkRow:
    line: int
    paper: str
    email: str
    action: str
    error: str = ""
    submission: Submission | None = None
    reviewer: User | None = None


def assignments_preview(text: str, *, by: User) -> list[BulkRow]:
    """`paper,email,action` rows (action: assign or unassign), each checked."""
    raw = csv_rows(text)
    papers = {s.pk: s for s in Submission.objects.prefetch_related("authors", "conflicts")}
    people = {u.email.lower(): u for u in User.objects.all()}
    rows = []
    for index, (number, cells) in enumerate(raw):
        cells = [*cells, "", "", ""]
        if index == 0 and cells[0].lower() == "paper":
            continue
        row = BulkRow(line=number, paper=cells[0].lstrip("#"), email=cells[1].lower(),
                      action=(cells[2] or "assign").lower())
        submission = papers.get(int(row.paper)) if row.paper.isdigit() else None
        reviewer = people.get(row.email)
        if submission is None or not policy.can_manage_assignments(by, submission):
            row.error = f"There is no paper #{row.paper} you can manage."
        elif reviewer is None:
            row.error = f"No account uses {row.email or 'an empty address'}."
        elif row.action not in ("assign", "unassign"):
            row.error = f'Unknown action "{row.action}"; use assign or unassign.'
        elif row.action == "assign":
            row.error = policy.assignment_refusal(submission=submission, reviewer=reviewer) or ""
        row.submission, row.reviewer = submission, reviewer
        rows.append(row)
    return rows


@transaction.atomic
def assignments_apply(*, text: str, by: User) -> int:
    rows = assignments_preview(text, by=by)
    bad = next((r for r in rows if r.error), None)
    if bad:
        raise Refused(f"Nothing was changed: line {bad.line}: {bad.error}")
    for row in rows:
        if row.action == "assign":
            assignment_add(submission=row.submission, reviewer=row.reviewer, by=by)
        else:
            assignment_remove(submission=row.submission, reviewer=row.reviewer, by=by)
    return len(rows)


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
