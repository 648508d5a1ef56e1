"""A closed review form says why and since when."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from tests.reviews.conftest import in_both_times
from tests.reviews.conftest import released as decision_released

pytestmark = pytest.mark.django_db


def test_the_review_form_after_the_review_deadline_says_the_review_is_late_but_open(client_for, pc_world, workshop):
    people, paper = pc_world
    workshop.review_deadline = timezone.now() - timedelta(hours=2)
    workshop.save()

    page = client_for(people["reviewer_before"]).get(reverse("review_edit", args=[paper.pk])).content.decode()
    submitted = client_for(people["reviewer_after"]).get(reverse("review_edit", args=[paper.pk])).content.decode()

    assert (f"The review deadline passed on {in_both_times(workshop.review_deadline)}; your review is late, but "
            "it still counts: please submit it as soon as you can.") in page
    assert 'name="submit"' in page
    assert "your review is late" not in submitted


def test_the_review_form_after_release_says_since_when_it_is_closed(client_for, pc_world):
    people, paper = pc_world
    released = decision_released(paper)

    page = client_for(people["reviewer_after"]).get(reverse("review_edit", args=[paper.pk])).content.decode()

    assert (f"The decision on this paper was released on {in_both_times(released.decision_released_at)}; its "
            "reviews can no longer be changed.") in page


def test_an_autosave_after_release_says_since_when_the_review_is_closed(client_for, pc_world):
    people, paper = pc_world
    released = decision_released(paper)
    review = Review.objects.get(reviewer=people["reviewer_after"])

    response = client_for(people["reviewer_after"]).post(reverse("review_edit", args=[paper.pk]), {
        "autosave": "1", "version": review.version, "summary": "More."}, HTTP_HX_REQUEST="true")

    assert (f'<span class="error">The decision on this paper was released on '
            f'{in_both_times(released.decision_released_at)}; its reviews can no longer be changed.</span>'
            ) in response.content.decode()
