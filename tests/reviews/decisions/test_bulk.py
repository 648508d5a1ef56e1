"""Issue 18, item 1: no bulk action changes a decision by default, unconfirmed, or a released one
without its own tick; what authors see changes only through a release."""


import pytest
from django.urls import reverse

from reviews.decisions.services import decision_record
from submissions.models import DecisionChange, Outcome, Submission, Tag
from tests.factories import SubmissionFactory
from tests.reviews.conftest import release_now
from workshop.models import OutgoingMail

pytestmark = pytest.mark.django_db


def _outcome(name):
    return Outcome.objects.get(name=name)


@pytest.fixture
def released(pc_world):
    """#paper accepted (poster) and released; `other` undecided."""
    people, paper = pc_world
    decision_record(submission=paper, outcome=_outcome("Accept (poster)"), by=people["chair"])
    release_now(by=people["chair"])
    return people, Submission.objects.get(pk=paper.pk), SubmissionFactory(title="An undecided paper")


def _bulk(client, **data):
    return client.post(reverse("paper_table_bulk"), data, follow=True)


def test_the_bulk_form_has_no_default_action_and_no_default_decision(client_for, released):
    people, _paper, _other = released

    page = client_for(people["chair"]).get(reverse("paper_table")).content.decode()

    assert '<select id="bulk-action" name="action"><option value="">Choose an action…</option>' in page
    assert '<select id="bulk-outcome" name="outcome"><option value="">Choose a decision…</option>' in page
    assert "No decision (clear it)" not in page


def test_applying_the_defaults_changes_nothing(client_for, released):
    people, paper, other = released

    response = _bulk(client_for(people["chair"]), papers=[paper.pk, other.pk], action="", outcome="")

    assert "Choose an action to apply to the selected papers." in response.content.decode()
    assert Submission.objects.get(pk=paper.pk).outcome.name == "Accept (poster)"
    assert DecisionChange.objects.count() == 1


def test_decide_shows_what_changes_and_which_were_released_before_anything_changes(client_for, released):
    people, paper, other = released

    page = _bulk(client_for(people["chair"]), papers=[paper.pk, other.pk], action="decide",
                 outcome=_outcome("Reject").pk).content.decode()

    assert "Confirm before anything changes" in page
    assert "Give the decision <strong>Reject</strong> to\n      2 of the 2 selected papers" in page
    assert "1 released decision would change" in page
    assert f"#{paper.pk}: the authors were told\n        “Accept (poster)”" in page
    assert 'name="change_released" value="yes" required' in page
    assert Submission.objects.get(pk=paper.pk).outcome.name == "Accept (poster)"  # nothing yet
    assert Submission.objects.get(pk=other.pk).outcome is None


def test_confirmed_without_the_released_tick_changes_nothing(client_for, released):
    people, paper, other = released

    page = _bulk(client_for(people["chair"]), papers=[paper.pk, other.pk], action="decide",
                 outcome=_outcome("Reject").pk, confirm="yes").content.decode()

    assert f"Nothing changed: #{paper.pk} has a released decision." in page
    assert Submission.objects.get(pk=other.pk).outcome is None  # one transaction: nothing at all


def test_changing_a_released_decision_keeps_what_the_authors_see_until_the_next_release(client_for, released):
    people, paper, other = released
    client = client_for(people["chair"])

    _bulk(client, papers=[paper.pk, other.pk], action="decide", outcome=_outcome("Reject").pk, confirm="yes",
          change_released="yes", note="Second thoughts")

    paper = Submission.objects.get(pk=paper.pk)
    assert (paper.outcome.name, paper.released_outcome.name) == ("Reject", "Accept (poster)")
    dashboard = client_for(people["author"]).get(reverse("submissions_dashboard")).content.decode()
    detail = client_for(people["author"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    assert "Accept (poster)" in dashboard and "Reject" not in dashboard
    assert "Accept (poster)" in detail and ">Reject<" not in detail
    camera = client_for(people["author"]).get(reverse("camera_ready", args=[paper.pk]))
    assert camera.status_code == 200  # still accepted, as the authors were told
    assert not OutgoingMail.objects.filter(kind="decision:changed").exists()


def test_clearing_is_its_own_choice_and_says_nothing_goes_out(client_for, released):
    people, paper, _other = released

    page = _bulk(client_for(people["chair"]), papers=[paper.pk], action="decide",
                 outcome="clear").content.decode()

    assert "<strong>Clear the decision</strong> of\n      1 of the 1 selected paper" in page
    assert "a cleared decision sends nothing until you decide the paper again" in page


def test_tags_are_confirmed_too_and_counted_as_they_change(client_for, released):
    people, paper, other = released
    Tag.objects.create(submission=paper, name="discuss")
    client = client_for(people["chair"])

    page = _bulk(client, papers=[paper.pk, other.pk], action="tag", tag="discuss").content.decode()
    done = _bulk(client, papers=[paper.pk, other.pk], action="tag", tag="discuss", confirm="yes").content.decode()

    assert f"Add <strong>#discuss</strong> to 1 of the 2 selected papers (the others already have it): #{other.pk}." \
        in page
    assert "#discuss added to 1 paper." in done
    assert Tag.objects.filter(name="discuss").count() == 2


def test_the_paper_page_changes_a_released_decision_only_with_its_tick(client_for, released):
    people, paper, _other = released
    client = client_for(people["chair"])
    url = reverse("decision_set", args=[paper.pk])

    refused = client.post(url, {"outcome": _outcome("Reject").pk}, follow=True).content.decode()
    assert "has a released decision" in refused
    assert Submission.objects.get(pk=paper.pk).outcome.name == "Accept (poster)"

    client.post(url, {"outcome": _outcome("Reject").pk, "change_released": "yes"})
    assert Submission.objects.get(pk=paper.pk).outcome.name == "Reject"


def test_a_bulk_next_link_cannot_leave_the_paper_table(client_for, released):
    people, paper, _other = released

    page = _bulk(client_for(people["chair"]), papers=[paper.pk], action="tag", tag="x",
                 next="javascript:alert(1)").content.decode()

    assert "javascript:" not in page


def _accept():
    return Outcome.objects.get(name="Accept (poster)")


@pytest.mark.django_db
def test_bulk_decide_and_tag_from_the_table(client_for, pc_world):
    people, paper = pc_world
    other = SubmissionFactory()
    client = client_for(people["chair"])

    client.post(reverse("paper_table_bulk"), {"papers": [paper.pk, other.pk], "action": "decide",
                                              "outcome": _accept().pk, "note": "PC meeting", "confirm": "yes"})
    client.post(reverse("paper_table_bulk"), {"papers": [paper.pk], "action": "tag", "tag": "Discuss",
                                              "confirm": "yes"})
    refused = client.post(reverse("paper_table_bulk"), {"papers": [], "action": "decide"}, follow=True)

    assert set(Submission.objects.values_list("outcome__name", flat=True)) == {"Accept (poster)"}
    assert DecisionChange.objects.filter(note="PC meeting").count() == 2
    assert list(Tag.objects.values_list("name", flat=True)) == ["discuss"]
    assert "Select at least one paper first" in refused.content.decode()
