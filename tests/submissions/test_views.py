"""The paper's pages: register, edit, withdraw, the deadline and its extension, who
may open them; and the chairs' list of submissions."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.decisions.table_views import PAGE_ROWS as CHAIR_PAGE_ROWS
from submissions.models import Conflict, Submission
from submissions.services.papers import pdf_upload
from tests.factories import SubmissionFactory, submissions_in_bulk
from workshop.models import AOE, Topic, VocabularyTerm
from workshop.phases import format_moment


def _form_post(token="tok-1", **changes):
    topic = Topic.objects.order_by("position").first()
    term = VocabularyTerm.objects.filter(kind="goal").first()
    data = {
        "token": token, "title": "Backdoors in malware detectors", "abstract": "We poison labels.",
        "topics": [topic.pk], "terms_goal": [term.pk], "attack_model": "Gray-box poisoning.",
        "security_relationship": "Malware evades detection.", "artifact_url": "", "version": "",
        "authors-TOTAL_FORMS": 1, "authors-INITIAL_FORMS": 0,
        "authors-0-name": "Alice Author", "authors-0-email": "alice@author.example",
        "authors-0-affiliation": "Lakeside", "authors-0-orcid": "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_register_form_creates_the_paper_and_shows_it(client_for, author, open_workshop):
    client = client_for(author)
    response = client.post(reverse("submission_new"), _form_post())

    submission = Submission.objects.get()
    assert response.url == reverse("submission_detail", args=[submission.pk])
    page = client.get(response.url).content.decode()
    assert f"Paper #{submission.pk} is registered." in page
    assert "No PDF yet: the paper is complete only with one." in page


@pytest.mark.django_db
def test_register_double_click_creates_one_paper(client_for, author, open_workshop):
    client = client_for(author)

    first = client.post(reverse("submission_new"), _form_post(token="double"))
    second = client.post(reverse("submission_new"), _form_post(token="double"))

    assert Submission.objects.count() == 1
    assert first.url == second.url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"topics": []}, "This field is required."),
        ({"abstract": "word " * 301}, "Please keep this to 300 words; it has 301."),
        ({"abstract": "x" * 20001}, "Ensure this value has at most 20000 characters (it has 20001)."),
        ({"topics": [t.pk for t in []] or "999999"}, "Select a valid choice."),
        ({"authors-0-email": "not-an-email"}, "Enter a valid email address."),
        ({"authors-0-orcid": "0000-0002-1825-0098"}, "wrong check digit"),
        ({"artifact_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"artifact_url": "https://x.example/}},title={\\input{/etc/passwd}},x={"},
         "A URL cannot contain \\ { }; percent-encode it (for example { as %7B)."),
    ],
)
def test_register_form_explains_bad_input(client_for, author, open_workshop, changes, message):
    response = client_for(author).post(reverse("submission_new"), _form_post(**changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_register_form_enforces_the_topic_count(client_for, author, open_workshop):
    topics = [t.pk for t in Topic.objects.all()[:4]]

    response = client_for(author).post(reverse("submission_new"), _form_post(topics=topics))

    assert "Choose between 1 and 3 topics; you chose 4." in response.content.decode()


@pytest.mark.django_db
def test_register_after_the_deadline_shows_why(client_for, author, closed_workshop):
    response = client_for(author).get(reverse("submission_new"))

    assert response.status_code == 403
    assert (f'Submissions closed on <span class="dated">{format_moment(closed_workshop.abstract_deadline, AOE)} '
            f'<time datetime="{closed_workshop.abstract_deadline.isoformat()}" data-local-time="short"></time></span> '
            "(the abstract registration deadline); new papers can no longer be registered."
            ) in response.content.decode()


@pytest.mark.django_db
def test_script_in_a_title_is_shown_as_text(client_for, author, open_workshop):
    client = client_for(author)
    client.post(reverse("submission_new"), _form_post(title="<script>alert(1)</script>"))

    page = client.get(reverse("submission_detail", args=[Submission.objects.get().pk])).content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.django_db
def test_another_authors_paper_answers_exactly_like_a_missing_one(client_for, submission, other_author):
    client = client_for(other_author)

    hidden = client.get(reverse("submission_detail", args=[submission.pk]))
    missing = client.get(reverse("submission_detail", args=[submission.pk + 1000]))

    def without_csrf(response):  # the masked CSRF token differs on every response
        return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())

    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert without_csrf(hidden) == without_csrf(missing)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["submission_edit", "paper_pdf", "submission_withdraw"])
def test_outsiders_get_404_on_every_paper_url(client_for, submission, other_author, name):
    client = client_for(other_author)
    url = reverse(name, args=[submission.pk])

    response = client.post(url) if name == "submission_withdraw" else client.get(url)

    assert response.status_code == 404


@pytest.mark.django_db
def test_pdf_version_of_another_paper_is_not_found(client_for, author, open_workshop, paper_pdf):
    mine = SubmissionFactory(created_by=author)
    theirs = SubmissionFactory()
    version = pdf_upload(submission=theirs, by=theirs.created_by, data=paper_pdf, filename="t.pdf",
                         workshop=open_workshop)

    response = client_for(author).get(reverse("pdf_version", args=[mine.pk, version.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_coauthor_listed_by_email_can_edit(client_for, shared_submission, coauthor):
    response = client_for(coauthor).get(reverse("submission_edit", args=[shared_submission.pk]))

    assert response.status_code == 200


@pytest.mark.django_db
def test_concurrent_edits_refuse_the_second_save(client_for, shared_submission, author, coauthor):
    url = reverse("submission_edit", args=[shared_submission.pk])
    alice, chen = client_for(author), client_for(coauthor)
    alice.get(url)
    chen.get(url)

    both = {"authors-TOTAL_FORMS": 2, "authors-0-email": author.email, "authors-1-name": "Chen",
            "authors-1-email": coauthor.email}
    alice.post(url, _form_post(title="Alice's title", version=1, **both))
    response = chen.post(url, _form_post(title="Chen's title", version=1, **both))

    assert "changed (by a co-author, or in another tab) since you opened it" in response.content.decode()
    assert Submission.objects.get().title == "Alice's title"


@pytest.mark.django_db
def test_edit_with_an_unchanged_author_list_saves(client_for, submission, author):
    url = reverse("submission_edit", args=[submission.pk])
    unchanged = {"authors-INITIAL_FORMS": 1, "authors-0-name": submission.authors.get().name,
                 "authors-0-email": author.email, "authors-0-affiliation": ""}

    response = client_for(author).post(url, _form_post(title="New title", version=1, **unchanged))

    assert response.status_code == 302
    assert Submission.objects.get().title == "New title"


@pytest.mark.django_db
def test_after_the_deadline_the_paper_is_read_only(client_for, submission, author, closed_workshop):
    client = client_for(author)

    page = client.get(reverse("submission_detail", args=[submission.pk])).content.decode()
    edit = client.get(reverse("submission_edit", args=[submission.pk]))

    assert (f'The paper deadline passed on <span class="dated">{format_moment(closed_workshop.paper_deadline, AOE)} '
            f'<time datetime="{closed_workshop.paper_deadline.isoformat()}" data-local-time="short"></time></span>; '
            "the submission can no longer be changed.") in page
    assert 'name="pdf"' not in page
    assert edit.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_author_dashboard_runs_a_constant_number_of_queries(
    client_for, author, open_workshop, django_assert_num_queries, count,
):
    SubmissionFactory.create_batch(count, created_by=author)
    client = client_for(author)

    with django_assert_num_queries(13):
        response = client.get(reverse("submissions_dashboard"))

    assert len(re.findall(r'href="/submissions/\d+/"', response.content.decode())) == count


def _listed(response) -> list[int]:
    return [int(n) for n in re.findall(r'href="/submissions/(\d+)/"', response.content.decode())]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, CHAIR_PAGE_ROWS + 1])
def test_chair_list_runs_a_constant_number_of_queries(
    client_for, chair, author, open_workshop, django_assert_num_queries, count,
):
    submissions_in_bulk(count, created_by=author)
    client = client_for(chair)

    # + the COUNT and the page's numbers: only the page's rows are built
    with django_assert_num_queries(19):
        response = client.get(reverse("chair_submissions"))

    assert len(_listed(response)) == min(count, CHAIR_PAGE_ROWS)


@pytest.mark.django_db
def test_chair_list_page_two_shows_the_next_papers(client_for, chair, author, open_workshop):
    papers = submissions_in_bulk(CHAIR_PAGE_ROWS + 2, created_by=author)

    response = client_for(chair).get(reverse("chair_submissions"), {"page": 2})

    assert _listed(response) == [p.pk for p in papers[CHAIR_PAGE_ROWS:]]
    assert f"Page 2 of 2, {CHAIR_PAGE_ROWS + 2} papers" in response.content.decode()


@pytest.mark.django_db
def test_chair_list_search_survives_paging(client_for, chair, author, open_workshop):
    matching = submissions_in_bulk(CHAIR_PAGE_ROWS + 3, created_by=author, title="Backdoor {n}")
    submissions_in_bulk(20, created_by=author, title="Evasion {n}")
    client = client_for(chair)

    first = client.get(reverse("chair_submissions"), {"q": "ti:backdoor"}).content.decode()
    second = client.get(reverse("chair_submissions"), {"q": "ti:backdoor", "page": 2})

    assert 'href="?q=ti%3Abackdoor&amp;page=2" rel="next"' in first
    assert _listed(second) == [p.pk for p in matching[CHAIR_PAGE_ROWS:]]
    assert f"Page 2 of 2, {CHAIR_PAGE_ROWS + 3} papers" in second.content.decode()


@pytest.mark.django_db
def test_chair_list_search_neither_lists_nor_counts_what_a_conflicted_row_hides(client_for, chair, author,
                                                                                   open_workshop):
    hidden = SubmissionFactory(title="Chair's student paper", authors=[("Secret Student", "s@student.example")])
    Conflict.objects.create(submission=hidden, user=chair, reason="advisor", source="author")
    SubmissionFactory(title="Visible paper", authors=[("Secret Student", "s@student.example")])

    response = client_for(chair).get(reverse("chair_submissions"), {"q": "au:student"})

    assert "Chair&#x27;s student paper" not in response.content.decode()
    assert "<h1>Submissions <span class=\"muted\">(1)</span></h1>" in response.content.decode()


@pytest.mark.django_db
def test_chair_list_filters_by_topic(client_for, chair, open_workshop):
    first, second = Topic.objects.order_by("position")[:2]
    on_topic = SubmissionFactory()
    off_topic = SubmissionFactory()
    off_topic.topics.set([second])

    page = client_for(chair).get(reverse("chair_submissions"), {"q": f'topic:"{first.name}"'}).content.decode()

    assert on_topic.title in page
    assert off_topic.title not in page


@pytest.mark.django_db
def test_chair_csv_escapes_formulas_and_hides_conflicted_papers(client_for, chair, open_workshop):
    SubmissionFactory(title="=HYPERLINK(\"http://evil\")")
    conflicted = SubmissionFactory(title="Chair's student paper")
    Conflict.objects.create(submission=conflicted, user=chair, reason="advisor", source="author")

    response = client_for(chair).get(reverse("chair_submissions_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\")"
    assert rows[2][1:] == ["Chair's student paper", "conflict", "", "", "", "", "", ""]


@pytest.mark.django_db
def test_conflicted_chair_cannot_open_the_paper(client_for, chair, open_workshop):
    conflicted = SubmissionFactory()
    Conflict.objects.create(submission=conflicted, user=chair, reason="advisor", source="author")

    assert client_for(chair).get(reverse("submission_detail", args=[conflicted.pk])).status_code == 404


@pytest.mark.django_db
def test_chair_extension_reopens_editing(client_for, chair, author, closed_workshop):
    paper = SubmissionFactory(created_by=author)

    until = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client_for(chair).post(reverse("submission_extension", args=[paper.pk]), {"until": until})

    assert client_for(author).get(reverse("submission_edit", args=[paper.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("until", ["9999-12-31T23:59", "0001-01-01T00:00", "2027-13-40T99:99", "tomorrow"])
def test_chair_extension_with_an_impossible_date_is_explained(client_for, chair, author, closed_workshop, until):
    """Issue 9, item 12: was a 500 (OverflowError) for 9999-12-31."""
    paper = SubmissionFactory(created_by=author)

    response = client_for(chair).post(reverse("submission_extension", args=[paper.pk]), {"until": until},
                                      follow=True)

    paper.refresh_from_db()
    assert response.status_code == 200
    assert paper.deadline_extension is None
    assert ("within two years" in response.content.decode()) or ("e.g. 2027-03-08T23:59" in response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["Evil\r\nBcc: x@evil.example", "Tab\there", "Nul\x00byte"])
def test_register_refuses_control_characters_in_the_title(client_for, author, open_workshop, title):
    """Issue 9, item 13: a CR/LF title broke every later mail about the paper."""
    response = client_for(author).post(reverse("submission_new"), _form_post(title=title))

    assert response.status_code == 200
    assert Submission.objects.count() == 0
    assert ("without line breaks" in response.content.decode()) or ("Null characters" in response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["chair_submissions", "chair_submissions_csv"])
@pytest.mark.parametrize("query", ["topic", "term", "status"])
def test_chair_filters_never_match_conflicted_papers(client_for, chair, open_workshop, page, query):
    """Issue 9, item 16: a filter on a title-only row revealed its topic."""
    topic = Topic.objects.order_by("position").first()
    term = VocabularyTerm.objects.filter(kind="goal").first()
    hidden = SubmissionFactory(title="Conflicted paper")
    hidden.threat_terms.add(term)
    Conflict.objects.create(submission=hidden, user=chair, reason="advisor", source="author")
    value = {"topic": f'topic:"{topic.name}"', "term": f'threat:"{term.label}"', "status": "status:registered"}[query]

    filtered = client_for(chair).get(reverse(page), {"q": value}).content.decode()
    unfiltered = client_for(chair).get(reverse(page)).content.decode()

    assert "Conflicted paper" not in filtered
    assert "Conflicted paper" in unfiltered


@pytest.mark.django_db
def test_withdraw_needs_the_confirmation_box(client_for, submission, author):
    client = client_for(author)

    unconfirmed = client.post(reverse("submission_withdraw", args=[submission.pk]), follow=True)
    submission.refresh_from_db()
    assert submission.withdrawn_at is None
    assert "tick the box to confirm" in unconfirmed.content.decode()

    client.post(reverse("submission_withdraw", args=[submission.pk]), {"confirm": "yes"})
    submission.refresh_from_db()
    assert submission.withdrawn_at is not None


@pytest.mark.django_db
def test_paper_page_shows_declared_conflicts_to_authors_and_chairs_only(client_for, submission, author, chair,
                                                                         pc_member):
    Conflict.objects.create(submission=submission, user=pc_member, reason="advisor", source="author")
    submission.workshop = None

    author_page = client_for(author).get(reverse("submission_detail", args=[submission.pk])).content.decode()
    chair_page = client_for(chair).get(reverse("submission_detail", args=[submission.pk])).content.decode()

    assert f"{pc_member.full_name}: Advisor / advisee" in author_page
    assert "(declared by the authors)" in chair_page


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "page", "saved", "label"), [
    ("submission_extension", "submission_detail", "Extension saved.", "Paper deadline for"),
    ("camera_ready_extension", "camera_ready", "Camera-ready extension saved.", "Camera-ready deadline for"),
])
def test_both_extension_forms_save_show_and_refuse_nonsense(client_for, chair, accepted, camera_workshop, url, page,
                                                           saved, label):
    from zoneinfo import ZoneInfo

    client = client_for(chair)
    until = timezone.localtime(timezone.now() + timedelta(days=30), ZoneInfo(camera_workshop.timezone))
    typed = until.strftime("%Y-%m-%dT%H:%M")

    done = client.post(reverse(url, args=[accepted.pk]), {"until": typed}, follow=True)
    nonsense = client.post(reverse(url, args=[accepted.pk]), {"until": "someday"}, follow=True)

    assert saved in done.content.decode()
    shown = client.get(reverse(page, args=[accepted.pk])).content.decode()
    assert label in shown and f'value="{typed}"' in shown
    assert saved not in nonsense.content.decode() and 'class="message error"' in nonsense.content.decode()
    assert f'value="{typed}"' in nonsense.content.decode()  # the nonsense changed nothing


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["submission_extension", "camera_ready_extension"])
def test_both_extension_urls_answer_a_get_with_method_not_allowed(client_for, chair, accepted, url):
    response = client_for(chair).get(reverse(url, args=[accepted.pk]))

    assert response.status_code == 405
