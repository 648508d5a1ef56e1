"""Reads of the discussion: the meta-review (and its lead), the authors' response,
and who may lead."""

from reviews.models import AuthorResponse, MetaReview
from workshop import policy
from workshop.models import User


def meta_review_of(*, submission) -> MetaReview | None:
    return MetaReview.objects.select_related("lead").filter(submission=submission).first()


def response_of(*, submission) -> AuthorResponse | None:
    return AuthorResponse.objects.filter(submission=submission).first()


def lead_choices(*, submission) -> list[User]:
    """The paper's reviewers who could lead its discussion."""
    return [a.reviewer for a in submission.assignments.select_related("reviewer").order_by("reviewer__full_name")
            if policy.lead_refusal(submission=submission, lead=a.reviewer) is None]
