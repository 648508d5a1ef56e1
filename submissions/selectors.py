"""Reads of submissions, already filtered by the policy."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from submissions.models import Conflict, ConflictSource, PdfKind, PdfVersion, Submission, Tag
from workshop import policy
from workshop.phases import phase_at


def with_related(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    return queryset.prefetch_related(
        "authors",
        "conflicts",
        "assignments",
        "reviews",
        "topics",
        "threat_terms",
        Prefetch(
            "pdf_versions",
            queryset=PdfVersion.objects.filter(kind=PdfKind.SUBMISSION).order_by("-uploaded_at", "-id"),
            to_attr="submission_pdfs",
        ),
    )


def submissions_of_author(*, user) -> list[Submission]:
    """The papers `user` registered or is listed on as an author."""
    ids = Submission.objects.filter(
        Q(created_by=user) | Q(authors__email__iexact=user.email)
    ).values("pk")
    papers = list(with_related(Submission.objects.filter(pk__in=ids).select_related("released_outcome"))
                  .order_by("pk"))
    for paper in papers:  # what the last release told them: before, and between releases, nothing differs
        paper.shown_outcome = paper.released_outcome if policy.decision_released(paper) else None
    return papers


def submission_visible_or_404(*, user, number: int, workshop) -> Submission:
    """The paper, if `user` may see it; otherwise the same 404 as a missing paper."""
    submission = with_related(Submission.objects.filter(pk=number)).first()
    if submission is None or not policy.can_view_submission(user, submission, phase=phase_at(workshop)):
        raise Http404("No such submission")
    return submission


def submissions_for_chair(*, user, topic: int | None = None, term: int | None = None,
                          status: str | None = None) -> list[Submission]:
    """Every paper, for the chair list. Rows the chair is conflicted with are
    marked `viewer_conflicted` and shown as a title only; a filter on what
    such a row hides (topic, threat model, status) leaves them out, or it
    would reveal what they hide."""
    queryset = with_related(Submission.objects.all()).order_by("pk")
    if topic or term or status:
        queryset = queryset.exclude(pk__in=conflicted_numbers(user=user))
    if topic:
        queryset = queryset.filter(topics__id=topic)
    if term:
        queryset = queryset.filter(threat_terms__id=term)
    rows = list(queryset.distinct())
    for row in rows:
        row.viewer_conflicted = policy.is_conflicted(user, row)
    if status:
        rows = [row for row in rows if row.status == status]
    return rows


def pdf_versions(*, submission: Submission) -> QuerySet[PdfVersion]:
    return submission.pdf_versions.order_by("kind", "-uploaded_at", "-id")


def conflicted_numbers(*, user) -> QuerySet:
    """Numbers of the papers `user` is conflicted with (authors included), as a subquery."""
    return Submission.objects.filter(policy.conflicted_submissions_q(user)).values("pk")


def conflicts_visible_to(*, user, submission) -> list | None:
    """The paper's conflicts with PC members, as `user` may see them: the ones
    the authors declared, for the authors; all of them, for a managing chair;
    None for everyone else."""
    conflicts = submission.conflicts.select_related("user").order_by("user__full_name")
    if policy.can_manage_submission(user, submission):
        return list(conflicts)
    if policy.is_author(user, submission):
        return list(conflicts.filter(source=ConflictSource.AUTHOR))
    return None


def decision_log(*, submission) -> list:
    return list(submission.decision_changes.select_related("by"))


def tags_of(*, submission) -> list[str]:
    return list(submission.tags.values_list("name", flat=True))


def has_conflicts(user) -> bool:
    """Whether the user has any recorded conflict that counts (cached on the user object)."""
    cached = getattr(user, "_workshop_has_conflicts", None)
    if cached is None:
        cached = Conflict.objects.filter(user=user, waived_by__isnull=True).exists()
        user._workshop_has_conflicts = cached
    return cached


def manages_proceedings(user) -> bool:
    """`policy.can_manage_proceedings` with the user's conflicts looked up."""
    return policy.is_proceedings_team(user) and policy.can_manage_proceedings(
        user, has_conflicts=has_conflicts(user))


def papers_tagged(*, numbers: list[int], tag: str) -> set[int]:
    """Which of the papers `numbers` carry `tag` (the caller may see their tags)."""
    return set(Tag.objects.filter(submission_id__in=numbers, name=tag).values_list("submission_id", flat=True))
