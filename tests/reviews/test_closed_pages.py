"""Pages that close when a phase ends say why and since when, to whoever used
them until then; people who never could reach them still get the 404 of a
missing page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Review
from submissions.models import Submission
from tests.reviews.conftest import release_decision
from workshop.models import AOE
from workshop.phases import format_moment

pytestmark = pytest.mark.django_db


def _released(paper) -> Submission:
    release_decision(paper)
    return Submission.objects.get(pk=paper.pk)


def _in_both_times(when) -> str:
    return (f'<span class="dated">{format_moment(when, AOE)} <time datetime="{when.isoformat()}" '
            'data-local-time="short"></time></span>')


@pytest.mark.parametrize("persona", ["chair", "lead"])
def test_the_meta_review_after_release_says_why_it_is_closed_to_who_could_write_it(client_for, pc_world, persona):
    people, paper = pc_world
    services.lead_set(submission=paper, lead=people["reviewer_after"], by=people["chair"])
    services.meta_review_save(submission=paper, by=people["chair"], author_text="Add a baseline.", pc_text="")
    released = _released(paper)
    who = people["chair"] if persona == "chair" else people["reviewer_after"]

    response = client_for(who).get(reverse("meta_review", args=[paper.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert (f"The decision on this paper was released on {_in_both_times(released.decision_released_at)}; its "
            "meta-review can no longer be changed.") in page
    assert "Add a baseline." in page and "<form method=\"post\" class=\"form\">" not in page


@pytest.mark.parametrize("persona", ["reviewer_before", "unassigned_pc", "conflicted_chair", "author", "organizer"])
def test_the_meta_review_after_release_stays_missing_for_who_never_could_write_it(client_for, pc_world, persona):
    people, paper = pc_world
    services.lead_set(submission=paper, lead=people["reviewer_after"], by=people["chair"])
    _released(paper)
    client = client_for(people[persona])

    closed = client.get(reverse("meta_review", args=[paper.pk]))
    missing = client.get(reverse("meta_review", args=[paper.pk + 999]))

    assert closed.status_code == missing.status_code == 404


def test_the_review_form_after_the_review_deadline_says_the_review_is_late_but_open(client_for, pc_world, workshop):
    people, paper = pc_world
    workshop.review_deadline = timezone.now() - timedelta(hours=2)
    workshop.save()

    page = client_for(people["reviewer_before"]).get(reverse("review_edit", args=[paper.pk])).content.decode()
    submitted = client_for(people["reviewer_after"]).get(reverse("review_edit", args=[paper.pk])).content.decode()

    assert (f"The review deadline passed on {_in_both_times(workshop.review_deadline)}; your review is late, but "
            "it still counts: please submit it as soon as you can.") in page
    assert 'name="submit"' in page
    assert "your review is late" not in submitted


def test_the_review_form_after_release_says_since_when_it_is_closed(client_for, pc_world):
    people, paper = pc_world
    released = _released(paper)

    page = client_for(people["reviewer_after"]).get(reverse("review_edit", args=[paper.pk])).content.decode()

    assert (f"The decision on this paper was released on {_in_both_times(released.decision_released_at)}; its "
            "reviews can no longer be changed.") in page


def test_an_autosave_after_release_says_since_when_the_review_is_closed(client_for, pc_world):
    people, paper = pc_world
    released = _released(paper)
    review = Review.objects.get(reviewer=people["reviewer_after"])

    response = client_for(people["reviewer_after"]).post(reverse("review_edit", args=[paper.pk]), {
        "autosave": "1", "version": review.version, "summary": "More."}, HTTP_HX_REQUEST="true")

    assert (f'<span class="error">The decision on this paper was released on '
            f'{_in_both_times(released.decision_released_at)}; its reviews can no longer be changed.</span>'
            ) in response.content.decode()


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

    assert expected.format(opens=_in_both_times(workshop.response_opens),
                           closes=_in_both_times(workshop.response_closes)) in page


def test_the_response_page_after_release_says_since_when(client_for, pc_world, workshop):
    people, paper = pc_world
    now = timezone.now()
    workshop.response_opens, workshop.response_closes = now - timedelta(days=1), now + timedelta(days=3)
    workshop.save()
    released = _released(paper)

    page = client_for(people["author"]).get(reverse("author_response", args=[paper.pk])).content.decode()

    assert (f"The decision on this paper was released on {_in_both_times(released.decision_released_at)}; the "
            "response period for it is over.") in page


def test_the_response_page_stays_missing_for_the_pc_after_the_window(client_for, pc_world, workshop):
    people, paper = pc_world
    now = timezone.now()
    workshop.response_opens, workshop.response_closes = now - timedelta(days=5), now - timedelta(days=1)
    workshop.save()

    closed = client_for(people["reviewer_after"]).get(reverse("author_response", args=[paper.pk]))

    assert closed.status_code == 404
