"""The discussion's pages: the lead, the meta-review and the authors' response.

Issue 17, item 11c: naming a discussion lead refuses anything but one of the
paper's possible leads, clearly, and changes nothing; the lead's name follows
the reviewer-name rule."""

import pytest
from django.urls import reverse

from reviews.discussion.services import lead_set
from reviews.models import AuthorResponse, MetaReview
from workshop.errors import Refused
from workshop.models import OutgoingMail

pytestmark = pytest.mark.django_db


def _name(client, paper, value):
    data = {} if value is None else {"lead": value}
    return client.post(reverse("lead_set", args=[paper.pk]), data, follow=True).content.decode()


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "0", " ", None])
@pytest.mark.parametrize("already_led", [False, True])
def test_a_lead_that_is_no_person_is_refused_and_changes_nothing(client_for, pc_world, value, already_led):
    people, paper = pc_world
    if already_led:
        lead_set(submission=paper, lead=people["reviewer_after"], by=people["chair"])
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
    lead_set(submission=paper, lead=people["reviewer_after"], by=people["chair"])

    _name(client_for(people["chair"]), paper, "")

    assert list(MetaReview.objects.values_list("lead_id", flat=True)) == [None]


@pytest.mark.parametrize(("names", "shown"), [("never", False), ("always", True), ("after_own", True)])
def test_the_leads_name_follows_the_reviewer_name_rule(client_for, pc_world, workshop, names, shown):
    people, paper = pc_world
    workshop.reviewer_names_to_pc, workshop.reviews_visible_to_pc = names, "always"
    workshop.save()
    lead_set(submission=paper, lead=people["reviewer_before"], by=people["chair"])
    url = reverse("submission_detail", args=[paper.pk])

    other_reviewer = client_for(people["reviewer_after"]).get(url).content.decode()
    lead = client_for(people["reviewer_before"]).get(url).content.decode()
    chair = client_for(people["chair"]).get(url).content.decode()

    assert ("Discussion lead: <strong>Reviewer Before</strong>" in other_reviewer) is shown
    assert "Reviewer Before" not in other_reviewer or shown
    assert "<strong>You lead the discussion</strong> of this paper." in lead
    assert f'<option value="{people["reviewer_before"].pk}" selected>Reviewer Before</option>' in chair


@pytest.mark.django_db
def test_response_is_limited_mailed_once_and_shown_to_reviewers(client_for, pc_world, response_window):
    people, paper = pc_world
    client = client_for(people["author"])
    url = reverse("author_response", args=[paper.pk])

    page = client.get(url).content.decode()
    too_long = client.post(url, {"text": "word " * 11}).content.decode()
    client.post(url, {"text": "We thank the reviewers."})
    client.post(url, {"text": "We thank the reviewers warmly."})
    reviewer_page = client_for(people["reviewer_after"]).get(reverse("submission_detail", args=[paper.pk]))

    assert "Poisons detectors." in page and people["reviewer_after"].full_name not in page
    assert "The response has 11 words; the limit is 10." in too_long
    assert AuthorResponse.objects.get().text == "We thank the reviewers warmly."
    assert OutgoingMail.objects.filter(kind="pc:response", recipient=people["reviewer_after"].email).count() == 1
    assert "We thank the reviewers warmly." in reviewer_page.content.decode()


@pytest.mark.django_db
def test_without_a_response_window_nothing_of_it_shows(client_for, pc_world, workshop):
    people, paper = pc_world
    workshop.response_opens = workshop.response_closes = None
    workshop.save()

    page = client_for(people["author"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()

    assert "response" not in page.lower()
    assert client_for(people["author"]).get(reverse("author_response", args=[paper.pk])).status_code == 404


@pytest.mark.django_db
def test_lead_is_an_unconflicted_reviewer_and_writes_the_meta_review(client_for, pc_world):
    people, paper = pc_world

    with pytest.raises(Refused):
        lead_set(submission=paper, lead=people["conflicted_pc"], by=people["chair"])
    lead_set(submission=paper, lead=people["reviewer_after"], by=people["chair"])
    client_for(people["reviewer_after"]).post(reverse("meta_review", args=[paper.pk]),
                                              {"author_text": "For you.", "pc_text": "Between us."})
    author_before = client_for(people["author"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()

    assert MetaReview.objects.get().written_by == people["reviewer_after"]
    assert client_for(people["reviewer_before"]).get(reverse("meta_review", args=[paper.pk])).status_code == 404
    assert "For you." not in author_before and "Between us." not in author_before
