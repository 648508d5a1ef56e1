"""Who may see a paper and its authors: personas x anonymity x phase."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from submissions.models import Conflict, PdfKind, PdfVersion, Submission
from submissions.selectors import with_related
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from workshop import policy
from workshop.models import AOE, Phase
from workshop.phases import format_moment

PERSONAS = ["author", "coauthor", "other_author", "pc", "conflicted_pc", "chair", "conflicted_chair",
            "organizer", "anonymous"]


@pytest.fixture
def world(workshop):
    people = {name: UserFactory(email=f"{name}@example.org") for name in PERSONAS if name != "anonymous"}
    people["anonymous"] = AnonymousUser()
    for name, role in [("pc", "pc"), ("conflicted_pc", "pc"), ("chair", "chair"), ("conflicted_chair", "chair"),
                       ("organizer", "organizer")]:
        RoleFactory(user=people[name], name=role)
    paper = SubmissionFactory(created_by=people["author"], authors=[
        ("A", people["author"].email), ("C", people["coauthor"].email)])
    PdfVersion.objects.create(submission=paper, kind=PdfKind.SUBMISSION, file="x.pdf", reviewer_file="y.pdf",
                              original_name="x.pdf", sha256="0" * 64, size=1, page_count=1,
                              uploaded_by=people["author"])
    for name in ("conflicted_pc", "conflicted_chair"):
        Conflict.objects.create(submission=paper, user=people[name], reason="advisor", source="author")
    return people, with_related(Submission.objects.filter(pk=paper.pk)).get()


VIEW_SUBMISSION = {
    # persona: (before submissions open, during reviewing)
    "author": (True, True), "coauthor": (True, True), "other_author": (False, False),
    "pc": (False, True), "conflicted_pc": (False, False), "chair": (True, True),
    "conflicted_chair": (False, False), "organizer": (False, False), "anonymous": (False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("phase", "column"), [(Phase.SETUP, 0), (Phase.REVIEWING, 1)])
def test_can_view_submission_table(world, persona, phase, column):
    people, paper = world

    assert policy.can_view_submission(people[persona], paper, phase=phase) is VIEW_SUBMISSION[persona][column]


VIEW_AUTHORS = {
    # persona: (double-blind, single-blind), during reviewing
    "author": (True, True), "coauthor": (True, True), "other_author": (False, False),
    "pc": (False, True), "conflicted_pc": (False, False), "chair": (True, True),
    "conflicted_chair": (False, False), "organizer": (False, False), "anonymous": (False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("mode", "column"), [("double", 0), ("single", 1)])
def test_can_view_authors_table(world, workshop, persona, mode, column):
    people, paper = world
    workshop.anonymity = mode
    workshop.phase_override = Phase.REVIEWING

    assert policy.can_view_authors(people[persona], paper, workshop=workshop) is VIEW_AUTHORS[persona][column]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_authors_and_unconflicted_chairs_see_the_pdf_history(world, persona):
    people, paper = world

    assert policy.can_view_pdf_history(people[persona], paper) is (persona in {"author", "coauthor", "chair"})


@pytest.mark.django_db
def test_withdrawn_paper_is_hidden_from_the_pc_but_not_its_authors(world):
    people, paper = world
    paper.withdrawn_at = timezone.now()

    assert policy.can_view_submission(people["pc"], paper, phase=Phase.REVIEWING) is False
    assert policy.can_view_submission(people["author"], paper, phase=Phase.REVIEWING) is True


@pytest.mark.django_db
def test_edit_refusal_explains_the_deadline_and_honours_an_extension(world, workshop):
    people, paper = world
    now = timezone.now()
    workshop.paper_deadline = now - timedelta(hours=1)

    before = policy.edit_refusal(people["coauthor"], paper, workshop, now=now)
    paper.deadline_extension = now + timedelta(hours=1)
    after = policy.edit_refusal(people["coauthor"], paper, workshop, now=now)

    assert before == (f"The paper deadline passed on {format_moment(workshop.paper_deadline, AOE)}; the "
                      "submission can no longer be changed.")
    assert after is None


# --- Camera-ready and proceedings -------------------------------------------------------------

# persona: (sees an accepted paper's camera-ready, manages the proceedings)
CAMERA_READY = {
    "author": (True, False), "coauthor": (True, False), "other_author": (False, False), "pc": (False, False),
    "conflicted_pc": (False, False), "chair": (True, True), "conflicted_chair": (False, False),
    "organizer": (True, True), "anonymous": (False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_camera_ready_and_proceedings_table(world, persona):
    from submissions.models import Outcome
    from submissions.selectors import manages_proceedings

    people, paper = world
    paper.outcome = paper.released_outcome = Outcome.objects.get(name="Accept (oral)")
    paper.decision_released_at = timezone.now()
    manages = manages_proceedings(people[persona])

    sees = policy.can_view_camera_ready(people[persona], paper, manages_proceedings=manages)
    assert (sees, manages) == CAMERA_READY[persona]


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["unreleased", "rejected", "withdrawn"])
def test_nobody_sees_a_camera_ready_of_a_paper_not_in_the_proceedings(world, change):
    from submissions.models import Outcome

    people, paper = world
    paper.outcome = Outcome.objects.get(name="Reject" if change == "rejected" else "Accept (oral)")
    paper.released_outcome = None if change == "unreleased" else paper.outcome
    paper.decision_released_at = None if change == "unreleased" else timezone.now()
    paper.withdrawn_at = timezone.now() if change == "withdrawn" else None

    assert not any(policy.can_view_camera_ready(people[p], paper, manages_proceedings=True) for p in PERSONAS)


# persona: (double-blind, single-blind): who is counted and shown the addresses of camera-ready reminders
REMINDER_RECIPIENTS = {
    "author": (True, True), "coauthor": (True, True), "other_author": (False, False), "pc": (False, True),
    "conflicted_pc": (False, False), "chair": (True, True), "conflicted_chair": (False, False),
    "organizer": (False, False), "anonymous": (False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("mode", "column"), [("double", 0), ("single", 1)])
def test_camera_ready_reminder_recipients_table(world, workshop, persona, mode, column):
    from submissions.models import Outcome

    people, paper = world
    paper.outcome, paper.decision_released_at = Outcome.objects.get(name="Accept (oral)"), timezone.now()
    workshop.anonymity, workshop.phase_override = mode, Phase.CAMERA_READY

    sees = policy.can_view_camera_ready_recipients(people[persona], paper, workshop=workshop)
    assert sees is REMINDER_RECIPIENTS[persona][column]
