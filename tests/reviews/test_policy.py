"""The visibility policy as one table: personas x objects x phases."""

import pytest

from reviews.models import Comment
from tests.reviews.conftest import PERSONAS, release_decision
from workshop import policy
from workshop.models import Phase

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
