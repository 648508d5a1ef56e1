"""Issue 18, item 1: no bulk action changes a decision by default, unconfirmed, or a released one
without its own tick; what authors see changes only through a release."""


import pytest
from django.test import TestCase
from django.urls import reverse

from reviews.decisions.bulk import bulk_batch, bulk_decide_start, bulk_prepare, bulk_run, bulk_tag_start
from reviews.decisions.services import decision_record
from submissions.models import DecisionChange, Outcome, Submission, Tag
from tests.factories import SubmissionFactory
from tests.reviews.conftest import release_now
from workshop.models import Job, JobKind, OutgoingMail

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
    """The bulk form posted, the job it queues done by the worker, and the page the chair lands on."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("paper_table_bulk"), data)
    while response.status_code == 302:
        response = client.get(response.url)
    return response


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
    assert "#discuss added to <strong>1</strong> paper." in done
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

    _bulk(client, papers=[paper.pk, other.pk], action="decide", outcome=_accept().pk, note="PC meeting",
          confirm="yes")
    _bulk(client, papers=[paper.pk], action="tag", tag="Discuss", confirm="yes")
    refused = client.post(reverse("paper_table_bulk"), {"papers": [], "action": "decide"}, follow=True)

    assert set(Submission.objects.values_list("outcome__name", flat=True)) == {"Accept (poster)"}
    assert DecisionChange.objects.filter(note="PC meeting").count() == 2
    assert list(Tag.objects.values_list("name", flat=True)) == ["discuss"]
    assert "Select at least one paper first" in refused.content.decode()


def test_a_bulk_decision_is_a_job_the_request_only_queues(client_for, released, django_capture_on_commit_callbacks):
    people, paper, other = released
    client = client_for(people["chair"])

    response = client.post(reverse("paper_table_bulk"), {"papers": [other.pk], "action": "decide",
                                                         "outcome": _accept().pk, "confirm": "yes"}, follow=True)

    assert "Waiting for a worker" in response.content.decode()
    assert Submission.objects.get(pk=other.pk).outcome is None
    job = Job.objects.get(kind=JobKind.PAPERS_DECIDE)
    with django_capture_on_commit_callbacks(execute=True):
        bulk_run(job.pk)
    page = client.get(reverse("job_detail", args=[job.public_id])).content.decode()
    assert "<strong>1</strong> of 1 papers now have the decision “Accept (poster)”" in page
    assert Submission.objects.get(pk=other.pk).outcome.name == "Accept (poster)"


def test_a_decision_released_after_the_chair_confirmed_is_left_as_the_authors_were_told(pc_world):
    """The request saw no released decision; by the time the worker runs, one was released."""
    people, paper = pc_world
    other = SubmissionFactory()
    decision_record(submission=paper, outcome=_outcome("Accept (poster)"), by=people["chair"])
    job, _ = bulk_decide_start(by=people["chair"], numbers=[paper.pk, other.pk], outcome=_outcome("Reject"),
                               note="", change_released=False, back="/chair/papers/")
    release_now(by=people["chair"])

    bulk_run(job.pk)

    job.refresh_from_db()
    assert job.state == "done" and job.result["skipped"] == [paper.pk] and job.result["changed"] == 1
    assert Submission.objects.get(pk=paper.pk).outcome.name == "Accept (poster)"
    assert Submission.objects.get(pk=other.pk).outcome.name == "Reject"


def test_a_conflicted_chair_s_bulk_job_leaves_that_paper_out(pc_world):
    people, paper = pc_world
    other = SubmissionFactory()
    job, _ = bulk_tag_start(by=people["conflicted_chair"], numbers=[paper.pk, other.pk], tag="x", add=True,
                            back="/chair/papers/")

    bulk_run(job.pk)

    job.refresh_from_db()
    assert job.total == 1 and list(Tag.objects.values_list("submission_id", flat=True)) == [other.pk]


@pytest.mark.parametrize("size", [2, 40])
def test_a_bulk_batch_costs_the_same_queries_at_any_size(pc_world, settings, django_assert_max_num_queries, size):
    people, _paper = pc_world
    numbers = [SubmissionFactory().pk for _ in range(size)]
    job, _ = bulk_decide_start(by=people["chair"], numbers=numbers, outcome=_accept(), note="",
                               change_released=False, back="/chair/papers/")
    job.total = bulk_prepare(job)

    with django_assert_max_num_queries(12):
        bulk_batch(job)

    assert Submission.objects.filter(outcome__isnull=False).count() == size
