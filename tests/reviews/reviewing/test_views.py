"""The review form (autosave, stale tabs, preview, offline form), the discussion's
comments, and the chairs' review-form editor."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.models import Assignment, Review
from tests.factories import SubmissionFactory
from tests.reviews.conftest import FULL_REVIEW, release_decision, submitted_review


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
