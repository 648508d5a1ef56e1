"""Manual and bulk assignment."""

import pytest
from django.core import mail as django_mail

from reviews.assignments.services import assignment_add, assignments_apply, assignments_preview
from reviews.models import Assignment
from workshop.errors import Refused


@pytest.mark.django_db
def test_assigning_a_conflicted_reviewer_is_refused_with_the_reason(pc_world):
    people, paper = pc_world

    with pytest.raises(Refused) as refused:
        assignment_add(submission=paper, reviewer=people["conflicted_pc"], by=people["chair"])

    assert refused.value.message == (
        f"Conflicted Pc has a conflict with #{paper.pk}: advisor / advisee (declared by the authors)."
    )


@pytest.mark.django_db
def test_a_conflicted_chair_cannot_assign(pc_world):
    people, paper = pc_world

    with pytest.raises(Refused):
        assignment_add(submission=paper, reviewer=people["unassigned_pc"], by=people["conflicted_chair"])


@pytest.mark.django_db
def test_assignment_mails_the_reviewer_without_author_names(pc_world, django_capture_on_commit_callbacks):
    people, paper = pc_world

    with django_capture_on_commit_callbacks(execute=True):
        assignment_add(submission=paper, reviewer=people["unassigned_pc"], by=people["chair"])

    sent = django_mail.outbox[-1]
    assert sent.to == [people["unassigned_pc"].email]
    assert f"#{paper.pk}" in sent.subject
    assert "Author" not in sent.body and people["author"].email not in sent.body


@pytest.mark.django_db
def test_bulk_assignment_is_all_or_nothing(pc_world):
    people, paper = pc_world
    text = f"paper,email,action\n{paper.pk},{people['unassigned_pc'].email},assign\n" \
           f"{paper.pk},{people['conflicted_pc'].email},assign\n"

    preview = assignments_preview(text, by=people["chair"])
    with pytest.raises(Refused) as refused:
        assignments_apply(text=text, by=people["chair"])

    assert [r.error == "" for r in preview] == [True, False]
    assert refused.value.message.startswith("Nothing was changed: line 3:")
    assert Assignment.objects.filter(reviewer=people["unassigned_pc"]).count() == 0
