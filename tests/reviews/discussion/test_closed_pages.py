"""Closed meta-review and response pages say why and since when."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.discussion.services import lead_set, meta_review_save
from tests.reviews.conftest import in_both_times
from tests.reviews.conftest import released as decision_released

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["chair", "lead"])
def test_the_meta_review_after_release_says_why_it_is_closed_to_who_could_write_it(client_for, pc_world, persona):
    people, paper = pc_world
    lead_set(submission=paper, lead=people["reviewer_after"], by=people["chair"])
    meta_review_save(submission=paper, by=people["chair"], author_text="Add a baseline.", pc_text="")
    released = decision_released(paper)
    who = people["chair"] if persona == "chair" else people["reviewer_after"]

    response = client_for(who).get(reverse("meta_review", args=[paper.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert (f"The decision on this paper was released on {in_both_times(released.decision_released_at)}; its "
            "meta-review can no longer be changed.") in page
    assert "Add a baseline." in page and "<form method=\"post\" class=\"form\">" not in page


@pytest.mark.parametrize("persona", ["reviewer_before", "unassigned_pc", "conflicted_chair", "author", "organizer"])
def test_the_meta_review_after_release_stays_missing_for_who_never_could_write_it(client_for, pc_world, persona):
    people, paper = pc_world
    lead_set(submission=paper, lead=people["reviewer_after"], by=people["chair"])
    decision_released(paper)
    client = client_for(people[persona])

    closed = client.get(reverse("meta_review", args=[paper.pk]))
    missing = client.get(reverse("meta_review", args=[paper.pk + 999]))

    assert closed.status_code == missing.status_code == 404


@pytest.mark.parametrize(("opens", "closes", "expected"), [
    (-5, -1, "The author response period closed on {closes}."),
    (2, 6, "The author response period opens on {opens}."),
])
def test_the_response_page_outside_the_window_says_when_it_was_or_will_be_open(
    client_for, pc_world, workshop, opens, closes, expected,
):
    people, paper = pc_world
    now = timezone.now()
    workshop.response_opens, workshop.response_closes = now + timedelta(days=opens), now + timedelta(days=closes)
    workshop.save()

    page = client_for(people["author"]).get(reverse("author_response", args=[paper.pk])).content.decode()

    assert expected.format(opens=in_both_times(workshop.response_opens),
                           closes=in_both_times(workshop.response_closes)) in page


def test_the_response_page_after_release_says_since_when(client_for, pc_world, workshop):
    people, paper = pc_world
    now = timezone.now()
    workshop.response_opens, workshop.response_closes = now - timedelta(days=1), now + timedelta(days=3)
    workshop.save()
    released = decision_released(paper)

    page = client_for(people["author"]).get(reverse("author_response", args=[paper.pk])).content.decode()

    assert (f"The decision on this paper was released on {in_both_times(released.decision_released_at)}; the "
            "response period for it is over.") in page


def test_the_response_page_stays_missing_for_the_pc_after_the_window(client_for, pc_world, workshop):
    people, paper = pc_world
    now = timezone.now()
    workshop.response_opens, workshop.response_closes = now - timedelta(days=5), now - timedelta(days=1)
    workshop.save()

    closed = client_for(people["reviewer_after"]).get(reverse("author_response", args=[paper.pk]))

    assert closed.status_code == 404
