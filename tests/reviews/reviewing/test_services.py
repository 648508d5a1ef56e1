"""Reviews (drafts, submission, versions, the deadline, the release) and comments."""

import pytest

from reviews.models import Review, ReviewVersion
from reviews.reviewing.selectors import review_fields
from reviews.reviewing.services import comment_add, review_discard_changes, review_save
from tests.reviews.conftest import FULL_REVIEW, release_decision
from workshop.errors import Refused
from workshop.models import AOE, OutgoingMail
from workshop.phases import format_moment


@pytest.mark.django_db
def test_review_draft_then_stale_tab_is_refused(pc_world, workshop):
    people, paper = pc_world
    fields = review_fields()
    review = review_save(submission=paper, by=people["reviewer_before"], values={"summary": "First tab"},
                         expected_version=0, submit=False, workshop=workshop, fields=fields)

    with pytest.raises(Refused) as refused:
        review_save(submission=paper, by=people["reviewer_before"],
                    values={"summary": "Old tab"}, expected_version=0, submit=False, workshop=workshop,
                    fields=fields)

    assert "saved from another tab or window" in refused.value.message
    assert Review.objects.get(pk=review.pk).draft_values["summary"] == "First tab"


@pytest.mark.django_db
def test_review_submit_needs_the_required_fields(pc_world, workshop):
    people, paper = pc_world
    with pytest.raises(Refused) as refused:
        review_save(submission=paper, by=people["reviewer_before"], values={"overall_merit": "4"},
                    expected_version=0, submit=True, workshop=workshop, fields=review_fields())

    assert refused.value.message == ("Please fill in: Reviewer expertise, Threat model clarity and realism, "
                                     "Relevance to security, Reproducibility, Paper summary, Strengths, Weaknesses.")


@pytest.mark.django_db
def test_review_submitted_after_the_deadline_is_marked_late_and_versions_kept(pc_world, workshop):
    people, paper = pc_world
    from datetime import timedelta

    from django.utils import timezone

    workshop.review_deadline = timezone.now() - timedelta(hours=1)
    review = review_save(submission=paper, by=people["reviewer_before"], values=FULL_REVIEW,
                         expected_version=0, submit=True, workshop=workshop, fields=review_fields())
    review_save(submission=paper, by=people["reviewer_before"], values={**FULL_REVIEW, "overall_merit": "5"},
                expected_version=1, submit=True, workshop=workshop, fields=review_fields())

    assert review.is_late is True
    assert [v.values["overall_merit"] for v in ReviewVersion.objects.filter(review=review)] == ["5", "4"]


@pytest.mark.django_db
def test_review_with_an_invalid_score_is_refused(pc_world, workshop):
    people, paper = pc_world
    with pytest.raises(Refused) as refused:
        review_save(submission=paper, by=people["reviewer_before"], values={"overall_merit": "9"},
                    expected_version=0, submit=False, workshop=workshop, fields=review_fields())

    assert refused.value.message == '"9" is not a valid answer for Overall merit.'


@pytest.mark.django_db
def test_reviews_are_frozen_once_decisions_are_released(pc_world, workshop):
    people, paper = pc_world
    release_decision(paper)
    with pytest.raises(Refused) as refused:
        review_save(submission=paper, by=people["reviewer_after"], values=FULL_REVIEW,
                    expected_version=0, submit=False, workshop=workshop, fields=review_fields())

    released = format_moment(paper.decision_released_at, AOE)
    assert refused.value.message == (f"The decision on this paper was released on {released}; its reviews can no "
                                     "longer be changed.")


@pytest.mark.django_db
def test_comment_mails_only_reviewers_who_may_read_it(pc_world, workshop):
    people, paper = pc_world

    comment_add(submission=paper, by=people["chair"], body="Discuss?", chairs_only=False,
                workshop=workshop)

    assert list(OutgoingMail.objects.filter(kind="pc:comment").values_list("recipient", flat=True)) == [
        people["reviewer_after"].email
    ]


@pytest.mark.django_db
def test_comment_by_a_reviewer_who_cannot_see_reviews_is_refused(pc_world, workshop):
    people, paper = pc_world

    with pytest.raises(Refused):
        comment_add(submission=paper, by=people["reviewer_before"], body="Hi", chairs_only=False,
                    workshop=workshop)


@pytest.mark.django_db
def test_review_edits_of_a_submitted_review_stay_private_until_update(pc_world, workshop):
    people, paper = pc_world
    reviewer = people["reviewer_after"]
    review = Review.objects.get(reviewer=reviewer)

    review_save(submission=paper, by=reviewer, values={**FULL_REVIEW, "summary": "Half-typed"},
                expected_version=review.version, submit=False, workshop=workshop, fields=review_fields())

    review.refresh_from_db()
    assert (review.values["summary"], review.draft_values["summary"]) == ("Poisons detectors.", "Half-typed")
    assert ReviewVersion.objects.filter(review=review).count() == 0

    review_save(submission=paper, by=reviewer, values={**FULL_REVIEW, "summary": "Finished"},
                expected_version=review.version, submit=True, workshop=workshop, fields=review_fields())

    review.refresh_from_db()
    assert (review.values["summary"], review.draft_values) == ("Finished", None)
    assert ReviewVersion.objects.filter(review=review).count() == 1


@pytest.mark.django_db
def test_review_discard_changes_keeps_the_submitted_text(pc_world, workshop):
    people, paper = pc_world
    reviewer = people["reviewer_after"]
    review = review_save(submission=paper, by=reviewer, values={**FULL_REVIEW, "summary": "Oops"},
                         expected_version=0, submit=False, workshop=workshop, fields=review_fields())

    review_discard_changes(submission=paper, by=reviewer, expected_version=review.version,
                           workshop=workshop)

    review.refresh_from_db()
    assert (review.values["summary"], review.draft_values, review.working_values["summary"]) == (
        "Poisons detectors.", None, "Poisons detectors.")
