"""Issue 17, item 14: two worlds for who leads a paper's discussion and for a
draft review's existence (the harness and the base world are those of
tests/leaks/test_two_worlds.py)."""

import pytest
import time_machine

from reviews.assignments import runs
from reviews.discussion.services import lead_set
from tests.leaks.test_two_worlds import (
    CHAIR_DIRECT,
    CHAIR_FRAGMENTS,
    DIRECT,
    START,
    Base,
    base_world,
    draft_of_pending_reviewer,
)
from tests.leaks.two_worlds import FROZEN_AT, Request, assert_no_differences, compare_worlds, visit

pytestmark = pytest.mark.django_db(transaction=True)


def _lead(world, who):
    lead_set(submission=world["paper"], lead=world[who], by=world["chair"])


def lead_worlds():
    """#1's discussion is led by Sam in world a and by Pat in world b; names are never shown to the PC."""
    def build(variant):
        world = base_world(Base(reviewer_names_to_pc="never"))
        _lead(world, "second_reviewer" if variant == "a" else "pending_reviewer")
        return world
    return build


@pytest.mark.parametrize("persona", ["reviewer", "unassigned_pc"])
def test_pc_does_not_learn_who_leads_the_discussion_when_reviewer_names_are_never_shown(persona):
    assert_no_differences(compare_worlds(lead_worlds(), persona=persona, start_urls=START, extra_urls=DIRECT))


def chairs_run(world):
    """The chair starts an automatic assignment (fresh, the workshop's defaults), computed at once."""
    runs.run_create(by=world["chair"], params=runs.default_params(world["workshop"]))


def draft_worlds(variant):
    """The base world; in world b Pat has a draft of #1's review. Then the chair starts a run."""
    world = base_world(Base())
    if variant == "b":
        draft_of_pending_reviewer(world)
    chairs_run(world)
    return world


def test_chair_starting_an_assignment_run_does_not_learn_of_a_draft_review():
    differences = compare_worlds(draft_worlds, persona="chair", start_urls=START, extra_urls=CHAIR_DIRECT,
                                 fragment_urls=CHAIR_FRAGMENTS)
    assert_no_differences(differences)


def test_the_compared_run_is_a_finished_proposal_with_its_pairs():
    """The case above compares two finished proposals, not two empty pages."""
    with time_machine.travel(FROZEN_AT, tick=False):
        crawl = visit(draft_worlds, "a", persona="chair", start_urls=["/chair/assignments/auto/1/"], max_urls=1)

    page = crawl.pages[Request("/chair/assignments/auto/1/")]
    assert page.status == 200
    assert "Apply this assignment" in page.body and "Rita Reviewer" in page.body
