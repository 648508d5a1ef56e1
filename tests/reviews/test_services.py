import pytest
from django.core import mail as django_mail

from reviews import services
from reviews.models import Assignment, Bid, Invitation, Review, ReviewVersion
from reviews.selectors import bidding_papers, review_fields
from submissions.models import Conflict
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from tests.reviews.conftest import FULL_REVIEW, release_decision
from workshop.models import AOE, OutgoingMail, Role
from workshop.phases import format_moment


@pytest.mark.django_db
def test_invitation_mail_carries_a_link_that_gives_the_role_to_whoever_accepts(chair, author):
    invitation = services.invitation_create(email="Pat@Uni.example", name="Pat", affiliation="Uni",
                                            roles=["pc"], by=chair)
    mail = OutgoingMail.objects.get(kind="pc:invitation")

    services.invitation_respond(token=invitation.token, user=author, accept=True)

    assert mail.recipient == "pat@uni.example"
    assert f"/pc/invitation/{invitation.token}/" in mail.body
    assert set(Role.objects.filter(user=author).values_list("name", flat=True)) == {"pc"}


@pytest.mark.django_db
def test_invitation_link_works_once(chair, author, other_author):
    invitation = services.invitation_create(email="p@uni.example", name="P", affiliation="", roles=["pc"], by=chair)
    services.invitation_respond(token=invitation.token, user=author, accept=True)

    with pytest.raises(services.Refused) as refused:
        services.invitation_respond(token=invitation.token, user=other_author, accept=True)

    assert refused.value.message == "This invitation link is not valid any more. Ask the chairs for a new one."
    assert not Role.objects.filter(user=other_author).exists()


@pytest.mark.django_db
def test_declined_invitation_can_be_resent(chair, author):
    invitation = services.invitation_create(email="p@uni.example", name="P", affiliation="", roles=["pc"], by=chair)
    services.invitation_respond(token=invitation.token, user=author, accept=False)

    services.invitation_resend(invitation=invitation)

    invitation.refresh_from_db()
    assert (invitation.status, invitation.sent_count) == ("pending", 2)


@pytest.mark.django_db
def test_invitations_preview_checks_every_line(chair):
    text = "name,email,affiliation,roles\nAna,ana@uni.example,Uni,pc\nBo,not-an-email,,pc\n,c@uni.example,,wizard\n"

    rows = services.invitations_preview(text)

    assert [(r.line, r.errors) for r in rows] == [
        (2, []),
        (3, ['"not-an-email" is not an email address.']),
        (4, ["The name is missing.", "Unknown role wizard; use chair, pc or organizer."]),
    ]


@pytest.mark.django_db
def test_invitations_apply_refuses_the_whole_file_if_one_line_is_bad(chair):
    with pytest.raises(services.Refused) as refused:
        services.invitations_apply(text="Ana,ana@uni.example,,pc\nBo,bad,,pc\n", by=chair)

    assert refused.value.message == 'Fix line 2 first: "bad" is not an email address.'
    assert Invitation.objects.count() == 0


@pytest.mark.django_db
def test_conflict_bid_records_a_conflict_and_hides_the_paper(pc_member, reviewing_workshop):
    reviewing_workshop.phase_override = "bidding"
    reviewing_workshop.save()
    paper = SubmissionFactory()

    services.bid_set(user=pc_member, submission=paper, preference="conflict", expertise=None,
                     workshop=reviewing_workshop)

    assert Conflict.objects.get(submission=paper).source == "pc"
    assert list(bidding_papers(user=pc_member, workshop=reviewing_workshop)) == []


@pytest.mark.django_db
def test_bid_after_bidding_closed_is_refused(pc_member, reviewing_workshop):
    paper = SubmissionFactory()

    with pytest.raises(services.Refused):
        services.bid_set(user=pc_member, submission=paper, preference="eager", expertise=3,
                         workshop=reviewing_workshop)

    assert Bid.objects.count() == 0


@pytest.mark.django_db
def test_conflicts_detect_links_pc_and_authors_of_one_institution(workshop):
    member = UserFactory(email="pc@northbridge.edu")
    RoleFactory(user=member, name="pc")
    paper = SubmissionFactory(authors=[("Nia", "nia@northbridge.edu")])

    services.conflicts_detect()

    assert Conflict.objects.get(submission=paper, user=member).source == "auto"


@pytest.mark.django_db
def test_collaborators_become_suggestions_not_conflicts(workshop):
    member = UserFactory(email="pc@far.example")
    RoleFactory(user=member, name="pc")
    services.pc_profile_save(user=member, research_statement="", recent_papers="",
                             collaborators="Nia Researcher\n", threat_terms=[], topic_levels={})
    SubmissionFactory(authors=[("Nia Researcher", "nia@elsewhere.example")])

    suggestions = services.conflict_suggestions()

    assert [s["why"] for s in suggestions] == ["Nia Researcher is in their collaborator list"]
    assert Conflict.objects.count() == 0


@pytest.mark.django_db
def test_assigning_a_conflicted_reviewer_is_refused_with_the_reason(pc_world):
    people, paper = pc_world

    with pytest.raises(services.Refused) as refused:
        services.assignment_add(submission=paper, reviewer=people["conflicted_pc"], by=people["chair"])

    assert refused.value.message == (
        f"Conflicted Pc has a conflict with #{paper.pk}: advisor / advisee (declared by the authors)."
    )


@pytest.mark.django_db
def test_a_conflicted_chair_cannot_assign(pc_world):
    people, paper = pc_world

    with pytest.raises(services.Refused):
        services.assignment_add(submission=paper, reviewer=people["unassigned_pc"], by=people["conflicted_chair"])


@pytest.mark.django_db
def test_assignment_mails_the_reviewer_without_author_names(pc_world, django_capture_on_commit_callbacks):
    people, paper = pc_world

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_add(submission=paper, reviewer=people["unassigned_pc"], by=people["chair"])

    sent = django_mail.outbox[-1]
    assert sent.to == [people["unassigned_pc"].email]
    assert f"#{paper.pk}" in sent.subject
    assert "Author" not in sent.body and people["author"].email not in sent.body


@pytest.mark.django_db
def test_bulk_assignment_is_all_or_nothing(pc_world):
    people, paper = pc_world
    text = f"paper,email,action\n{paper.pk},{people['unassigned_pc'].email},assign\n" \
           f"{paper.pk},{people['conflicted_pc'].email},assign\n"

    preview = services.assignments_preview(text, by=people["chair"])
    with pytest.raises(services.Refused) as refused:
        services.assignments_apply(text=text, by=people["chair"])

    assert [r.error == "" for r in preview] == [True, False]
    assert refused.value.message.startswith("Nothing was changed: line 3:")
    assert Assignment.objects.filter(reviewer=people["unassigned_pc"]).count() == 0


@pytest.mark.django_db
def test_review_draft_then_stale_tab_is_refused(pc_world, workshop):
    people, paper = pc_world
    fields = review_fields()
    review = services.review_save(submission=paper, by=people["reviewer_before"], values={"summary": "First tab"},
                                  expected_version=0, submit=False, workshop=workshop, fields=fields)

    with pytest.raises(services.Refused) as refused:
        services.review_save(submission=paper, by=people["reviewer_before"],
                             values={"summary": "Old tab"}, expected_version=0, submit=False, workshop=workshop,
                             fields=fields)

    assert "saved from another tab or window" in refused.value.message
    assert Review.objects.get(pk=review.pk).draft_values["summary"] == "First tab"


@pytest.mark.django_db
def test_review_submit_needs_the_required_fields(pc_world, workshop):
    people, paper = pc_world
    with pytest.raises(services.Refused) as refused:
        services.review_save(submission=paper, by=people["reviewer_before"], values={"overall_merit": "4"},
                             expected_version=0, submit=True, workshop=workshop, fields=review_fields())

    assert refused.value.message == ("Please fill in: Reviewer expertise, Threat model clarity and realism, "
                                     "Relevance to security, Reproducibility, Paper summary, Strengths, Weaknesses.")


@pytest.mark.django_db
def test_review_submitted_after_the_deadline_is_marked_late_and_versions_kept(pc_world, workshop):
    people, paper = pc_world
    from datetime import timedelta

    from django.utils import timezone

    workshop.review_deadline = timezone.now() - timedelta(hours=1)
    review = services.review_save(submission=paper, by=people["reviewer_before"], values=FULL_REVIEW,
                                  expected_version=0, submit=True, workshop=workshop, fields=review_fields())
    services.review_save(submission=paper, by=people["reviewer_before"], values={**FULL_REVIEW, "overall_merit": "5"},
                         expected_version=1, submit=True, workshop=workshop, fields=review_fields())

    assert review.is_late is True
    assert [v.values["overall_merit"] for v in ReviewVersion.objects.filter(review=review)] == ["5", "4"]


@pytest.mark.django_db
def test_review_with_an_invalid_score_is_refused(pc_world, workshop):
    people, paper = pc_world
    with pytest.raises(services.Refused) as refused:
        services.review_save(submission=paper, by=people["reviewer_before"], values={"overall_merit": "9"},
                             expected_version=0, submit=False, workshop=workshop, fields=review_fields())

    assert refused.value.message == '"9" is not a valid answer for Overall merit.'


@pytest.mark.django_db
def test_reviews_are_frozen_once_decisions_are_released(pc_world, workshop):
    people, paper = pc_world
    release_decision(paper)
    with pytest.raises(services.Refused) as refused:
        services.review_save(submission=paper, by=people["reviewer_after"], values=FULL_REVIEW,
                             expected_version=0, submit=False, workshop=workshop, fields=review_fields())

    released = format_moment(paper.decision_released_at, AOE)
    assert refused.value.message == (f"The decision on this paper was released on {released}; its reviews can no "
                                     "longer be changed.")


@pytest.mark.django_db
def test_comment_mails_only_reviewers_who_may_read_it(pc_world, workshop):
    people, paper = pc_world

    services.comment_add(submission=paper, by=people["chair"], body="Discuss?", chairs_only=False,
                         workshop=workshop)

    assert list(OutgoingMail.objects.filter(kind="pc:comment").values_list("recipient", flat=True)) == [
        people["reviewer_after"].email
    ]


@pytest.mark.django_db
def test_comment_by_a_reviewer_who_cannot_see_reviews_is_refused(pc_world, workshop):
    people, paper = pc_world

    with pytest.raises(services.Refused):
        services.comment_add(submission=paper, by=people["reviewer_before"], body="Hi", chairs_only=False,
                             workshop=workshop)


@pytest.mark.django_db
def test_sharing_a_public_mail_provider_is_no_conflict(workshop):
    member = UserFactory(email="pc@gmail.com")
    RoleFactory(user=member, name="pc")
    SubmissionFactory(authors=[("Nia", "nia@gmail.com")])

    assert services.conflicts_detect() == 0


@pytest.mark.django_db
def test_review_edits_of_a_submitted_review_stay_private_until_update(pc_world, workshop):
    people, paper = pc_world
    reviewer = people["reviewer_after"]
    review = Review.objects.get(reviewer=reviewer)

    services.review_save(submission=paper, by=reviewer, values={**FULL_REVIEW, "summary": "Half-typed"},
                         expected_version=review.version, submit=False, workshop=workshop, fields=review_fields())

    review.refresh_from_db()
    assert (review.values["summary"], review.draft_values["summary"]) == ("Poisons detectors.", "Half-typed")
    assert ReviewVersion.objects.filter(review=review).count() == 0

    services.review_save(submission=paper, by=reviewer, values={**FULL_REVIEW, "summary": "Finished"},
                         expected_version=review.version, submit=True, workshop=workshop, fields=review_fields())

    review.refresh_from_db()
    assert (review.values["summary"], review.draft_values) == ("Finished", None)
    assert ReviewVersion.objects.filter(review=review).count() == 1


@pytest.mark.django_db
def test_review_discard_changes_keeps_the_submitted_text(pc_world, workshop):
    people, paper = pc_world
    reviewer = people["reviewer_after"]
    review = services.review_save(submission=paper, by=reviewer, values={**FULL_REVIEW, "summary": "Oops"},
                                  expected_version=0, submit=False, workshop=workshop, fields=review_fields())

    services.review_discard_changes(submission=paper, by=reviewer, expected_version=review.version,
                                    workshop=workshop)

    review.refresh_from_db()
    assert (review.values["summary"], review.draft_values, review.working_values["summary"]) == (
        "Poisons detectors.", None, "Poisons detectors.")


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
    services.pc_profile_save(user=member, research_statement="", recent_papers="", collaborators="",
                             threat_terms=[], topic_levels={})
    after = client.get(reverse("bidding")).content.decode()

    assert paper.title in before and paper.title in after
    assert Conflict.objects.count() == 0
    assert [(s["why"], s["automatic"]) for s in services.conflict_suggestions()] == [
        ("Hana Hidden writes from @hidden4.example, a domain in their profile", False)]


@pytest.mark.django_db
def test_unverified_secondary_address_does_not_make_a_conflict(workshop):
    from allauth.account.models import EmailAddress

    member = UserFactory(email="pc@northbridge.example")
    RoleFactory(user=member, name="pc")
    EmailAddress.objects.create(user=member, email="pc@hidden4.example", verified=False)
    SubmissionFactory(authors=[("Hana Hidden", "hana@hidden4.example")])

    assert services.conflicts_detect() == 0
