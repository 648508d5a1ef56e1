"""Invitations, bids and conflicts (recorded, detected, suggested)."""

import pytest

from reviews.committee.selectors import bidding_papers, conflict_suggestions
from reviews.committee.services import (
    bid_set,
    conflicts_detect,
    invitation_create,
    invitation_resend,
    invitation_respond,
    invitations_apply,
    invitations_preview,
    pc_profile_save,
)
from reviews.models import Bid, Invitation
from submissions.models import Conflict
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from workshop.errors import Refused
from workshop.models import OutgoingMail, Role


@pytest.mark.django_db
def test_invitation_mail_carries_a_link_that_gives_the_role_to_whoever_accepts(chair, author):
    invitation = invitation_create(email="Pat@Uni.example", name="Pat", affiliation="Uni",
                                   roles=["pc"], by=chair)
    mail = OutgoingMail.objects.get(kind="pc:invitation")

    invitation_respond(token=invitation.token, user=author, accept=True)

    assert mail.recipient == "pat@uni.example"
    assert f"/pc/invitation/{invitation.token}/" in mail.body
    assert set(Role.objects.filter(user=author).values_list("name", flat=True)) == {"pc"}


@pytest.mark.django_db
def test_invitation_link_works_once(chair, author, other_author):
    invitation = invitation_create(email="p@uni.example", name="P", affiliation="", roles=["pc"], by=chair)
    invitation_respond(token=invitation.token, user=author, accept=True)

    with pytest.raises(Refused) as refused:
        invitation_respond(token=invitation.token, user=other_author, accept=True)

    assert refused.value.message == "This invitation link is not valid any more. Ask the chairs for a new one."
    assert not Role.objects.filter(user=other_author).exists()


@pytest.mark.django_db
def test_declined_invitation_can_be_resent(chair, author):
    invitation = invitation_create(email="p@uni.example", name="P", affiliation="", roles=["pc"], by=chair)
    invitation_respond(token=invitation.token, user=author, accept=False)

    invitation_resend(invitation=invitation)

    invitation.refresh_from_db()
    assert (invitation.status, invitation.sent_count) == ("pending", 2)


@pytest.mark.django_db
def test_invitations_preview_checks_every_line(chair):
    text = "name,email,affiliation,roles\nAna,ana@uni.example,Uni,pc\nBo,not-an-email,,pc\n,c@uni.example,,wizard\n"

    rows = invitations_preview(text)

    assert [(r.line, r.errors) for r in rows] == [
        (2, []),
        (3, ['"not-an-email" is not an email address.']),
        (4, ["The name is missing.", "Unknown role wizard; use chair, pc or organizer."]),
    ]


@pytest.mark.django_db
def test_invitations_apply_refuses_the_whole_file_if_one_line_is_bad(chair):
    with pytest.raises(Refused) as refused:
        invitations_apply(text="Ana,ana@uni.example,,pc\nBo,bad,,pc\n", by=chair)

    assert refused.value.message == 'Fix line 2 first: "bad" is not an email address.'
    assert Invitation.objects.count() == 0


@pytest.mark.django_db
def test_conflict_bid_records_a_conflict_and_hides_the_paper(pc_member, reviewing_workshop):
    reviewing_workshop.phase_override = "bidding"
    reviewing_workshop.save()
    paper = SubmissionFactory()

    bid_set(user=pc_member, submission=paper, preference="conflict", expertise=None,
            workshop=reviewing_workshop)

    assert Conflict.objects.get(submission=paper).source == "pc"
    assert list(bidding_papers(user=pc_member, workshop=reviewing_workshop)) == []


@pytest.mark.django_db
def test_bid_after_bidding_closed_is_refused(pc_member, reviewing_workshop):
    paper = SubmissionFactory()

    with pytest.raises(Refused):
        bid_set(user=pc_member, submission=paper, preference="eager", expertise=3,
                workshop=reviewing_workshop)

    assert Bid.objects.count() == 0


@pytest.mark.django_db
def test_conflicts_detect_links_pc_and_authors_of_one_institution(workshop):
    member = UserFactory(email="pc@northbridge.edu")
    RoleFactory(user=member, name="pc")
    paper = SubmissionFactory(authors=[("Nia", "nia@northbridge.edu")])

    conflicts_detect()

    assert Conflict.objects.get(submission=paper, user=member).source == "auto"


@pytest.mark.django_db
def test_collaborators_become_suggestions_not_conflicts(workshop):
    member = UserFactory(email="pc@far.example")
    RoleFactory(user=member, name="pc")
    pc_profile_save(user=member, research_statement="", recent_papers="",
                    collaborators="Nia Researcher\n", threat_terms=[], topic_levels={})
    SubmissionFactory(authors=[("Nia Researcher", "nia@elsewhere.example")])

    suggestions = conflict_suggestions()

    assert [s["why"] for s in suggestions] == ["Nia Researcher is in their collaborator list"]
    assert Conflict.objects.count() == 0


@pytest.mark.django_db
def test_sharing_a_public_mail_provider_is_no_conflict(workshop):
    member = UserFactory(email="pc@gmail.com")
    RoleFactory(user=member, name="pc")
    SubmissionFactory(authors=[("Nia", "nia@gmail.com")])

    assert conflicts_detect() == 0


@pytest.mark.django_db
def test_typed_profile_domains_only_suggest_and_never_hide_papers(client_for, workshop):
    """Issue 9, item 2: typing a rival's domain must not reveal which paper vanishes."""
    from django.urls import reverse

    workshop.phase_override = "bidding"
    workshop.save()
    member = UserFactory(email="pc@northbridge.example")
    RoleFactory(user=member, name="pc")
    paper = SubmissionFactory(authors=[("Hana Hidden", "hana@hidden4.example")])
    client = client_for(member)
    before = client.get(reverse("bidding")).content.decode()

    client.post(reverse("profile"), {"full_name": member.full_name, "affiliation": "", "orcid": "",
                                     "email_domains": "hidden4.example"})
    pc_profile_save(user=member, research_statement="", recent_papers="", collaborators="",
                    threat_terms=[], topic_levels={})
    after = client.get(reverse("bidding")).content.decode()

    assert paper.title in before and paper.title in after
    assert Conflict.objects.count() == 0
    assert [(s["why"], s["automatic"]) for s in conflict_suggestions()] == [
        ("Hana Hidden writes from @hidden4.example, a domain in their profile", False)]


@pytest.mark.django_db
def test_unverified_secondary_address_does_not_make_a_conflict(workshop):
    from allauth.account.models import EmailAddress

    member = UserFactory(email="pc@northbridge.example")
    RoleFactory(user=member, name="pc")
    EmailAddress.objects.create(user=member, email="pc@hidden4.example", verified=False)
    SubmissionFactory(authors=[("Hana Hidden", "hana@hidden4.example")])

    assert conflicts_detect() == 0
