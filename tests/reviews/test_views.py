import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reviews.models import Assignment, Bid, Review, TopicExpertise
from reviews.services import assignments_preview
from reviews.views import ASSIGNMENT_PAGE_ROWS, BID_PAGE_ROWS, BID_TABLE_FROM, BID_TABLE_ROWS
from submissions.models import Conflict
from tests.factories import RoleFactory, SubmissionFactory, UserFactory, submissions_in_bulk
from tests.pages import without_tokens
from tests.reviews.conftest import FULL_REVIEW, release_decision, submitted_review
from workshop.models import AOE, Topic
from workshop.phases import format_moment


def _strip_tokens(html: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "", html)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["review_edit", "review_offline", "submission_detail", "paper_pdf"])
def test_review_urls_answer_404_to_the_unassigned_and_conflicted(client_for, pc_world, name):
    people, paper = pc_world
    for persona in ("conflicted_pc", "conflicted_chair", "other_author"):
        response = client_for(people[persona]).get(reverse(name, args=[paper.pk]))
        missing = client_for(people[persona]).get(reverse(name, args=[paper.pk + 999]))

        assert response.status_code == missing.status_code == 404
        assert _strip_tokens(response.content.decode()) == _strip_tokens(missing.content.decode())


@pytest.mark.django_db
def test_unassigned_pc_cannot_open_a_review_form(client_for, pc_world):
    people, paper = pc_world

    assert client_for(people["unassigned_pc"]).get(reverse("review_edit", args=[paper.pk])).status_code == 404


@pytest.mark.django_db
def test_reviewer_sees_other_reviews_only_after_submitting(client_for, pc_world):
    people, paper = pc_world
    url = reverse("submission_detail", args=[paper.pk])

    before = client_for(people["reviewer_before"]).get(url).content.decode()
    after = client_for(people["reviewer_after"]).get(url).content.decode()

    assert "Poisons detectors." not in before
    assert "Poisons detectors." in after
    assert "by Reviewer After" in after
    assert "Secret note" in after  # PC-only field, shown to the PC


@pytest.mark.django_db
def test_author_sees_released_reviews_without_names_or_pc_fields(client_for, pc_world, workshop):
    people, paper = pc_world
    release_decision(paper)

    page = client_for(people["author"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()

    assert "Poisons detectors." in page
    assert "Review A" in page
    assert "Reviewer After" not in page and people["reviewer_after"].email not in page
    assert "Secret note" not in page


@pytest.mark.django_db
def test_pc_member_never_sees_authors_under_double_blind(client_for, pc_world):
    people, paper = pc_world

    page = client_for(people["reviewer_after"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()

    assert people["author"].email not in page and people["coauthor"].email not in page
    assert "All versions" not in page


@pytest.mark.django_db
def test_review_autosave_then_reload_finds_the_draft(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["reviewer_before"])
    url = reverse("review_edit", args=[paper.pk])
    client.get(url)

    saved = client.post(url, {"summary": "Half a thought", "version": 0, "autosave": "1"},
                        HTTP_HX_REQUEST="true")
    page = client.get(url).content.decode()

    assert "Draft saved at" in saved.content.decode()
    assert 'id="review-version" value="1"' in saved.content.decode()
    assert "Half a thought" in page


@pytest.mark.django_db
def test_opening_the_review_form_creates_no_review(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["reviewer_before"])

    client.get(reverse("review_edit", args=[paper.pk]))
    client.get(reverse("review_offline", args=[paper.pk]))
    home = client.get(reverse("pc_home")).content.decode()

    assert Review.objects.filter(reviewer=people["reviewer_before"]).count() == 0
    assert "Not started — write it" in home


@pytest.mark.django_db
def test_autosave_of_a_submitted_review_is_not_shown_to_co_reviewers(client_for, pc_world):
    people, paper = pc_world
    Assignment.objects.create(submission=paper, reviewer=people["unassigned_pc"])
    submitted_review(paper, people["unassigned_pc"], summary="Co-reviewer's own.")
    author_of_review = client_for(people["reviewer_after"])
    url = reverse("review_edit", args=[paper.pk])
    version = Review.objects.get(reviewer=people["reviewer_after"]).version

    saved = author_of_review.post(url, {**FULL_REVIEW, "summary": "Half-typed second thou", "version": version,
                                        "autosave": "1"}, HTTP_HX_REQUEST="true")
    seen = client_for(people["unassigned_pc"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    own = author_of_review.get(url).content.decode()

    assert "Changes saved privately" in saved.content.decode()
    assert "Half-typed second thou" not in seen
    assert "Poisons detectors." in seen
    assert "Half-typed second thou" in own
    assert "changes that only you can see" in own


@pytest.mark.django_db
def test_review_autosave_from_a_stale_tab_says_so(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["reviewer_before"])
    url = reverse("review_edit", args=[paper.pk])
    client.post(url, {"summary": "Tab one", "version": 0, "autosave": "1"}, HTTP_HX_REQUEST="true")

    stale = client.post(url, {"summary": "Tab two", "version": 0, "autosave": "1"}, HTTP_HX_REQUEST="true")

    assert "saved from another tab or window" in stale.content.decode()
    assert Review.objects.get(reviewer=people["reviewer_before"]).draft_values["summary"] == "Tab one"


@pytest.mark.django_db
def test_two_tabs_on_two_papers_keep_both_drafts(client_for, pc_world):
    people, paper = pc_world
    second = SubmissionFactory()
    Assignment.objects.create(submission=second, reviewer=people["reviewer_before"])
    client = client_for(people["reviewer_before"])

    client.post(reverse("review_edit", args=[paper.pk]), {"summary": "On one", "version": 0, "autosave": "1"})
    client.post(reverse("review_edit", args=[second.pk]), {"summary": "On two", "version": 0, "autosave": "1"})

    drafts = dict(Review.objects.filter(reviewer=people["reviewer_before"]).values_list("submission_id",
                                                                                      "draft_values"))
    assert (drafts[paper.pk]["summary"], drafts[second.pk]["summary"]) == ("On one", "On two")


@pytest.mark.django_db
def test_review_preview_shows_sanitised_markdown(client_for, pc_world):
    people, paper = pc_world

    response = client_for(people["reviewer_before"]).post(
        reverse("review_preview", args=[paper.pk]), {"summary": "**bold** <script>x()</script>"})

    assert "<strong>bold</strong>" in response.content.decode()
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_offline_review_round_trip_and_line_numbered_errors(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["reviewer_before"])
    Review.objects.create(submission=paper, reviewer=people["reviewer_before"], values=FULL_REVIEW)
    text = client.get(reverse("review_offline", args=[paper.pk])).content.decode()
    broken = text.replace("4. Weak accept", "9")

    bad = client.post(reverse("review_upload", args=[paper.pk]),
                      {"review_file": SimpleUploadedFile("r.txt", broken.encode())}, follow=True)
    good = client.post(reverse("review_upload", args=[paper.pk]),
                       {"review_file": SimpleUploadedFile("r.txt", text.encode()), "submit": "on"}, follow=True)

    line = next(i for i, text_line in enumerate(broken.splitlines(), start=1) if text_line == "9")
    assert f"Nothing was saved. Line {line}: &quot;9&quot; is not a valid Overall merit." in bad.content.decode()
    assert "The uploaded review is saved." in good.content.decode()
    assert Review.objects.get(reviewer=people["reviewer_before"]).is_submitted


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
@pytest.mark.parametrize("count", [1, 50])
def test_pc_assignment_list_runs_a_constant_number_of_queries(client_for, pc_member, workshop, count,
                                                              django_assert_num_queries):
    for paper in SubmissionFactory.create_batch(count):
        Assignment.objects.create(submission=paper, reviewer=pc_member)
    client = client_for(pc_member)

    with django_assert_num_queries(13):  # +1 since the page shows the PC dates
        response = client.get(reverse("pc_home"))

    assert len(re.findall(r'href="/submissions/\d+/review/"', response.content.decode())) == count


def _assignment_rows(response) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="paper-(\d+)"', response.content.decode())]


def _reviewer_of(papers, reviewer=None):
    reviewer = reviewer or UserFactory()
    RoleFactory(user=reviewer, name="pc")
    Assignment.objects.bulk_create(Assignment(submission=p, reviewer=reviewer) for p in papers)
    return reviewer


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, ASSIGNMENT_PAGE_ROWS + 1])
def test_chair_assignment_page_runs_a_constant_number_of_queries(client_for, chair, author, workshop, count,
                                                                 django_assert_num_queries):
    papers = submissions_in_bulk(count, created_by=author)
    reviewer = _reviewer_of(papers)
    for paper in papers:
        submitted_review(paper, reviewer)
    client = client_for(chair)

    with django_assert_num_queries(14):
        response = client.get(reverse("chair_assignments"))

    assert len(_assignment_rows(response)) == min(count, ASSIGNMENT_PAGE_ROWS)
    # the loads count every paper, not the page's
    assert re.search(rf'value="{count}" aria-label="load"></meter> {count}</td><td>{count}</td>',
                     response.content.decode())


@pytest.mark.django_db
def test_chair_assignment_page_two_shows_the_next_papers(client_for, chair, author, workshop):
    papers = submissions_in_bulk(ASSIGNMENT_PAGE_ROWS + 2, created_by=author)

    response = client_for(chair).get(reverse("chair_assignments"), {"page": 2})

    assert _assignment_rows(response) == [p.pk for p in papers[ASSIGNMENT_PAGE_ROWS:]]
    assert f"Page 2 of 2, {ASSIGNMENT_PAGE_ROWS + 2} papers" in response.content.decode()


@pytest.mark.django_db
def test_chair_assignment_reviewer_filter_survives_paging_and_assigning(client_for, chair, author, workshop):
    papers = submissions_in_bulk(ASSIGNMENT_PAGE_ROWS + 5, created_by=author)
    reviewer = _reviewer_of(papers[3:])
    other = _reviewer_of([])
    client = client_for(chair)
    here = f"/chair/assignments/?reviewer={reviewer.pk}&page=2"

    page_one = client.get(reverse("chair_assignments"), {"reviewer": reviewer.pk}).content.decode()
    page_two = client.get(here)
    response = client.post(here, {"paper": papers[-1].pk, "reviewer": other.pk})

    assert f'href="?reviewer={reviewer.pk}&amp;page=2" rel="next"' in page_one
    assert f"Papers assigned to {reviewer.full_name}" in page_one
    assert _assignment_rows(page_two) == [p.pk for p in papers[ASSIGNMENT_PAGE_ROWS + 3:]]
    assert response.url == f"{here}#paper-{papers[-1].pk}"
    assert Assignment.objects.filter(reviewer=other).count() == 1


@pytest.mark.django_db
def test_chair_assignment_reviewer_filter_leaves_out_conflicted_papers(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["conflicted_chair"])

    listed = client.get(reverse("chair_assignments")).content.decode()
    filtered = client.get(reverse("chair_assignments"), {"reviewer": people["reviewer_before"].pk})

    assert f'<tr class="conflicted" id="paper-{paper.pk}">' in listed
    assert f'id="paper-{paper.pk}"' not in filtered.content.decode()


@pytest.mark.django_db
def test_chair_assignment_page_refuses_a_conflicted_reviewer_with_the_reason(client_for, pc_world):
    people, paper = pc_world

    response = client_for(people["chair"]).post(
        reverse("chair_assignments"), {"paper": paper.pk, "reviewer": people["conflicted_pc"].pk}, follow=True)

    assert "Conflicted Pc has a conflict with" in response.content.decode()


@pytest.mark.django_db
def test_conflicted_chair_sees_the_paper_as_title_only_and_no_loads_from_it(client_for, pc_world):
    people, paper = pc_world

    page = client_for(people["conflicted_chair"]).get(reverse("chair_assignments")).content.decode()

    assert "You have a conflict with this paper" in page
    assert "Reviewer After" not in page.split("Reviewers per paper")[1]
    assert re.search(r"Reviewer After</td><td><meter[^>]*value=\"0\"", page)


@pytest.mark.django_db
def test_chair_unassigns_from_the_pc_members_papers(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["chair"])
    here = f"{reverse('chair_assignments')}?reviewer={people['reviewer_before'].pk}"
    page = client.get(reverse("chair_assignments")).content.decode()
    theirs = client.get(here).content.decode()

    client.post(here, {"paper": paper.pk, "reviewer": people["reviewer_before"].pk, "unassign": "1"})

    assert f'<a href="?reviewer={people["reviewer_before"].pk}#papers-h">Reviewer Before' in page
    assert f'Unassign<span class="visually-hidden"> Reviewer Before from #{paper.pk}</span>' in theirs
    assert not Assignment.objects.filter(reviewer=people["reviewer_before"]).exists()


@pytest.mark.django_db
def test_chair_invites_by_csv_with_a_preview_first(client_for, chair):
    client = client_for(chair)
    text = "name,email,affiliation,roles\nAna Lopez,ana@uni.example,Uni,pc\n"

    preview = client.post(reverse("chair_pc"), {"csv_text": text, "csv_preview": "1"}).content.decode()
    client.post(reverse("chair_pc"), {"csv_text": text, "csv_apply": "1"})

    assert "Preview: 1 invitation" in preview
    assert "ana@uni.example" in client.get(reverse("chair_pc")).content.decode()


@pytest.mark.django_db
def test_pc_member_accepts_an_invitation_by_link(client_for, chair, author):
    from reviews.services import invitation_create

    invitation = invitation_create(email="x@uni.example", name="X", affiliation="", roles=["pc"], by=chair)
    client = client_for(author)

    client.post(reverse("pc_invitation", args=[invitation.token]), {"accept": "1"})

    assert client.get(reverse("pc_home")).status_code == 200


@pytest.mark.django_db
def test_discussion_comment_is_posted_and_shown(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["reviewer_after"])

    client.post(reverse("comment_add", args=[paper.pk]), {"body": "I lean accept."})
    chair_page = client_for(people["chair"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    reviewer_before = client_for(people["reviewer_before"]).get(
        reverse("submission_detail", args=[paper.pk])).content.decode()

    assert "I lean accept." in chair_page
    assert "I lean accept." not in reviewer_before


@pytest.mark.django_db
def test_review_form_editor_rejects_a_scale_without_labels(client_for, chair):
    from reviews.models import ReviewField

    fields = list(ReviewField.objects.order_by("position"))
    data = {"form-TOTAL_FORMS": len(fields), "form-INITIAL_FORMS": len(fields)}
    for i, f in enumerate(fields):
        data.update({f"form-{i}-id": f.pk, f"form-{i}-label": f.label, f"form-{i}-key": f.key,
                     f"form-{i}-kind": f.kind, f"form-{i}-required": "on" if f.required else "",
                     f"form-{i}-visibility": f.visibility, f"form-{i}-help": f.help,
                     f"form-{i}-position": f.position,
                     f"form-{i}-options_text": "\n".join(f"{v} = {label}" for v, label in f.options)})
    data["form-0-options_text"] = "1 Strong reject"

    response = client_for(chair).post(reverse("chair_review_form"), data)

    assert "Line 1: write it as “value = label”." in response.content.decode()


@pytest.mark.django_db
def test_discussion_hides_comment_authors_when_reviewer_names_are_hidden(client_for, pc_world, workshop):
    """Issue 9, item 4."""
    from reviews.models import Comment

    people, paper = pc_world
    workshop.reviewer_names_to_pc = "never"
    workshop.save()
    second = people["unassigned_pc"]
    Assignment.objects.create(submission=paper, reviewer=second)
    submitted_review(paper, second)
    Comment.objects.create(submission=paper, author=second, body="I disagree with A.")
    Comment.objects.create(submission=paper, author=people["chair"], body="Let us decide.")

    page = client_for(people["reviewer_after"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    chair_page = client_for(people["chair"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()

    assert second.full_name not in page
    assert "Reviewer B · " in page and "A chair · " in page
    assert f"{second.full_name} · " in chair_page


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["declined", "expired", "accepted", "wrong"])
def test_dead_invitation_links_answer_like_a_wrong_token(client_for, chair, author, state):
    """Issue 9, item 10: a declined or expired link cannot be accepted later by whoever holds it."""
    from datetime import timedelta

    from django.utils import timezone

    from reviews.models import Invitation
    from reviews.services import invitation_create, invitation_respond
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
    from reviews.models import Invitation
    from reviews.services import invitation_create, invitation_resend, invitation_respond

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
def test_assignment_exports_are_formula_safe_and_read_back(client_for, pc_world):
    """Issue 9, item 14."""
    people, paper = pc_world
    formula = UserFactory(email="=1+2@formula.example", full_name="Formula")
    RoleFactory(user=formula, name="pc")
    Assignment.objects.create(submission=paper, reviewer=formula)

    text = client_for(people["chair"]).get(reverse("assignments_csv")).content.decode()
    rows = {r.email: r for r in assignments_preview(text, by=people["chair"])}

    assert f"{paper.pk},'=1+2@formula.example,assign" in text.splitlines()
    assert rows["=1+2@formula.example"].reviewer == formula


@pytest.mark.django_db
def test_author_never_learns_which_review_was_late(client_for, pc_world, workshop):
    """Issue 9, item 25: lateness is PC-internal."""
    people, paper = pc_world
    Review.objects.filter(reviewer=people["reviewer_after"]).update(is_late=True)
    release_decision(paper)

    author_page = client_for(people["author"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    chair_page = client_for(people["chair"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()

    assert ">late<" not in author_page
    assert ">late<" in chair_page


@pytest.mark.django_db
def test_comment_mails_reach_the_chairs_too(client_for, pc_world, django_capture_on_commit_callbacks):
    """Issue 10: a comment used to be mailed to the reviewers only."""
    from workshop.models import OutgoingMail

    people, paper = pc_world
    with django_capture_on_commit_callbacks(execute=True):
        client_for(people["reviewer_after"]).post(reverse("comment_add", args=[paper.pk]), {"body": "Accept?"})

    recipients = set(OutgoingMail.objects.filter(kind="pc:comment").values_list("recipient", flat=True))
    assert people["chair"].email in recipients
    assert people["conflicted_chair"].email not in recipients
    assert people["reviewer_after"].email not in recipients


@pytest.mark.django_db
def test_submitting_with_missing_answers_marks_each_missing_question(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["reviewer_before"])

    page = client.post(reverse("review_edit", args=[paper.pk]), {"overall_merit": "4", "version": 0, "submit": "1"})

    html = page.content.decode()
    assert html.count("Please answer this to submit the review.") == 7
    assert 'class="field score has-error"' in html


@pytest.mark.django_db
def test_pc_home_shows_the_pc_deadlines(client_for, pc_world):
    people, _paper = pc_world

    page = client_for(people["reviewer_before"]).get(reverse("pc_home")).content.decode()

    assert "Program committee dates" in page and "Review deadline" in page


@pytest.mark.django_db
def test_adding_a_required_question_warns_and_never_unsubmits(client_for, pc_world):
    from reviews.models import ReviewField

    people, paper = pc_world
    fields = list(ReviewField.objects.order_by("position", "id"))
    data = {"form-TOTAL_FORMS": len(fields) + 1, "form-INITIAL_FORMS": len(fields)}
    for i, f in enumerate(fields):
        data.update({f"form-{i}-id": f.pk, f"form-{i}-label": f.label, f"form-{i}-key": f.key,
                     f"form-{i}-kind": f.kind, f"form-{i}-required": "on" if f.required else "",
                     f"form-{i}-visibility": f.visibility, f"form-{i}-help": f.help, f"form-{i}-position": f.position,
                     f"form-{i}-options_text": "\n".join(f"{v} = {label}" for v, label in f.options)})
    n = len(fields)
    data.update({f"form-{n}-label": "Ethics concerns", f"form-{n}-key": "ethics", f"form-{n}-kind": "text",
                 f"form-{n}-required": "on", f"form-{n}-visibility": "pc", f"form-{n}-position": 99})

    page = client_for(people["chair"]).post(reverse("chair_review_form"), data, follow=True).content.decode()

    assert "1 submitted review does not answer the required question “Ethics concerns”" in page
    assert Review.objects.get(reviewer=people["reviewer_after"]).is_submitted


@pytest.mark.django_db
def test_opening_the_pc_profile_creates_nothing(client_for, pc_member):
    from reviews.models import PcProfile

    page = client_for(pc_member).get(reverse("pc_profile"))

    assert page.status_code == 200
    assert PcProfile.objects.filter(user=pc_member).count() == 0
