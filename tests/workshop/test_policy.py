"""The one policy (workshop/policy.py) as tables: personas x objects x phases x anonymity.

Papers and authors (who sees a paper, its authors, its PDF history, its camera-ready version),
reviews (what each persona sees of reviews, scores, names, comments, bids), and the doors to the
chairs' pages (the intent-named predicates the views require)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from reviews.models import Comment
from submissions.models import Conflict, PdfKind, PdfVersion, Submission
from submissions.selectors import with_related
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from tests.reviews.conftest import PERSONAS, release_decision
from workshop import policy
from workshop.models import AOE, Phase
from workshop.phases import format_moment

# --- Papers, authors, camera-ready: personas x anonymity x phase -------------------------------------

PAPER_PERSONAS = ["author", "coauthor", "other_author", "pc", "conflicted_pc", "chair", "conflicted_chair",
            "organizer", "anonymous"]


@pytest.fixture
def world(workshop):
    people = {name: UserFactory(email=f"{name}@example.org") for name in PAPER_PERSONAS if name != "anonymous"}
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
@pytest.mark.parametrize("persona", PAPER_PERSONAS)
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
@pytest.mark.parametrize("persona", PAPER_PERSONAS)
@pytest.mark.parametrize(("mode", "column"), [("double", 0), ("single", 1)])
def test_can_view_authors_table(world, workshop, persona, mode, column):
    people, paper = world
    workshop.anonymity = mode
    workshop.phase_override = Phase.REVIEWING

    assert policy.can_view_authors(people[persona], paper, workshop=workshop) is VIEW_AUTHORS[persona][column]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PAPER_PERSONAS)
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
@pytest.mark.parametrize("persona", PAPER_PERSONAS)
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

    assert not any(policy.can_view_camera_ready(people[p], paper, manages_proceedings=True) for p in PAPER_PERSONAS)


# persona: (double-blind, single-blind): who is counted and shown the addresses of camera-ready reminders
REMINDER_RECIPIENTS = {
    "author": (True, True), "coauthor": (True, True), "other_author": (False, False), "pc": (False, True),
    "conflicted_pc": (False, False), "chair": (True, True), "conflicted_chair": (False, False),
    "organizer": (False, False), "anonymous": (False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PAPER_PERSONAS)
@pytest.mark.parametrize(("mode", "column"), [("double", 0), ("single", 1)])
def test_camera_ready_reminder_recipients_table(world, workshop, persona, mode, column):
    from submissions.models import Outcome

    people, paper = world
    paper.outcome, paper.decision_released_at = Outcome.objects.get(name="Accept (oral)"), timezone.now()
    workshop.anonymity, workshop.phase_override = mode, Phase.CAMERA_READY

    sees = policy.can_view_camera_ready_recipients(people[persona], paper, workshop=workshop)
    assert sees is REMINDER_RECIPIENTS[persona][column]


# --- Reviews: personas x objects x phases -----------------------------------------------------------

PHASES = [Phase.SUBMISSION, Phase.BIDDING, Phase.REVIEWING, Phase.DISCUSSION]

# What each persona may see, whatever the phase (double-blind; reviews after one's own).
SEES = {
    "author": {"paper", "pdf", "authors"},
    "coauthor": {"paper", "pdf", "authors"},
    "other_author": set(),
    "reviewer_before": {"paper", "pdf", "own_bid"},
    "reviewer_after": {"paper", "pdf", "own_bid", "reviews", "scores", "reviewer_names", "comments"},
    "unassigned_pc": {"paper", "pdf", "own_bid"},
    "conflicted_pc": set(),
    "chair": {"paper", "pdf", "authors", "reviews", "scores", "reviewer_names", "comments", "chair_comments",
              "bids", "assignments", "own_bid"},
    "conflicted_chair": set(),
    "organizer": set(),
    "anonymous": set(),
}
BID_PHASES = {Phase.SUBMISSION, Phase.BIDDING}


def _visible(person, paper, workshop, phase):
    workshop.phase_override = phase
    comment = Comment(submission=paper, body="x")
    chair_comment = Comment(submission=paper, body="x", chairs_only=True)
    levels = policy.visible_field_levels(person, paper, workshop=workshop)
    answers = {
        "paper": policy.can_view_submission(person, paper, phase=phase),
        "pdf": policy.can_view_submission(person, paper, phase=phase),
        "authors": policy.can_view_authors(person, paper, workshop=workshop),
        "reviews": "authors" in levels,
        "scores": "authors" in levels and "pc" in levels,
        "reviewer_names": policy.can_view_reviewer_identity(person, paper, workshop=workshop),
        "comments": policy.can_view_comment(person, comment, paper, workshop=workshop),
        "chair_comments": policy.can_view_comment(person, chair_comment, paper, workshop=workshop),
        "bids": policy.can_manage_assignments(person, paper),
        "assignments": policy.can_manage_assignments(person, paper),
        "own_bid": policy.can_bid(person, paper, phase=phase) or (
            phase not in BID_PHASES and policy.is_pc_member(person) and not policy.is_conflicted(person, paper)),
    }
    return {name for name, yes in answers.items() if yes}


@pytest.mark.django_db
@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_visibility_table(pc_world, workshop, persona, phase):
    people, paper = pc_world

    assert _visible(people[persona], paper, workshop, phase) == SEES[persona]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["reviewer_before", "unassigned_pc", "chair"])
def test_bidding_only_while_submissions_or_bidding_run(pc_world, persona):
    people, paper = pc_world

    allowed = {phase: policy.can_bid(people[persona], paper, phase=phase) for phase in PHASES}

    assert allowed == {Phase.SUBMISSION: True, Phase.BIDDING: True, Phase.REVIEWING: False,
                       Phase.DISCUSSION: False}


@pytest.mark.django_db
def test_authors_see_reviews_only_after_release_and_never_names_or_pc_fields(pc_world, workshop):
    people, paper = pc_world

    before = policy.visible_field_levels(people["author"], paper, workshop=workshop)
    release_decision(paper)
    after = policy.visible_field_levels(people["author"], paper, workshop=workshop)

    assert (before, after) == (set(), {"authors"})
    assert policy.can_view_reviewer_identity(people["author"], paper, workshop=workshop) is False


@pytest.mark.django_db
def test_settings_always_show_reviews_and_never_names(pc_world, workshop):
    people, paper = pc_world
    workshop.reviews_visible_to_pc = "always"
    workshop.reviewer_names_to_pc = "never"

    assert "authors" in policy.visible_field_levels(people["reviewer_before"], paper, workshop=workshop)
    assert policy.can_view_reviewer_identity(people["reviewer_after"], paper, workshop=workshop) is False
    assert policy.can_view_reviewer_identity(people["chair"], paper, workshop=workshop) is True


@pytest.mark.django_db
def test_single_blind_shows_authors_to_the_pc_but_not_to_conflicted(pc_world, workshop):
    people, paper = pc_world
    workshop.anonymity = "single"

    assert policy.can_view_authors(people["unassigned_pc"], paper, workshop=workshop) is True
    assert policy.can_view_authors(people["conflicted_pc"], paper, workshop=workshop) is False


@pytest.mark.django_db
def test_a_waived_conflict_no_longer_hides_the_paper(pc_world):
    people, paper = pc_world
    conflict = next(c for c in paper.conflicts.all() if c.user_id == people["conflicted_pc"].pk)
    conflict.waived_by = people["chair"]

    assert policy.can_view_submission(people["conflicted_pc"], paper, phase=Phase.REVIEWING) is True


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERSONAS)
def test_conflicted_submissions_query_agrees_with_is_conflicted(pc_world, name):
    from submissions.models import Submission

    people, paper = pc_world
    person = people[name]

    in_query = Submission.objects.filter(policy.conflicted_submissions_q(person), pk=paper.pk).exists()

    assert in_query == policy.is_conflicted(person, paper)


# --- Doors to the chairs' pages: personas x phases ---------------------------------------------------

DOORS = ["can_run_assignment", "can_assign", "can_manage_conflicts", "can_grant_extension", "can_edit_review_form",
         "can_manage_workshop", "can_manage_roles", "can_invite_pc", "can_view_outbox", "can_view_paper_table",
         "can_release_decisions", "can_send_reminders"]
# Who passes every door, whatever the phase: the chairs, a conflicted one too (what each page then shows of a
# paper is decided per paper); nobody else.
OPENS_DOORS = {"chair", "conflicted_chair"}


@pytest.mark.django_db
@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("persona", PERSONAS)
def test_chair_doors_table(pc_world, workshop, persona, phase):
    people, _paper = pc_world
    workshop.phase_override = phase

    opened = {door for door in DOORS if getattr(policy, door)(people[persona])}

    assert opened == (set(DOORS) if persona in OPENS_DOORS else set())
