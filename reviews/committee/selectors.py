"""Reads of the program committee: what a PC member bids on and reviews, their
profile, the invitations, and the conflicts (recorded, and found from data)."""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from reviews.assignments.selectors import chair_assignment_rows
from reviews.models import Bid, Invitation, PcProfile, Review, TopicExpertise
from submissions.models import Conflict, ConflictReason, Submission
from submissions.selectors import conflicted_numbers
from workshop import policy
from workshop.models import User
from workshop.phases import phase_at
from workshop.selectors import pc_members


def bidding_papers(*, user, workshop, topic: int | None = None, term: int | None = None) -> QuerySet[Submission]:
    """The papers `user` may bid on (`policy.can_bid` as a query), each with
    `.match` (the sum of the user's expertise levels in its topics), best match
    first: a query, so the page is cut in the database and conflicted papers
    neither appear nor count."""
    if not policy.bids_open_for(user, phase=phase_at(workshop)):
        return Submission.objects.none()
    queryset = Submission.objects.filter(withdrawn_at__isnull=True).exclude(pk__in=conflicted_numbers(user=user))
    if topic:
        queryset = queryset.filter(pk__in=Submission.topics.through.objects.filter(topic_id=topic)
                                   .values("submission_id"))
    if term:
        queryset = queryset.filter(pk__in=Submission.threat_terms.through.objects.filter(vocabularyterm_id=term)
                                   .values("submission_id"))
    match = (TopicExpertise.objects.filter(user=user, topic__submissions=OuterRef("pk"))
             .values("user").annotate(total=Sum("level")).values("total"))
    return queryset.annotate(match=Coalesce(Subquery(match), 0)).order_by("-match", "pk")


def bidding_rows(*, user, papers) -> list[Submission]:
    """A page of `bidding_papers` with what the bidding page shows: topics,
    threat terms and the user's own bid as `.my_bid` (or None)."""
    rows = list(papers.prefetch_related(
        "topics", "threat_terms", Prefetch("bids", queryset=Bid.objects.filter(user=user), to_attr="my_bids")))
    for row in rows:
        row.my_bid = row.my_bids[0] if row.my_bids else None
    return rows


def assignments_of(*, user) -> QuerySet[Submission]:
    """The papers `user` reviews, in number order, for paging: `policy.can_review` as a filter
    (a PC member, assigned, not conflicted, not withdrawn), kept beside the rows below."""
    if not policy.is_pc_member(user):
        return Submission.objects.none()
    return (Submission.objects.filter(assignments__reviewer=user, withdrawn_at__isnull=True)
            .exclude(pk__in=conflicted_numbers(user=user)).order_by("pk"))


def assignment_rows(*, user, papers) -> list[Submission]:
    """A page of `assignments_of`, each paper with `.my_review` (or None), read for its rows only."""
    rows = list(Submission.objects.filter(pk__in=[p.pk for p in papers]).order_by("pk").prefetch_related(
        Prefetch("reviews", queryset=Review.objects.filter(reviewer=user), to_attr="mine")))
    for row in rows:
        row.my_review = row.mine[0] if row.mine else None
    return rows


def pc_profile_initial(*, user) -> dict:
    """The PC profile form's data: the profile's texts, a level per topic and the
    threat-model terms by kind. Opening the page creates no profile (saving does)."""
    profile = PcProfile.objects.filter(user=user).prefetch_related("threat_expertise").first()
    initial = {"research_statement": profile.research_statement, "recent_papers": profile.recent_papers,
               "collaborators": profile.collaborators} if profile else {}
    for expertise in TopicExpertise.objects.filter(user=user):
        initial[f"topic_{expertise.topic_id}"] = expertise.level
    for term in profile.threat_expertise.all() if profile else ():
        initial.setdefault(f"terms_{term.kind}", []).append(term.pk)
    return initial


def invitations_list() -> list[Invitation]:
    return list(Invitation.objects.select_related("accepted_by").order_by("-created_at"))


def conflicts_list() -> list[Conflict]:
    return list(Conflict.objects.select_related("submission", "user", "waived_by").order_by("submission_id"))


def conflicts_managed_by(*, user) -> tuple[list[Conflict], list[dict]]:
    """(the recorded conflicts, the suggestions a chair should confirm) of the papers
    `user` manages: a paper the chair is conflicted with shows neither."""
    managed = {s.pk for s in chair_assignment_rows(user=user) if not s.viewer_conflicted}
    return ([c for c in conflicts_list() if c.submission_id in managed],
            [s for s in conflict_suggestions() if s["submission"].pk in managed and not s["automatic"]])


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
