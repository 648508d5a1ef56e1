"""The committee's pages: the PC home and profile, bidding (cards and table, paged,
without JavaScript too), invitations and the chairs' conflicts page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.committee.views import BID_PAGE_ROWS, BID_TABLE_FROM, BID_TABLE_ROWS
from reviews.models import Assignment, Bid, Invitation, TopicExpertise
from submissions.models import Conflict, Submission
from tests.factories import SubmissionFactory, UserFactory, submissions_in_bulk
from tests.pages import without_tokens
from workshop.models import AOE, OutgoingMail, Topic
from workshop.phases import format_moment


@pytest.mark.django_db
def test_bidding_saves_with_htmx(client_for, pc_member, workshop):
    workshop.phase_override = "bidding"
    workshop.save()
    paper = SubmissionFactory()

    response = client_for(pc_member).post(reverse("bid_save", args=[paper.pk]),
                                          {f"p{paper.pk}-preference": "eager", f"p{paper.pk}-expertise": "3"},
                                          HTTP_HX_REQUEST="true")

    assert "Saved" in response.content.decode()
    assert Bid.objects.get().preference == "eager"


@pytest.mark.django_db
def test_bidding_page_hides_authors_and_conflicted_papers(client_for, pc_world, workshop):
    people, paper = pc_world
    workshop.phase_override = "bidding"
    workshop.save()

    mine = client_for(people["unassigned_pc"]).get(reverse("bidding")).content.decode()
    conflicted = client_for(people["conflicted_pc"]).get(reverse("bidding")).content.decode()

    assert paper.title in mine and people["author"].email not in mine
    assert paper.title not in conflicted


def _bidding_open(workshop):
    workshop.phase_override = "bidding"
    workshop.save()


def _bid_rows(response) -> list[int]:
    return [int(n) for n in re.findall(r'class="card bid-row" id="paper-(\d+)"', response.content.decode())]


def _table_rows(response) -> list[int]:
    return [int(n) for n in re.findall(r'<tr class="bid-row" id="paper-(\d+)"', response.content.decode())]


def _in_cards(client):
    """The PC member chose the cards (remembered from here on)."""
    client.get(reverse("bidding"), {"view": "cards"})
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("mode", "count", "rows"), [
    ("cards", 1, _bid_rows), ("cards", BID_PAGE_ROWS + 1, _bid_rows),
    ("table", 1, _table_rows), ("table", BID_TABLE_ROWS + 1, _table_rows)])
def test_bidding_page_runs_a_constant_number_of_queries(client_for, pc_member, author, workshop, mode, count, rows,
                                                        django_assert_num_queries):
    _bidding_open(workshop)
    submissions_in_bulk(count, created_by=author)
    client = client_for(pc_member)
    client.get(reverse("bidding"), {"view": mode})

    with django_assert_num_queries(12):
        response = client.get(reverse("bidding"))

    assert len(rows(response)) == min(count, BID_PAGE_ROWS if mode == "cards" else BID_TABLE_ROWS)


@pytest.mark.django_db
def test_bidding_page_two_shows_the_next_papers_best_match_first(client_for, pc_member, author, workshop):
    _bidding_open(workshop)
    first, second = Topic.objects.order_by("position")[:2]
    TopicExpertise.objects.create(user=pc_member, topic=second, level=3)
    papers = submissions_in_bulk(BID_PAGE_ROWS + 1, created_by=author, topic=first)
    best = submissions_in_bulk(1, created_by=author, topic=second)
    client = _in_cards(client_for(pc_member))

    page_one, page_two = client.get(reverse("bidding")), client.get(reverse("bidding"), {"page": 2})

    assert _bid_rows(page_one) == [best[0].pk, *[p.pk for p in papers[:BID_PAGE_ROWS - 1]]]
    assert _bid_rows(page_two) == [p.pk for p in papers[BID_PAGE_ROWS - 1:]]


@pytest.mark.django_db
def test_bidding_topic_filter_survives_paging(client_for, pc_member, author, workshop):
    _bidding_open(workshop)
    first, second = Topic.objects.order_by("position")[:2]
    on_topic = submissions_in_bulk(BID_PAGE_ROWS + 2, created_by=author, topic=second)
    submissions_in_bulk(3, created_by=author, topic=first)
    client = _in_cards(client_for(pc_member))

    page_one = client.get(reverse("bidding"), {"topic": second.pk}).content.decode()
    page_two = client.get(reverse("bidding"), {"topic": second.pk, "page": 2})

    assert f'href="?topic={second.pk}&amp;page=2" rel="next"' in page_one
    assert _bid_rows(page_two) == [p.pk for p in on_topic[BID_PAGE_ROWS:]]
    assert f"Page 2 of 2, {BID_PAGE_ROWS + 2} papers" in page_two.content.decode()


@pytest.mark.django_db
def test_bidding_pages_neither_show_nor_count_conflicted_papers(client_for, pc_member, author, workshop):
    _bidding_open(workshop)
    papers = submissions_in_bulk(BID_PAGE_ROWS + 1, created_by=author)
    Conflict.objects.create(submission=papers[0], user=pc_member, reason="advisor", source="pc")

    response = _in_cards(client_for(pc_member)).get(reverse("bidding"))

    assert _bid_rows(response) == [p.pk for p in papers[1:]]
    assert 'class="pager"' not in response.content.decode()


@pytest.mark.django_db
def test_bid_saved_without_javascript_returns_to_its_page_and_filter(client_for, pc_member, author, workshop):
    _bidding_open(workshop)
    topic = Topic.objects.order_by("position").first()
    papers = submissions_in_bulk(BID_PAGE_ROWS + 1, created_by=author, topic=topic)
    client = _in_cards(client_for(pc_member))
    here = f"/pc/bids/?topic={topic.pk}&page=2"
    page = client.get(here).content.decode()
    Bid.objects.create(user=pc_member, submission=papers[0], preference="eager")

    response = client.post(reverse("bid_save", args=[papers[-1].pk]), {
        f"p{papers[-1].pk}-preference": "willing", f"p{papers[-1].pk}-expertise": "2", "next": here})

    assert f'<input type="hidden" name="next" value="/pc/bids/?topic={topic.pk}&amp;page=2">' in page
    assert response.url == here
    assert dict(Bid.objects.values_list("submission_id", "preference")) == {papers[0].pk: "eager",
                                                                            papers[-1].pk: "willing"}


@pytest.mark.django_db
@pytest.mark.parametrize(("count", "mode"), [(BID_TABLE_FROM, "cards"), (BID_TABLE_FROM + 1, "table")])
def test_bidding_shows_a_long_list_as_the_table_until_the_member_chooses(client_for, pc_member, author, workshop,
                                                                         count, mode):
    _bidding_open(workshop)
    submissions_in_bulk(count, created_by=author)
    client = client_for(pc_member)

    first = client.get(reverse("bidding"))
    chosen = client.get(reverse("bidding"), {"view": "cards" if mode == "table" else "table"})
    later = client.get(reverse("bidding"))

    assert (len(_table_rows(first)), len(_bid_rows(first))) == ((count, 0) if mode == "table" else (0, count))
    assert later.context["mode"] == chosen.context["mode"] != mode  # remembered, whatever the default


@pytest.mark.django_db
def test_bidding_table_row_saves_only_its_own_bid_with_htmx(client_for, pc_member, author, workshop):
    _bidding_open(workshop)
    papers = submissions_in_bulk(2, created_by=author)
    Bid.objects.create(user=pc_member, submission=papers[1], preference="eager", expertise=1)
    client = client_for(pc_member)

    page = client.get(reverse("bidding"), {"view": "table"}).content.decode()
    row = re.search(rf'<tr class="bid-row" id="paper-{papers[1].pk}".*?</tr>', page, re.S).group(0)

    assert f'hx-post="/pc/bids/{papers[1].pk}/" hx-trigger="change" hx-include="this"' in row
    assert f'aria-label="Your bid on #{papers[1].pk}"' in row and 'role="status" aria-live="polite"' in row
    assert '<option value="eager" selected>Eager</option>' in row and '<option value="1" selected>Low</option>' in row
    assert row.count(f'form="bid-{papers[1].pk}"') == 2
    assert f'<form method="post" action="/pc/bids/{papers[1].pk}/" id="bid-{papers[1].pk}">' in row


@pytest.mark.django_db
def test_bidding_after_it_closed_says_so_and_since_when(client_for, pc_member, author, workshop):
    now = timezone.now()
    workshop.submission_opens, workshop.paper_deadline = now - timedelta(days=20), now - timedelta(days=10)
    workshop.bidding_closes, workshop.review_deadline = now - timedelta(days=3), now + timedelta(days=10)
    workshop.save()
    paper = submissions_in_bulk(1, created_by=author)[0]
    client = client_for(pc_member)

    page = client.get(reverse("bidding")).content.decode()
    refused = client.post(reverse("bid_save", args=[paper.pk]), {f"p{paper.pk}-preference": "eager"},
                          HTTP_HX_REQUEST="true").content.decode()

    closed = format_moment(workshop.bidding_closes, AOE)
    assert f'Bidding closed on <span class="dated">{closed} <time' in page
    assert "No papers to bid on" not in page
    assert f'Bidding closed on <span class="dated">{closed} <time' in refused
    assert not Bid.objects.exists()


@pytest.mark.django_db
def test_bidding_held_in_reviewing_by_the_chairs_says_so(client_for, pc_member, workshop):
    workshop.phase_override = "reviewing"
    workshop.save()

    page = client_for(pc_member).get(reverse("bidding")).content.decode()

    assert "Bidding is closed: the chairs hold the workshop in its “Reviewing” phase." in page


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 101])
def test_pc_assignment_list_is_paged_in_constant_queries_and_counts_only_reviewable_papers(
        client_for, pc_member, workshop, count, django_assert_num_queries):
    papers = submissions_in_bulk(count + 2, created_by=UserFactory())
    Assignment.objects.bulk_create(Assignment(submission=paper, reviewer=pc_member) for paper in papers)
    Conflict.objects.create(submission=papers[-1], user=pc_member, reason="advisor", source="pc")
    Submission.objects.filter(pk=papers[-2].pk).update(withdrawn_at=timezone.now())
    client = client_for(pc_member)

    with django_assert_num_queries(9):  # the page's count, its rows, and the member's own reviews of them
        response = client.get(reverse("pc_home"))

    page = response.content.decode()
    assert len(re.findall(r'href="/submissions/\d+/review/"', page)) == min(count, 100)
    assert (f"Page 1 of 2, {count} papers" in page) == (count > 100)


@pytest.mark.django_db
def test_chair_invites_by_csv_with_a_preview_first(client_for, chair, django_capture_on_commit_callbacks):
    client = client_for(chair)
    text = "name,email,affiliation,roles\nAna Lopez,ana@uni.example,Uni,pc\nBo Berg,bo@lab.example,Lab,pc;chair\n"

    preview = client.post(reverse("chair_pc"), {"csv_text": text, "csv_preview": "1"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("chair_pc"), {"csv_text": text, "csv_apply": "1"})
    job_page = client.get(queued.url).content.decode()

    assert "Preview: 2 invitation" in preview
    assert "<strong>2</strong> mails of invitation to the committee queued" in job_page
    assert "ana@uni.example" in client.get(reverse("chair_pc")).content.decode()
    mails = OutgoingMail.objects.filter(kind="pc:invitation").order_by("recipient")
    assert [m.recipient for m in mails] == ["ana@uni.example", "bo@lab.example"]
    bo = Invitation.objects.get(email="bo@lab.example")
    assert bo.roles == ["chair", "pc"] and bo.sent_count == 1 and bo.token in mails[1].body


@pytest.mark.django_db
def test_pc_member_accepts_an_invitation_by_link(client_for, chair, author):
    from reviews.committee.services import invitation_create

    invitation = invitation_create(email="x@uni.example", name="X", affiliation="", roles=["pc"], by=chair)
    client = client_for(author)

    client.post(reverse("pc_invitation", args=[invitation.token]), {"accept": "1"})

    assert client.get(reverse("pc_home")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["declined", "expired", "accepted", "wrong"])
def test_dead_invitation_links_answer_like_a_wrong_token(client_for, chair, author, state):
    """Issue 9, item 10: a declined or expired link cannot be accepted later by whoever holds it."""
    from datetime import timedelta

    from django.utils import timezone

    from reviews.committee.services import invitation_create, invitation_respond
    from reviews.models import Invitation
    from workshop import policy

    invitation = invitation_create(email="x@uni.example", name="X", affiliation="", roles=["pc"], by=chair)
    invitation.refresh_from_db()
    if state == "declined":
        invitation_respond(token=invitation.token, user=author, accept=False)
    elif state == "accepted":
        invitation_respond(token=invitation.token, user=chair, accept=True)
    elif state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=31))
    token = "not-a-token" if state == "wrong" else invitation.token
    client = client_for(author)

    page = client.get(reverse("pc_invitation", args=[token]))
    accepted = client.post(reverse("pc_invitation", args=[token]), {"accept": "1"})
    wrong = client.get(reverse("pc_invitation", args=["not-a-token"]))

    assert (page.status_code, accepted.status_code) == (404, 404)
    assert without_tokens(page) == without_tokens(wrong)
    assert not policy.is_pc_member(type(author).objects.get(pk=author.pk))


@pytest.mark.django_db
def test_resending_a_declined_invitation_makes_a_new_link(client_for, chair, author):
    from reviews.committee.services import invitation_create, invitation_resend, invitation_respond
    from reviews.models import Invitation

    invitation = invitation_create(email="x@uni.example", name="X", affiliation="", roles=["pc"], by=chair)
    old = Invitation.objects.get(pk=invitation.pk).token
    invitation_respond(token=old, user=author, accept=False)

    invitation_resend(invitation=Invitation.objects.get(pk=invitation.pk))

    new = Invitation.objects.get(pk=invitation.pk).token
    assert new != old
    assert client_for(author).get(reverse("pc_invitation", args=[old])).status_code == 404
    assert client_for(author).get(reverse("pc_invitation", args=[new])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("post", [
    {"paper": "1", "user": "abc", "reason": "other"}, {"paper": "1", "user": "", "reason": "other"},
    {"paper": "abc", "user": "1"}, {"paper": "1", "conflict": "abc", "waive": "1"},
    {"paper": "1", "conflict": "", "waive": "1"}, {"paper": "", "conflict": "", "waive": "1"},
])
def test_chair_conflicts_page_explains_tampered_ids(client_for, pc_world, post):
    """Issue 9, item 12: each was a 500 (ValueError)."""
    people, paper = pc_world

    response = client_for(people["chair"]).post(reverse("chair_conflicts"), post)

    assert response.status_code == 400
    assert 'class="form-errors"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "first"), [("chair_assignments", "1,"), ("chair_pc", "Name,")])
def test_chair_csv_with_a_huge_field_is_explained(client_for, chair, page, first):
    """Issue 9, item 12: a field over 128 KB was a 500 (_csv.Error)."""
    text = first + '"' + "x" * 140_000 + '",assign\n'

    response = client_for(chair).post(reverse(page), {"csv_text": text, "csv_preview": "1"})

    assert response.status_code == 200
    assert "a field is longer than 128 KB" in response.content.decode()


@pytest.mark.django_db
def test_pc_home_shows_the_pc_deadlines(client_for, pc_world):
    people, _paper = pc_world

    page = client_for(people["reviewer_before"]).get(reverse("pc_home")).content.decode()

    assert "Program committee dates" in page and "Review deadline" in page


@pytest.mark.django_db
def test_opening_the_pc_profile_creates_nothing(client_for, pc_member):
    from reviews.models import PcProfile

    page = client_for(pc_member).get(reverse("pc_profile"))

    assert page.status_code == 200
    assert PcProfile.objects.filter(user=pc_member).count() == 0
