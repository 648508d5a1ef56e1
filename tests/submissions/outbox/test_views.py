"""The outbox never tells a chair about papers they are conflicted with (issue 9, item 1)."""

import pytest
from django.urls import reverse

from reviews.assignments.services import assignment_add
from submissions.models import Conflict
from submissions.outbox.selectors import mails_visible_to
from submissions.outbox.views import PAGE_ROWS
from submissions.selectors import with_related
from tests.factories import OutgoingMailFactory, RoleFactory, SubmissionFactory, UserFactory
from tests.pages import without_tokens
from workshop.models import OutgoingMail


@pytest.fixture
def conflicted_world(db, chair):
    """Paper #a: chair-conflicted, with a reviewer assigned by another chair; paper #b: the chair's own."""
    other_chair = UserFactory(full_name="Otto Otherchair")
    RoleFactory(user=other_chair, name="chair")
    reviewer = UserFactory(full_name="Rita Reviewer")
    RoleFactory(user=reviewer, name="pc")
    hidden = SubmissionFactory(title="Hidden paper")
    Conflict.objects.create(submission=hidden, user=chair, reason="advisor", source="author")
    own = SubmissionFactory(title="Chair's own paper", created_by=chair)
    for paper in (hidden, own):
        assignment_add(submission=with_related(type(paper).objects.filter(pk=paper.pk)).get(), reviewer=reviewer,
                       by=other_chair)
        OutgoingMailFactory(paper_number=paper.pk, subject=f"#{paper.pk} registered: {paper.title}")
    visible = OutgoingMailFactory(subject="Invitation to the program committee")
    return hidden, own, visible


@pytest.mark.django_db
def test_outbox_list_leaves_out_mails_about_conflicted_and_own_papers(client_for, chair, conflicted_world):
    hidden, own, visible = conflicted_world

    html = client_for(chair).get(reverse("outbox")).content.decode()

    assert "Invitation to the program committee" in html
    assert f"Please review #{hidden.pk}" not in html
    assert f"Please review #{own.pk}" not in html
    assert "Rita Reviewer" not in html and "registered" not in html


@pytest.mark.django_db
def test_outbox_detail_of_a_hidden_mail_is_the_missing_mail_page(client_for, chair, conflicted_world):
    hidden, _own, _visible = conflicted_world
    mail = OutgoingMail.objects.filter(paper_number=hidden.pk, kind="pc:assignment").get()
    client = client_for(chair)

    hidden_page = client.get(reverse("outbox_detail", args=[mail.public_id]))
    missing_page = client.get(reverse("outbox_detail", args=["00000000-0000-4000-8000-000000000000"]))
    retry = client.post(reverse("outbox_retry", args=[mail.public_id]))

    assert (hidden_page.status_code, missing_page.status_code, retry.status_code) == (404, 404, 404)
    assert without_tokens(hidden_page) == without_tokens(missing_page)


@pytest.mark.django_db
def test_outbox_hidden_mails_do_not_push_visible_ones_off_the_page(client_for, chair, conflicted_world):
    hidden, _own, visible = conflicted_world
    OutgoingMailFactory.create_batch(210, paper_number=hidden.pk, subject="Hidden mail")
    OutgoingMail.objects.filter(pk=visible.pk).update(created_at="2000-01-01T00:00Z")

    html = client_for(chair).get(reverse("outbox")).content.decode()

    assert "Invitation to the program committee" in html
    assert "Hidden mail" not in html


@pytest.mark.django_db
def test_outbox_hidden_mails_count_toward_no_page_or_total(client_for, chair, conflicted_world):
    hidden, _own, _visible = conflicted_world
    OutgoingMailFactory.create_batch(PAGE_ROWS + 10, paper_number=hidden.pk, subject="Hidden mail")
    shown = mails_visible_to(user=chair).count()
    client = client_for(chair)

    first = client.get(reverse("outbox"))
    second = client.get(reverse("outbox"), {"page": 2})

    assert shown < PAGE_ROWS
    assert f'<h1>Outbox <span class="muted">({shown})</span></h1>' in first.content.decode()
    assert 'class="pager"' not in first.content.decode()
    assert without_tokens(second) == without_tokens(first)  # there is no page 2: the last page again


@pytest.mark.django_db
def test_outbox_shows_an_unconflicted_chair_every_mail(client_for, conflicted_world):
    hidden, own, _visible = conflicted_world
    third_chair = UserFactory()
    RoleFactory(user=third_chair, name="chair")

    mails = mails_visible_to(user=third_chair)

    assert mails.count() == OutgoingMail.objects.count()


@pytest.mark.django_db
def test_outbox_is_not_for_pc_members(client_for, pc_member, conflicted_world):
    assert client_for(pc_member).get(reverse("outbox")).status_code == 404
    assert mails_visible_to(user=pc_member).count() == 0


@pytest.mark.django_db
def test_outbox_shows_that_an_invitation_went_out_but_not_its_token(client_for, chair):
    """The link in a PC invitation is the invitee's seat; another chair reading the outbox must not take it."""
    from reviews.committee.services import invitation_create

    invitation = invitation_create(email="new@member.example", name="New Member", affiliation="", roles=["pc"],
                                   by=chair)
    mail = OutgoingMail.objects.get(kind="pc:invitation")

    page = client_for(chair).get(reverse("outbox_detail", args=[mail.public_id])).content.decode()

    assert invitation.token in mail.body
    assert invitation.token not in page
    assert "/pc/invitation/***" in page
