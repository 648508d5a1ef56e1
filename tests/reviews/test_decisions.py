"""Decisions: the embargo, release (exactly once, one mail per author, nothing
reviewers wrote for the PC), the paper table, search, reminders, responses,
meta-reviews and mail texts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Assignment, AuthorResponse, MetaReview, Review
from submissions.models import DecisionChange, Outcome, Submission, Tag
from submissions.selectors import with_related
from submissions.services import decision_record
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from tests.reviews.conftest import PERSONAS, submitted_review
from workshop import policy
from workshop.errors import Refused
from workshop.models import MailStatus, MailTemplate, OutgoingMail


def _fresh(paper):
    return with_related(Submission.objects.filter(pk=paper.pk)).get()


def _accept():
    return Outcome.objects.get(name="Accept (poster)")


# --- The embargo, persona by persona --------------------------------------------------

SEES_DECISION = {
    # persona: (before release, PC setting off), (before release, PC setting on), (after release)
    "author": (False, False, True), "coauthor": (False, False, True), "other_author": (False, False, False),
    "reviewer_before": (False, True, True), "reviewer_after": (False, True, True),
    "unassigned_pc": (False, True, True), "conflicted_pc": (False, False, False),
    "chair": (True, True, True), "conflicted_chair": (False, False, False),
    "organizer": (False, False, False), "anonymous": (False, False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERSONAS)
def test_decision_embargo_table(pc_world, workshop, name):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    person = people[name]

    before = policy.can_view_decision(person, paper, workshop=workshop)
    workshop.pc_sees_decisions = True
    before_pc = policy.can_view_decision(person, paper, workshop=workshop)
    paper.decision_released_at = timezone.now()
    after = policy.can_view_decision(person, paper, workshop=workshop)

    expected = SEES_DECISION[name]
    assert (before, before_pc, after) == (expected[0], expected[1], expected[2] or (expected[1] and name != "author"))


@pytest.mark.django_db
def test_author_pages_do_not_change_when_a_decision_is_recorded(client_for, pc_world, workshop):
    from tests.pages import without_tokens

    people, paper = pc_world
    client = client_for(people["author"])
    pages = [reverse("submissions_dashboard"), reverse("submission_detail", args=[paper.pk])]
    before = [without_tokens(client.get(url)) for url in pages]

    decision_record(submission=paper, outcome=Outcome.objects.get(name="Reject"), by=people["chair"], note="No.")
    after = [without_tokens(client.get(url)) for url in pages]

    assert before == after
    assert OutgoingMail.objects.filter(recipient=people["author"].email, kind__startswith="decision").count() == 0


@pytest.mark.django_db
def test_decision_changes_are_logged_and_a_released_one_changes_only_when_asked(pc_world):
    """Issue 18, item 1: the authors keep what they were told until the next release."""
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"], note="first")
    services.decisions_release(by=people["chair"])

    with pytest.raises(Refused) as refused:
        decision_record(submission=_fresh(paper), outcome=Outcome.objects.get(name="Reject"), by=people["chair"])
    decision_record(submission=_fresh(paper), outcome=Outcome.objects.get(name="Reject"), by=people["chair"],
                    change_released=True)

    log = [(c.old, c.new, c.note) for c in DecisionChange.objects.order_by("at", "id")]
    assert log == [("", "Accept (poster)", "first"), ("Accept (poster)", "Reject", "")]
    assert "has a released decision" in refused.value.message
    paper = Submission.objects.get(pk=paper.pk)
    assert (paper.outcome.name, paper.released_outcome.name) == ("Reject", "Accept (poster)")
    assert paper.decision_released_at is not None


@pytest.mark.django_db
def test_conflicted_chair_cannot_decide(pc_world):
    people, paper = pc_world

    with pytest.raises(Refused):
        decision_record(submission=paper, outcome=_accept(), by=people["conflicted_chair"])


# --- Release -------------------------------------------------------------------------


@pytest.mark.django_db
def test_release_mails_each_author_once_with_reviews_but_no_names_or_pc_text(pc_world,
                                                                            django_capture_on_commit_callbacks):
    people, paper = pc_world
    MetaReview.objects.create(submission=paper, author_text="Meta for the authors.", pc_text="Meta for the PC.")
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.decisions_release(by=people["chair"])

    mails = list(OutgoingMail.objects.filter(kind="decision:notification").order_by("recipient"))
    assert [m.recipient for m in mails] == sorted([people["author"].email, people["coauthor"].email])
    assert all(m.batch_id == batch.pk and m.status == MailStatus.SENT for m in mails)
    body = mails[0].body
    assert "Poisons detectors." in body and "Meta for the authors." in body and "Accept (poster)" in body
    for secret in ("Secret note", "Meta for the PC.", people["reviewer_after"].full_name,
                   people["reviewer_after"].email):
        assert secret not in body
    assert mails[0].subject.startswith("[MLSec] #")


@pytest.mark.django_db
def test_release_twice_sends_nothing_new_and_later_decisions_go_separately(pc_world):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    services.decisions_release(by=people["chair"])

    with pytest.raises(Refused) as nothing_new:
        services.decisions_release(by=people["chair"])
    later = SubmissionFactory(authors=[("Lena Later", "lena@later.example")])
    decision_record(submission=_fresh(later), outcome=Outcome.objects.get(name="Reject"), by=people["chair"])
    services.decisions_release(by=people["chair"])

    assert nothing_new.value.message.startswith("Nothing new to release")
    assert list(OutgoingMail.objects.filter(kind="decision:notification").values_list("paper_number", flat=True)
                .order_by("paper_number")) == [paper.pk, paper.pk, later.pk]


@pytest.mark.django_db
def test_release_by_a_conflicted_chair_leaves_that_paper_for_another(pc_world):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])

    plan = services.release_plan(by=people["conflicted_chair"])

    assert plan.items == [] and plan.mails == 0
    with pytest.raises(Refused):
        services.decisions_release(by=people["conflicted_chair"])


@pytest.mark.django_db
def test_release_page_previews_the_exact_mail_and_count_then_shows_progress(client_for, pc_world,
                                                                           django_capture_on_commit_callbacks):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    client = client_for(people["chair"])

    preview = client.get(reverse("release")).content.decode()
    unconfirmed = client.post(reverse("release"), follow=True).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("release"), {"confirm": "yes"}, follow=True)
    progress_url = done.redirect_chain[-1][0]
    finished = client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()

    assert "sends <strong>2 mails</strong>" in preview and "Poisons detectors." in preview
    assert "tick the box" in unconfirmed
    assert "<strong>0</strong> sent · <strong>2</strong> queued" in done.content.decode()  # the worker has them
    assert "<strong>2</strong> sent · <strong>0</strong> queued · <strong>0</strong> failed, of 2." in finished
    assert "hx-trigger" not in finished  # the polling stops when everything went out
    # any chair may watch a chairs' batch (issue 18), but no mail about a paper they are conflicted with counts
    conflicted = client_for(people["conflicted_chair"]).get(progress_url).content.decode()
    assert "failed, of 0." in conflicted and "Decisions on" not in conflicted and paper.title not in conflicted


@pytest.mark.django_db
def test_after_release_the_author_sees_the_outcome_and_reviews_without_names(client_for, pc_world):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    services.decisions_release(by=people["chair"])

    page = client_for(people["author"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    dashboard = client_for(people["author"]).get(reverse("submissions_dashboard")).content.decode()

    assert "Accept (poster)</span>" in page and "Accept (poster)</span>" in dashboard
    assert "Poisons detectors." in page
    assert people["reviewer_after"].full_name not in page and "Secret note" not in page


# --- Paper table, search and bulk actions ---------------------------------------------


@pytest.mark.django_db
def test_paper_table_shows_scores_and_statistics_and_title_only_for_conflicts(client_for, pc_world):
    people, paper = pc_world
    submitted_review(paper, people["reviewer_before"], overall_merit="2", expertise="4")
    hidden = SubmissionFactory(title="Conflicted one")
    Review.objects.create(submission=hidden, reviewer=people["reviewer_after"], status="submitted",
                          values={"overall_merit": "5"}, submitted_at=timezone.now())
    from submissions.models import Conflict

    Conflict.objects.create(submission=hidden, user=people["chair"], reason="other", source="chair")

    page = client_for(people["chair"]).get(reverse("paper_table"), {"q": "show:range"}).content.decode()

    assert '<td class="scores opt">2 4</td>' in page  # overall merit of both reviews, in order
    assert "<td>3.00</td>" in page and "2–4" in page
    assert "Conflicted one" in page and "You have a conflict with this paper" in page
    assert '<td class="scores opt">5</td>' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 500])
def test_paper_table_runs_a_constant_number_of_queries(client_for, chair, workshop, count,
                                                       django_assert_num_queries):
    reviewer = UserFactory()
    RoleFactory(user=reviewer, name="pc")
    author = UserFactory()
    papers = Submission.objects.bulk_create(
        Submission(title=f"Paper {i}", abstract="x", attack_model="x", security_relationship="x",
                   created_by=author) for i in range(count))
    Assignment.objects.bulk_create(Assignment(submission=p, reviewer=reviewer) for p in papers)
    Review.objects.bulk_create(Review(submission=p, reviewer=reviewer, status="submitted",
                                      values={"overall_merit": "4", "expertise": "3"}) for p in papers)
    client = client_for(chair)

    # 22 whatever the count: with the outcomes the search may name, and the session that remembers the list.
    with django_assert_num_queries(22):
        response = client.get(reverse("paper_table"), {"q": "ovemer:>=3", "sort": "mean"})

    assert response.content.decode().count('name="papers"') == min(count, 100)


@pytest.mark.django_db
def test_search_errors_are_shown_inline_with_a_suggestion(client_for, chair):
    page = client_for(chair).get(reverse("paper_table"), {"q": "tpic:poisoning"})

    assert page.status_code == 200
    assert "unknown keyword `tpic:` — did you mean `topic:`?" in page.content.decode()


SEARCHES = ["re:reviewer", "au:author", "ovemer:>=1", "dec:accept", "dec:none", "-dec:none", "status:registered",
            "#hidden", "topic:case", "malware", "NOT re:reviewer"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", SEARCHES)
def test_search_never_matches_what_a_conflicted_chair_may_not_see(client_for, pc_world, query):
    """Queries x personas: the conflicted chair's result never depends on the hidden paper's data."""
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    Tag.objects.create(submission=paper, name="hidden")

    shown = client_for(people["conflicted_chair"]).get(reverse("chair_submissions"), {"q": query}).content.decode()
    chair = client_for(people["chair"]).get(reverse("chair_submissions"), {"q": query}).content.decode()

    negation = query.startswith(("-", "NOT"))
    # Only a negation matches the hidden paper: the same whatever it hides.
    assert (f"#{paper.pk}</td>" in shown) == negation
    # The chair who may see it gets the real answer.
    truly = {"re:reviewer": True, "au:author": True, "ovemer:>=1": True, "dec:accept": True, "dec:none": False,
             "-dec:none": True, "status:registered": True, "#hidden": True, "topic:case": True, "malware": True,
             "NOT re:reviewer": False}
    assert (f"#{paper.pk}</td>" in chair) == truly[query]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["chair", "conflicted_chair"])
def test_chair_list_finds_what_the_paper_table_finds(client_for, pc_world, persona):
    """The chair list loads only the facts a search reads, the paper table every row: same matches."""
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    Tag.objects.create(submission=paper, name="hidden")
    SubmissionFactory(title="Model stealing", abstract="Queries a malware API.")
    other = SubmissionFactory(title="Evasion", authors=[("Ann Author", "ann@author.example")])
    submitted_review(other, people["reviewer_after"], overall_merit="2")
    client = client_for(people[persona])
    sizes = set()

    for query in [*SEARCHES, "ti:stealing", "ab:queries", "#1-2", "threat:goal=integrity", "dec:poster",
                  "ovemer:2 OR tag:hidden", "-(au:ann re:reviewer)"]:
        listed = re.findall(r"<td>#(\d+)</td>", client.get(reverse("chair_submissions"), {"q": query})
                            .content.decode())
        table = re.findall(r"<td>#(\d+)</td>", client.get(reverse("paper_table"), {"q": query}).content.decode())
        assert listed == table, query
        sizes.add(len(listed))
    assert {0, 1, 2} <= sizes


@pytest.mark.django_db
def test_bulk_decide_and_tag_from_the_table(client_for, pc_world):
    people, paper = pc_world
    other = SubmissionFactory()
    client = client_for(people["chair"])

    client.post(reverse("paper_table_bulk"), {"papers": [paper.pk, other.pk], "action": "decide",
                                              "outcome": _accept().pk, "note": "PC meeting", "confirm": "yes"})
    client.post(reverse("paper_table_bulk"), {"papers": [paper.pk], "action": "tag", "tag": "Discuss",
                                              "confirm": "yes"})
    refused = client.post(reverse("paper_table_bulk"), {"papers": [], "action": "decide"}, follow=True)

    assert set(Submission.objects.values_list("outcome__name", flat=True)) == {"Accept (poster)"}
    assert DecisionChange.objects.filter(note="PC meeting").count() == 2
    assert list(Tag.objects.values_list("name", flat=True)) == ["discuss"]
    assert "Select at least one paper first" in refused.content.decode()


# --- Reminders -------------------------------------------------------------------------


@pytest.mark.django_db
def test_reminders_preview_then_send_never_twice_a_day(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["chair"])

    preview = client.get(reverse("reminders")).content.decode()
    client.post(reverse("reminders"))
    again = client.post(reverse("reminders"), follow=True).content.decode()

    assert "<strong>1</strong> unfinished review" in preview
    assert list(OutgoingMail.objects.filter(kind="pc:reminder").values_list("recipient", flat=True)) == [
        people["reviewer_before"].email]
    assert "already reminded today" in again


@pytest.mark.django_db
def test_automatic_reminders_start_the_set_number_of_days_before_the_deadline(pc_world, workshop):
    people, _paper = pc_world
    workshop.review_deadline = timezone.now() + timedelta(days=5)
    workshop.reminder_days_before = 3
    workshop.save()

    too_early = services.reminders_automatic()
    sent = services.reminders_automatic(now=timezone.now() + timedelta(days=3))
    same_day = services.reminders_automatic(now=timezone.now() + timedelta(days=3, minutes=1))

    assert too_early is None and same_day is None
    assert sent.mails.count() == 1


# --- Mail texts and messages ---------------------------------------------------------------


@pytest.mark.django_db
def test_mail_text_with_an_unknown_placeholder_is_refused_with_its_name(client_for, chair):
    templates = list(MailTemplate.objects.order_by("key"))
    outcomes = list(Outcome.objects.all())
    data = {"templates-TOTAL_FORMS": len(templates), "templates-INITIAL_FORMS": len(templates),
            "outcomes-TOTAL_FORMS": len(outcomes), "outcomes-INITIAL_FORMS": len(outcomes)}
    for i, t in enumerate(templates):
        data.update({f"templates-{i}-id": t.pk, f"templates-{i}-subject": t.subject, f"templates-{i}-body": t.body})
    for i, o in enumerate(outcomes):
        data.update({f"outcomes-{i}-id": o.pk, f"outcomes-{i}-name": o.name, f"outcomes-{i}-category": o.category,
                     f"outcomes-{i}-position": o.position, f"outcomes-{i}-mail_subject": o.mail_subject,
                     f"outcomes-{i}-mail_body": o.mail_body})
    data["outcomes-0-mail_body"] = "Dear {authros}, {reviews}"

    page = client_for(chair).post(reverse("mail_templates"), data).content.decode()

    assert "Unknown placeholder {authros}." in page
    assert Outcome.objects.get(pk=outcomes[0].pk).mail_body != "Dear {authros}, {reviews}"


@pytest.mark.django_db
def test_message_to_authors_refuses_outcome_of_an_embargoed_decision(client_for, pc_world,
                                                                     django_capture_on_commit_callbacks):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    client = client_for(people["chair"])
    url = reverse("compose") + f"?papers={paper.pk}"

    leak = client.post(url, {"subject": "Re #{number}", "body": "It is {outcome}.", "send": "1"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"subject": "About #{number}", "body": "Dear {authors}, hello.", "send": "1"})

    assert "would tell authors an unreleased decision" in leak
    mails = OutgoingMail.objects.filter(kind="author:message")
    assert sorted(m.recipient for m in mails) == sorted([people["author"].email, people["coauthor"].email])
    assert mails[0].body == "Dear Author and Coauthor, hello."


# --- Response and meta-review ----------------------------------------------------------


@pytest.fixture
def response_window(workshop):
    workshop.response_opens = timezone.now() - timedelta(days=1)
    workshop.response_closes = timezone.now() + timedelta(days=1)
    workshop.response_word_limit = 10
    workshop.save()
    return workshop


@pytest.mark.django_db
def test_response_is_limited_mailed_once_and_shown_to_reviewers(client_for, pc_world, response_window):
    people, paper = pc_world
    client = client_for(people["author"])
    url = reverse("author_response", args=[paper.pk])

    page = client.get(url).content.decode()
    too_long = client.post(url, {"text": "word " * 11}).content.decode()
    client.post(url, {"text": "We thank the reviewers."})
    client.post(url, {"text": "We thank the reviewers warmly."})
    reviewer_page = client_for(people["reviewer_after"]).get(reverse("submission_detail", args=[paper.pk]))

    assert "Poisons detectors." in page and people["reviewer_after"].full_name not in page
    assert "The response has 11 words; the limit is 10." in too_long
    assert AuthorResponse.objects.get().text == "We thank the reviewers warmly."
    assert OutgoingMail.objects.filter(kind="pc:response", recipient=people["reviewer_after"].email).count() == 1
    assert "We thank the reviewers warmly." in reviewer_page.content.decode()


@pytest.mark.django_db
def test_without_a_response_window_nothing_of_it_shows(client_for, pc_world, workshop):
    people, paper = pc_world
    workshop.response_opens = workshop.response_closes = None
    workshop.save()

    page = client_for(people["author"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()

    assert "response" not in page.lower()
    assert client_for(people["author"]).get(reverse("author_response", args=[paper.pk])).status_code == 404


@pytest.mark.django_db
def test_lead_is_an_unconflicted_reviewer_and_writes_the_meta_review(client_for, pc_world):
    people, paper = pc_world

    with pytest.raises(Refused):
        services.lead_set(submission=paper, lead=people["conflicted_pc"], by=people["chair"])
    services.lead_set(submission=paper, lead=people["reviewer_after"], by=people["chair"])
    client_for(people["reviewer_after"]).post(reverse("meta_review", args=[paper.pk]),
                                              {"author_text": "For you.", "pc_text": "Between us."})
    author_before = client_for(people["author"]).get(reverse("submission_detail", args=[paper.pk])).content.decode()

    assert MetaReview.objects.get().written_by == people["reviewer_after"]
    assert client_for(people["reviewer_before"]).get(reverse("meta_review", args=[paper.pk])).status_code == 404
    assert "For you." not in author_before and "Between us." not in author_before


@pytest.mark.django_db
def test_dashboard_counts_nothing_of_a_conflicted_paper(client_for, pc_world):
    people, paper = pc_world

    mine = client_for(people["chair"]).get(reverse("chair_dashboard")).content.decode()
    conflicted = client_for(people["conflicted_chair"]).get(reverse("chair_dashboard")).content.decode()

    assert "1 <span class=\"muted\">of 2 submitted</span>" in mine
    assert "0 <span class=\"muted\">of 0 submitted</span>" in conflicted
    assert "You are conflicted with</dt><dd>1" in conflicted


@pytest.mark.django_db
def test_response_open_mail_goes_once_to_each_author_of_each_complete_paper(pc_world, response_window):
    people, paper = pc_world
    from submissions.models import PdfVersion

    PdfVersion.objects.create(submission=paper, file="x.pdf", reviewer_file="y.pdf", original_name="x.pdf",
                              sha256="0" * 64, size=1, page_count=1, uploaded_by=people["author"])

    first = services.response_open_mails()
    second = services.response_open_mails()

    mails = OutgoingMail.objects.filter(kind="author:response-open")
    assert (first, second) == (2, 0)
    assert sorted(m.recipient for m in mails) == sorted([people["author"].email, people["coauthor"].email])
    assert "Poisons detectors." in mails[0].body and people["reviewer_after"].full_name not in mails[0].body


@pytest.mark.django_db
def test_response_ends_for_a_paper_once_its_decision_is_released(pc_world, response_window):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    services.decisions_release(by=people["chair"])

    with pytest.raises(Refused) as refused:
        services.response_save(submission=_fresh(paper), by=people["author"], text="Late.", workshop=response_window)

    assert "response period for it is over" in refused.value.message
