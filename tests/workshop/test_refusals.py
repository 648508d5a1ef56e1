"""What an author is told when registering, changing, uploading, withdrawing or
reviving is refused, in each phase: the reason as it is (registration closed,
not "the submission can no longer be changed"), with the moment it happened in
the workshop's zone, and on pages in the viewer's own time too."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from submissions.models import Submission
from submissions.selectors import with_related
from tests.factories import SubmissionFactory
from workshop import policy
from workshop.models import AOE, Phase
from workshop.phases import format_moment

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def dates(workshop):
    """Submissions opened 40 days ago; abstracts were due 32 days ago, papers 30: the demo's discussion."""
    now = timezone.now()
    workshop.submission_opens, workshop.abstract_deadline = now - 40 * DAY, now - 32 * DAY
    workshop.paper_deadline, workshop.bidding_closes = now - 30 * DAY, now - 25 * DAY
    workshop.review_deadline = now + 10 * DAY
    workshop.save()
    return workshop


def _paper(author, **changes):
    paper = SubmissionFactory(created_by=author, **changes)
    return with_related(Submission.objects.filter(pk=paper.pk)).get()


def _at(when) -> str:
    return format_moment(when, AOE)


def test_registration_after_release_says_since_when_submissions_are_closed(dates):
    dates.decisions_released = True

    refusal = policy.registration_closed(dates, now=timezone.now())

    assert refusal == (f"Submissions closed on {_at(dates.abstract_deadline)} (the abstract registration deadline); "
                       "new papers can no longer be registered.")


def test_registration_without_an_abstract_deadline_names_the_paper_deadline(dates):
    dates.abstract_deadline = None

    refusal = policy.registration_closed(dates, now=timezone.now())

    assert refusal == (f"Submissions closed on {_at(dates.paper_deadline)} (the paper deadline); new papers can no "
                       "longer be registered.")


def test_registration_before_opening_says_when_it_opens(workshop):
    workshop.submission_opens = timezone.now() + 3 * DAY

    assert policy.registration_closed(workshop, now=timezone.now()) == (
        f"Submissions open on {_at(workshop.submission_opens)}.")


@pytest.mark.parametrize(("override", "released", "expected"), [
    (Phase.BIDDING, False, "Submissions are closed: the chairs hold the workshop in its “Bidding” phase."),
    (Phase.SUBMISSION, True, "Submissions are closed: decisions are released."),
    (Phase.SETUP, False, "Submissions are not open yet."),
])
def test_registration_held_by_the_chairs_says_so(dates, override, released, expected):
    dates.phase_override, dates.decisions_released = override, released

    assert policy.registration_closed(dates, now=timezone.now()) == expected


def test_changing_a_paper_in_the_discussion_names_the_passed_deadline(dates, author):
    dates.review_deadline = timezone.now() - DAY  # the dates alone put the workshop in its discussion

    refusal = policy.edit_refusal(author, _paper(author), dates, now=timezone.now())

    assert refusal == (f"The paper deadline passed on {_at(dates.paper_deadline)}; the submission can no longer be "
                       "changed.")


def test_changing_a_paper_held_in_bidding_before_the_deadline_blames_the_hold_not_the_deadline(workshop, author):
    now = timezone.now()
    workshop.submission_opens, workshop.paper_deadline, workshop.phase_override = now - DAY, now + 5 * DAY, "bidding"

    refusal = policy.edit_refusal(author, _paper(author), workshop, now=now)

    assert refusal == "The chairs hold the workshop in its “Bidding” phase; the submission can no longer be changed."


def test_uploading_after_an_extension_ended_names_the_extension(dates, author):
    paper = _paper(author, deadline_extension=timezone.now() - DAY)

    refusal = policy.edit_refusal(author, paper, dates, now=timezone.now())

    assert refusal == (f"The extended deadline of this paper passed on {_at(paper.deadline_extension)}; the "
                       "submission can no longer be changed.")


def test_reviving_after_release_speaks_of_reviving_and_of_the_deadline_that_holds_for_every_paper(dates, author):
    dates.decisions_released = True

    refusal = policy.revive_refusal(author, _paper(author), dates, now=timezone.now())

    assert refusal == f"The paper deadline passed on {_at(dates.paper_deadline)}; a withdrawn paper cannot be revived."


def test_reviving_while_the_chairs_hold_submissions_open_after_release_speaks_of_reviving(dates, author):
    dates.decisions_released, dates.phase_override = True, Phase.SUBMISSION

    refusal = policy.revive_refusal(author, _paper(author), dates, now=timezone.now())

    assert refusal == "Decisions are released; a withdrawn paper cannot be revived."


def test_changing_an_undecided_paper_after_others_were_released_names_the_deadline(dates, author):
    dates.decisions_released = True  # some papers' decisions are out, not this one's

    refusal = policy.edit_refusal(author, _paper(author), dates, now=timezone.now())

    assert refusal == (f"The paper deadline passed on {_at(dates.paper_deadline)}; the submission can no longer be "
                       "changed.")


def test_withdrawing_in_a_workshop_the_chairs_closed_does_not_claim_a_release(dates, author):
    dates.phase_override = Phase.CLOSED

    refusal = policy.withdraw_refusal(author, _paper(author), dates, now=timezone.now())

    assert refusal == "The chairs closed the workshop; please write to them to withdraw this paper."


def test_the_register_page_on_a_released_workshop_says_submissions_closed_in_both_times(dates, client_for, author):
    dates.decisions_released = True
    dates.save()

    response = client_for(author).get(reverse("submission_new"))

    assert response.status_code == 403
    assert (f'<p class="notice">Submissions closed on <span class="dated">{_at(dates.abstract_deadline)} '
            f'<time datetime="{dates.abstract_deadline.isoformat()}" data-local-time="short"></time></span> '
            "(the abstract registration deadline); new papers can no longer be registered.</p>"
            ) in response.content.decode()
    assert "Decisions are released" not in response.content.decode()


def test_the_dashboard_says_since_when_registration_is_closed(dates, client_for, author):
    page = client_for(author).get(reverse("submissions_dashboard")).content.decode()

    assert f"Submissions closed on <span class=\"dated\">{_at(dates.abstract_deadline)} <time" in page


def test_withdrawing_after_the_deadline_says_it_is_final(dates, client_for, author):
    paper = _paper(author)

    response = client_for(author).post(reverse("submission_withdraw", args=[paper.pk]), {"confirm": "yes"},
                                       follow=True)

    assert (f"Paper #{paper.pk} is withdrawn. The paper deadline passed on <span class=\"dated\">"
            f"{_at(dates.paper_deadline)} <time") in response.content.decode()
    assert "a withdrawn paper cannot be revived." in response.content.decode()
    assert "You can revive it" not in response.content.decode()


def test_withdrawing_before_the_deadline_says_until_when_it_can_be_revived(workshop, client_for, author):
    now = timezone.now()
    workshop.submission_opens, workshop.paper_deadline = now - DAY, now + 5 * DAY
    workshop.save()
    paper = _paper(author)

    response = client_for(author).post(reverse("submission_withdraw", args=[paper.pk]), {"confirm": "yes"},
                                       follow=True)

    assert (f"Paper #{paper.pk} is withdrawn. You can revive it until the paper deadline, <span class=\"dated\">"
            f"{_at(workshop.paper_deadline)} <time") in response.content.decode()


def test_the_edit_page_after_the_deadline_sends_back_with_the_reason_in_both_times(dates, client_for, author):
    paper = _paper(author)

    response = client_for(author).get(reverse("submission_edit", args=[paper.pk]), follow=True)

    assert (f'The paper deadline passed on <span class="dated">{_at(dates.paper_deadline)} '
            f'<time datetime="{dates.paper_deadline.isoformat()}" data-local-time="short"></time></span>; the '
            "submission can no longer be changed.") in response.content.decode()


def test_the_withdraw_form_after_the_deadline_warns_that_withdrawing_is_final(dates, client_for, author):
    paper = _paper(author)

    page = client_for(author).get(reverse("submission_detail", args=[paper.pk])).content.decode()

    assert (f'The paper deadline passed on <span class="dated">{_at(dates.paper_deadline)} <time') in page
    assert "a withdrawn paper cannot be revived. Withdrawing it now is final." in page
    assert "Withdraw this paper</button>" in page
