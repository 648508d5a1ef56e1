"""The papers a chair may decide on, among those a form or a link asks for."""

import pytest

from reviews.decisions.selectors import papers_decidable_by
from tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_papers_decidable_by_leaves_out_conflicts_and_numbers_that_name_no_paper(pc_world):
    people, paper = pc_world
    other = SubmissionFactory()

    chosen = papers_decidable_by(user=people["chair"], numbers=[other.pk, None, 999_999, paper.pk, paper.pk])
    conflicted = papers_decidable_by(user=people["conflicted_chair"], numbers=[other.pk, paper.pk])
    pc_member = papers_decidable_by(user=people["reviewer_after"], numbers=[other.pk, paper.pk])

    assert [p.pk for p in chosen] == sorted([paper.pk, other.pk])
    assert [p.pk for p in conflicted] == [other.pk]
    assert pc_member == []
