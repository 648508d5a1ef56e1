"""Issue 17, item 11d: a chair's phase override wins over the dates everywhere the
policy asks what is open (response window and the reviews with it, registration,
changes to a paper, the camera-ready version), not only in `phase_at`."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.discussion.services import response_open_mails
from reviews.models import Assignment
from submissions.models import CameraReady, Outcome, Submission
from submissions.selectors import with_related
from tests.factories import SubmissionFactory
from tests.reviews.conftest import submitted_review
from workshop import policy
from workshop.models import OutgoingMail, Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def response_open_by_dates(workshop):
    """The dates put the workshop in its author-response window, during the discussion."""
    now = timezone.now()
    workshop.submission_opens, workshop.paper_deadline = now - timedelta(days=40), now - timedelta(days=30)
    workshop.bidding_closes, workshop.review_deadline = now - timedelta(days=25), now - timedelta(days=2)
    workshop.response_opens, workshop.response_closes = now - timedelta(days=1), now + timedelta(days=3)
    workshop.save()
    return workshop


@pytest.fixture
def chairs_own_paper(chair, pc_member):
    """The chair wrote a paper (and is conflicted with it); a PC member reviewed it."""
    paper = SubmissionFactory(created_by=chair, authors=[(chair.full_name, chair.email)])
    Assignment.objects.create(submission=paper, reviewer=pc_member)
    submitted_review(paper, pc_member, summary="The review the chair must not read yet.")
    return with_related(Submission.objects.filter(pk=paper.pk)).get()


@pytest.mark.parametrize(("override", "reads_reviews"), [
    ("", True), (Phase.DISCUSSION, True), (Phase.REVIEWING, False), (Phase.BIDDING, False)])
def test_a_held_phase_closes_the_response_window_the_dates_open(
    client_for, chair, chairs_own_paper, response_open_by_dates, override, reads_reviews,
):
    response_open_by_dates.phase_override = override
    response_open_by_dates.save()
    client = client_for(chair)

    page = client.get(reverse("submission_detail", args=[chairs_own_paper.pk])).content.decode()
    response_page = client.get(reverse("author_response", args=[chairs_own_paper.pk])).content.decode()

    assert ("The review the chair must not read yet." in page) is reads_reviews
    assert ("The author response period is closed." in response_page) is not reads_reviews
    assert policy.can_view_reviews_as_author(chair, chairs_own_paper, workshop=response_open_by_dates) is reads_reviews


def test_the_response_open_mail_waits_for_the_held_phase(chairs_own_paper, response_open_by_dates):
    chairs_own_paper.pdf_versions.create(file="x.pdf", reviewer_file="y.pdf", original_name="x.pdf",
                                         sha256="0" * 64, size=1, page_count=1, uploaded_by=chairs_own_paper.created_by)
    response_open_by_dates.phase_override = Phase.REVIEWING
    response_open_by_dates.save()

    assert response_open_mails() == 0
    assert OutgoingMail.objects.filter(kind="author:response-open").count() == 0


@pytest.fixture
def past_every_deadline(workshop):
    now = timezone.now()
    workshop.submission_opens, workshop.abstract_deadline = now - timedelta(days=40), now - timedelta(days=32)
    workshop.paper_deadline, workshop.bidding_closes = now - timedelta(days=30), now - timedelta(days=25)
    workshop.review_deadline, workshop.camera_ready_deadline = now - timedelta(days=10), now - timedelta(days=1)
    workshop.save()
    return workshop


@pytest.mark.parametrize(("override", "open_"), [("", False), (Phase.SUBMISSION, True), (Phase.BIDDING, False)])
def test_a_chair_holding_the_submission_phase_keeps_registration_and_changes_open(
    author, past_every_deadline, override, open_,
):
    past_every_deadline.phase_override = override
    paper = with_related(Submission.objects.filter(pk=SubmissionFactory(created_by=author).pk)).get()
    now = timezone.now()

    assert (policy.registration_closed(past_every_deadline, now=now) is None) is open_
    assert (policy.edit_refusal(author, paper, past_every_deadline, now=now) is None) is open_


def test_holding_setup_says_submissions_are_not_open_yet(past_every_deadline):
    past_every_deadline.phase_override = Phase.SETUP

    assert policy.registration_closed(past_every_deadline, now=timezone.now()) == "Submissions are not open yet."


@pytest.mark.parametrize(("override", "deadline_days", "open_"), [
    ("", -1, False), (Phase.CAMERA_READY, -1, True), ("", 5, True), (Phase.CLOSED, 5, False),
    (Phase.NOTIFICATION, -1, True), (Phase.DISCUSSION, 5, False)])
def test_the_held_phase_decides_the_camera_ready_not_its_deadline(
    author, workshop, override, deadline_days, open_,
):
    workshop.decisions_released, workshop.phase_override = True, override
    workshop.camera_ready_deadline = timezone.now() + timedelta(days=deadline_days)
    paper = SubmissionFactory(created_by=author)
    accepted = Outcome.objects.get(name="Accept (oral)")
    Submission.objects.filter(pk=paper.pk).update(outcome=accepted, released_outcome=accepted,
                                                  decision_released_at=timezone.now())
    paper = with_related(Submission.objects.filter(pk=paper.pk)).get()
    camera = CameraReady.objects.filter(submission=paper).first()

    refusal = policy.camera_ready_refusal(author, paper, workshop, now=timezone.now(), camera=camera)

    assert (refusal is None) is open_, refusal

