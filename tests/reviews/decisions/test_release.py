"""Issue 18, item 3: a changed released decision is released as a change, with its own letter, and
chairs can read every letter of the batch."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.services.decisions import release_letters
from submissions.models import Outcome, Submission
from submissions.services import decision_record
from tests.factories import SubmissionFactory
from workshop.models import OutgoingMail

pytestmark = pytest.mark.django_db


def _outcome(name):
    return Outcome.objects.get(name=name)


@pytest.fixture
def changed(pc_world):
    """#paper released as Accept (poster), then changed to Reject; `fresh` decided for the first time."""
    people, paper = pc_world
    decision_record(submission=paper, outcome=_outcome("Accept (poster)"), by=people["chair"])
    services.decisions_release(by=people["chair"])
    decision_record(submission=Submission.objects.get(pk=paper.pk), outcome=_outcome("Reject"), by=people["chair"],
                    change_released=True, note="Flaw found in the proof")
    fresh = SubmissionFactory(title="A first decision", authors=[("Fay First", "fay@first.example")])
    decision_record(submission=fresh, outcome=_outcome("Accept (oral)"), by=people["chair"])
    OutgoingMail.objects.all().delete()
    return people, Submission.objects.get(pk=paper.pk), fresh


def test_the_release_page_shows_changed_decisions_apart_with_from_to_who_and_when(client_for, changed):
    people, paper, fresh = changed

    page = client_for(people["chair"]).get(reverse("release")).content.decode()

    first, rest = page.split("Changed since release", 1)
    assert f"<td>#{fresh.pk}</td><td>A first decision</td><td>Accept (oral)</td>" in first
    assert f"#{paper.pk}</td>" not in first
    assert (f"<td>#{paper.pk}</td><td>{paper.title}</td><td>Accept (poster)</td><td><strong>Reject</strong></td>"
            f"<td>{people['chair'].full_name}</td>") in rest
    assert "Release 2 decisions (1 changed since the last release) and send 3 mails." in page


def test_a_changed_decision_gets_a_letter_that_says_it_changed(changed):
    people, paper, fresh = changed

    services.decisions_release(by=people["chair"])

    changed_mails = list(OutgoingMail.objects.filter(kind="decision:changed").order_by("recipient"))
    first_mails = list(OutgoingMail.objects.filter(kind="decision:notification"))
    assert [m.recipient for m in changed_mails] == sorted([people["author"].email, people["coauthor"].email])
    assert changed_mails[0].subject == f"[MLSec] The decision on #{paper.pk} has changed: Reject"
    assert "it was Accept (poster) and is now Reject" in changed_mails[0].body
    assert [m.recipient for m in first_mails] == ["fay@first.example"]
    paper = Submission.objects.get(pk=paper.pk)
    assert paper.released_outcome.name == "Reject"


def test_the_second_release_finds_nothing_and_the_authors_see_the_new_decision(client_for, changed):
    people, paper, _fresh = changed
    services.decisions_release(by=people["chair"])

    page = client_for(people["chair"]).get(reverse("release")).content.decode()
    author = client_for(people["author"]).get(reverse("submissions_dashboard")).content.decode()

    assert "Nothing to release" in page
    assert "Reject" in author and "Accept (poster)" not in author


def test_every_letter_of_the_batch_can_be_read_page_by_page(client_for, changed):
    people, paper, _fresh = changed
    for n in range(30):
        decision_record(submission=SubmissionFactory(title=f"Bulk paper {n}", authors=[(f"A{n}", f"a{n}@x.example")]),
                        outcome=_outcome("Reject"), by=people["chair"])
    client = client_for(people["chair"])

    first = client.get(reverse("release_letters")).content.decode()
    second = client.get(reverse("release_letters"), {"page": 2}).content.decode()

    assert "Letters of the next release <span class=\"muted\">(33)</span>" in first
    assert first.count('class="card letter"') == 25 and second.count('class="card letter"') == 8
    assert f"The decision on #{paper.pk} has changed: Reject" in first  # the changed letters come with the rest
    assert "Page 2 of 2, 33 letters" in second


def test_release_letters_are_exactly_what_is_sent(changed):
    people, _paper, _fresh = changed

    letters = {(to, subject, body) for to, subject, body, _ in release_letters(by=people["chair"], start=0,
                                                                               count=100)}
    services.decisions_release(by=people["chair"])

    assert letters == {(m.recipient, m.subject, m.body) for m in OutgoingMail.objects.all()}
    assert len(letters) == 3


def test_a_cleared_released_decision_is_shown_and_sends_nothing(client_for, pc_world):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_outcome("Accept (poster)"), by=people["chair"])
    services.decisions_release(by=people["chair"])
    decision_record(submission=Submission.objects.get(pk=paper.pk), outcome=None, by=people["chair"],
                    change_released=True)

    page = client_for(people["chair"]).get(reverse("release")).content.decode()

    assert "Cleared since release" in page and "authors see <strong>Accept (poster)</strong>" in page
    assert "Nothing to release" in page
