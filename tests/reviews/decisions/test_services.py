"""Deciding one paper: the embargo, the log, a released decision changed only when asked."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.decisions.services import decision_record
from submissions.models import DecisionChange, Outcome, Submission
from submissions.selectors import with_related
from tests.reviews.conftest import PERSONAS, release_now
from workshop import policy
from workshop.errors import Refused
from workshop.models import OutgoingMail


def _fresh(paper):
    return with_related(Submission.objects.filter(pk=paper.pk)).get()


def _accept():
    return Outcome.objects.get(name="Accept (poster)")


SEES_DECISION = {
    # persona: (before release, PC setting off), (before release, PC setting on), (after release)
    "author": (False, False, True), "coauthor": (False, False, True), "other_author": (False, False, False),
    "reviewer_before": (False, True, True), "reviewer_after": (False, True, True),
    "unassigned_pc": (False, True, True), "conflicted_pc": (False, False, False),
    "chair": (True, True, True), "conflicted_chair": (False, False, False),
    "organizer": (False, False, False), "anonymous": (False, False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERSONAS)
def test_decision_embargo_table(pc_world, workshop, name):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    person = people[name]

    before = policy.can_view_decision(person, paper, workshop=workshop)
    workshop.pc_sees_decisions = True
    before_pc = policy.can_view_decision(person, paper, workshop=workshop)
    paper.decision_released_at = timezone.now()
    after = policy.can_view_decision(person, paper, workshop=workshop)

    expected = SEES_DECISION[name]
    assert (before, before_pc, after) == (expected[0], expected[1], expected[2] or (expected[1] and name != "author"))


@pytest.mark.django_db
def test_author_pages_do_not_change_when_a_decision_is_recorded(client_for, pc_world, workshop):
    from tests.pages import without_tokens

    people, paper = pc_world
    client = client_for(people["author"])
    pages = [reverse("submissions_dashboard"), reverse("submission_detail", args=[paper.pk])]
    before = [without_tokens(client.get(url)) for url in pages]

    decision_record(submission=paper, outcome=Outcome.objects.get(name="Reject"), by=people["chair"], note="No.")
    after = [without_tokens(client.get(url)) for url in pages]

    assert before == after
    assert OutgoingMail.objects.filter(recipient=people["author"].email, kind__startswith="decision").count() == 0


@pytest.mark.django_db
def test_decision_changes_are_logged_and_a_released_one_changes_only_when_asked(pc_world):
    """Issue 18, item 1: the authors keep what they were told until the next release."""
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"], note="first")
    release_now(by=people["chair"])

    with pytest.raises(Refused) as refused:
        decision_record(submission=_fresh(paper), outcome=Outcome.objects.get(name="Reject"), by=people["chair"])
    decision_record(submission=_fresh(paper), outcome=Outcome.objects.get(name="Reject"), by=people["chair"],
                    change_released=True)

    log = [(c.old, c.new, c.note) for c in DecisionChange.objects.order_by("at", "id")]
    assert log == [("", "Accept (poster)", "first"), ("Accept (poster)", "Reject", "")]
    assert "has a released decision" in refused.value.message
    paper = Submission.objects.get(pk=paper.pk)
    assert (paper.outcome.name, paper.released_outcome.name) == ("Reject", "Accept (poster)")
    assert paper.decision_released_at is not None


@pytest.mark.django_db
def test_conflicted_chair_cannot_decide(pc_world):
    people, paper = pc_world

    with pytest.raises(Refused):
        decision_record(submission=paper, outcome=_accept(), by=people["conflicted_chair"])
