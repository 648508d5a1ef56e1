"""What the PC profile form starts from."""

import pytest

from reviews.committee.selectors import pc_profile_initial
from reviews.committee.services import pc_profile_save
from reviews.models import PcProfile
from workshop.models import Topic, VocabularyKind, VocabularyTerm

pytestmark = pytest.mark.django_db


def test_pc_profile_initial_is_what_was_saved(pc_member):
    topic = Topic.objects.order_by("position").first()
    term = VocabularyTerm.objects.filter(kind=VocabularyKind.ATTACK_PHASE).first()
    pc_profile_save(user=pc_member, research_statement="Poisoning.", recent_papers="A title\nIts abstract.",
                    collaborators="Nia", threat_terms=[term], topic_levels={topic: 2})

    initial = pc_profile_initial(user=pc_member)

    assert initial == {"research_statement": "Poisoning.", "recent_papers": "A title\nIts abstract.",
                       "collaborators": "Nia", f"topic_{topic.pk}": 2, f"terms_{term.kind}": [term.pk]}


def test_pc_profile_initial_of_a_member_without_a_profile_is_empty_and_creates_none(pc_member):
    initial = pc_profile_initial(user=pc_member)

    assert initial == {}
    assert not PcProfile.objects.filter(user=pc_member).exists()
