"""Issue 17, item 11c: naming a discussion lead refuses anything but one of the
paper's possible leads, clearly, and changes nothing; the lead's name follows
the reviewer-name rule."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import MetaReview

pytestmark = pytest.mark.django_db


def _name(client, paper, value):
    data = {} if value is None else {"lead": value}
    return client.post(reverse("lead_set", args=[paper.pk]), data, follow=True).content.decode()


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "0", " ", None])
@pytest.mark.parametrize("already_led", [False, True])
def test_a_lead_that_is_no_person_is_refused_and_changes_nothing(client_for, pc_world, value, already_led):
    people, paper = pc_world
    if already_led:
        services.lead_set(submission=paper, lead=people["reviewer_after"], by=people["chair"])
    before = list(MetaReview.objects.values_list("submission_id", "lead_id"))

    page = _name(client_for(people["chair"]), paper, value)

    assert f"Choose the discussion lead of #{paper.pk} from its reviewers in the list. Nothing changed." in page
    assert list(MetaReview.objects.values_list("submission_id", "lead_id")) == before


@pytest.mark.parametrize(("persona", "reason"), [
    ("author", "Author does not review"), ("unassigned_pc", "Unassigned Pc does not review"),
    ("conflicted_pc", "Conflicted Pc does not review"), ("organizer", "Organizer does not review")])
def test_a_person_who_cannot_lead_is_refused_by_name_and_nothing_is_created(client_for, pc_world, persona, reason):
    people, paper = pc_world

    page = _name(client_for(people["chair"]), paper, str(people[persona].pk))

    assert f"{reason} #{paper.pk}. Nothing changed." in page
    assert MetaReview.objects.count() == 0


def test_nobody_where_nobody_leads_writes_no_meta_review_row(client_for, pc_world):
    people, paper = pc_world

    page = _name(client_for(people["chair"]), paper, "")

    assert "No discussion lead." in page
    assert MetaReview.objects.count() == 0


def test_nobody_clears_a_lead(client_for, pc_world):
    people, paper = pc_world
    services.lead_set(submission=paper, lead=people["reviewer_after"], by=people["chair"])

    _name(client_for(people["chair"]), paper, "")

    assert list(MetaReview.objects.values_list("lead_id", flat=True)) == [None]


@pytest.mark.parametrize(("names", "shown"), [("never", False), ("always", True), ("after_own", True)])
def test_the_leads_name_follows_the_reviewer_name_rule(client_for, pc_world, workshop, names, shown):
    people, paper = pc_world
    workshop.reviewer_names_to_pc, workshop.reviews_visible_to_pc = names, "always"
    workshop.save()
    services.lead_set(submission=paper, lead=people["reviewer_before"], by=people["chair"])
    url = reverse("submission_detail", args=[paper.pk])

    other_reviewer = client_for(people["reviewer_after"]).get(url).content.decode()
    lead = client_for(people["reviewer_before"]).get(url).content.decode()
    chair = client_for(people["chair"]).get(url).content.decode()

    assert ("Discussion lead: <strong>Reviewer Before</strong>" in other_reviewer) is shown
    assert "Reviewer Before" not in other_reviewer or shown
    assert "<strong>You lead the discussion</strong> of this paper." in lead
    assert f'<option value="{people["reviewer_before"].pk}" selected>Reviewer Before</option>' in chair
