"""Reads for deciding: the papers a chair may decide on, among those asked for."""

from collections.abc import Iterable

from submissions.models import Submission
from submissions.selectors import with_related
from workshop import policy


def papers_decidable_by(*, user, numbers: Iterable[int | None]) -> list[Submission]:
    """The papers of `numbers` that `user` may decide on (`policy.can_decide`), in numbered
    order, with what the bulk pages show (authors, the decision and the released one).
    Numbers that are missing, None, or of papers the user may not decide on are left out."""
    wanted = {n for n in numbers if n}
    papers = with_related(Submission.objects.filter(pk__in=wanted).select_related("outcome", "released_outcome"))
    return [p for p in papers.order_by("pk") if policy.can_decide(user, p)]
