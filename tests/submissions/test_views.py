import csv
import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reviews.decision_views import PAGE_ROWS as CHAIR_PAGE_ROWS
from submissions.models import Conflict, Submission
from submissions.services import pdf_upload
from tests.factories import SubmissionFactory, submissions_in_bulk
from tests.submissions import pdf_corpus
from tests.submissions.pdf import papers
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
def test_upload_a_pdf_then_download_it_as_reviewers_get_it(client_for, submission, author, paper_pdf):
    client = client_for(author)

    client.post(reverse("pdf_upload", args=[submission.pk]),
                {"pdf": SimpleUploadedFile("Alice-final.pdf", paper_pdf, "application/pdf")})
    response = client.get(reverse("paper_pdf", args=[submission.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="submission-{submission.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("paper.pdf", pdf_corpus.png(), "This file is not a PDF (it looks like a PNG image)."),
        ("paper.docx", pdf_corpus.docx(), "This file is not a PDF"),
        ("paper.pdf", b"", "The submitted file is empty."),
        ("paper.pdf", pdf_corpus.truncated(), "We could not read your PDF"),
        ("paper.pdf", pdf_corpus.with_javascript(), "Your PDF contains JavaScript"),
    ],
)
def test_upload_explains_a_bad_file(client_for, submission, author, filename, content, message):
    response = client_for(author).post(
        reverse("pdf_upload", args=[submission.pk]), {"pdf": SimpleUploadedFile(filename, content)}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert submission.pdf_versions.count() == 0


class _CountingBody(io.RawIOBase):
    """A request body that records how much of it the server reads."""

    def __init__(self, size):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"0" * n
        self.read_bytes += n
        return n


@pytest.mark.django_db
def test_upload_declared_over_the_limit_is_refused_without_reading_the_body(
    client_for, submission, author, open_workshop,
):
    """Issue 9, item 17: a 60 MB body was received before the refusal."""
    body = _CountingBody(60 * 1024 * 1024)

    response = client_for(author).generic(
        "POST", reverse("pdf_upload", args=[submission.pk]), b"",
        content_type="multipart/form-data; boundary=xyz",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )

    assert response.status_code == 413
    assert "larger than the 20 MB limit" in response.content.decode()
    assert body.read_bytes == 0
    assert submission.pdf_versions.count() == 0


@pytest.mark.django_db
def test_upload_whose_file_passes_the_limit_while_arriving_is_dropped(client_for, submission, author, open_workshop):
    open_workshop.max_pdf_mb = 1
    open_workshop.save()

    response = client_for(author).post(
        reverse("pdf_upload", args=[submission.pk]),
        {"pdf": SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (1100 * 1024))},
    )

    assert "larger than the 1 MB limit" in response.content.decode()
    assert submission.pdf_versions.count() == 0


@pytest.mark.django_db
def test_upload_warns_when_the_pdf_names_an_author(client_for, submission, author):
    data = pdf_corpus.with_metadata(author=author.full_name)

    client = client_for(author)
    client.post(reverse("pdf_upload", args=[submission.pk]), {"pdf": SimpleUploadedFile("p.pdf", data)})
    page = client.get(reverse("submission_detail", args=[submission.pk])).content.decode()

    assert "Check anonymity before the deadline:" in page
    assert f"The PDF metadata field &quot;Author&quot; contains &quot;{author.full_name}&quot;." in page


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


def _upload(client, paper, data, name="paper.pdf"):
    return client.post(reverse("pdf_upload", args=[paper.pk]), {"pdf": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
def test_reviewer_copy_of_a_pdf_with_image_metadata_carries_no_author(client_for, author, open_workshop,
                                                                      pc_member):
    """Issue 9, item 3: EXIF Artist / XMP dc:creator inside a JPEG reached reviewers."""
    paper = SubmissionFactory(created_by=author, authors=[(pdf_corpus.AUTHOR, pdf_corpus.AUTHOR_EMAIL)])
    client = client_for(author)

    _upload(client, paper, pdf_corpus.with_image_metadata())
    open_workshop.phase_override = "reviewing"
    open_workshop.save()
    download = b"".join(client_for(pc_member).get(reverse("paper_pdf", args=[paper.pk])).streaming_content)
    page = client.get(reverse("submission_detail", args=[paper.pk])).content.decode()

    assert pdf_corpus.AUTHOR.encode() not in download
    assert "hidden image metadata" in page


@pytest.mark.django_db
def test_pc_member_sees_the_figures_of_the_copy_they_download(client_for, author, open_workshop, pc_member):
    """Issue 9, item 24: the original's hash would match a preprint."""
    paper = SubmissionFactory(created_by=author)
    _upload(client_for(author), paper, pdf_corpus.with_metadata(author="Alice Smith"))
    version = paper.pdf_versions.get()
    open_workshop.phase_override = "reviewing"
    open_workshop.save()

    pc_page = client_for(pc_member).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    author_page = client_for(author).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    download = b"".join(client_for(pc_member).get(reverse("paper_pdf", args=[paper.pk])).streaming_content)

    assert version.sha256 != version.reviewer_sha256
    assert version.sha256 not in pc_page
    assert version.reviewer_sha256 in pc_page
    assert hashlib.sha256(download).hexdigest() == version.reviewer_sha256
    assert version.sha256 in author_page and version.reviewer_sha256 in author_page


@pytest.mark.django_db
def test_copy_that_differs_from_the_upload_is_kept_from_reviewers(client_for, author, open_workshop, pc_member,
                                                                   monkeypatch):
    """Issue 9, item 19: never hand out a broken copy silently."""
    from submissions.services import papers as services

    paper = SubmissionFactory(created_by=author)
    _upload(client_for(author), paper, pdf_corpus.paper())
    real = services.check_pdf

    def broken_copy(*args, **kwargs):
        from dataclasses import replace

        return replace(real(*args, **kwargs), copy_problem="The copy for reviewers differs on page 2 (text).")

    monkeypatch.setattr(services, "check_pdf", broken_copy)
    _upload(client_for(author), paper, pdf_corpus.with_metadata())
    open_workshop.phase_override = "reviewing"
    open_workshop.save()
    first, second = paper.pdf_versions.order_by("uploaded_at", "id")

    author_page = client_for(author).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    download = b"".join(client_for(pc_member).get(reverse("paper_pdf", args=[paper.pk])).streaming_content)

    assert "Reviewers cannot get this PDF yet." in author_page and "differs on page 2" in author_page
    assert hashlib.sha256(download).hexdigest() == first.reviewer_sha256 != second.reviewer_sha256


@pytest.mark.django_db
@pytest.mark.parametrize(("pages", "mode", "accepted"), [(40, "refuse", False), (24, "refuse", False),
                                                          (40, "warn", True)])
def test_page_limit_with_little_text_counts_pages(client_for, author, open_workshop, pages, mode, accepted):
    """Issue 9, item 6: a 40-page PDF with little text passed an 8-page limit."""
    open_workshop.page_limit, open_workshop.unclear_page_limit = 8, mode
    open_workshop.save()
    paper = SubmissionFactory(created_by=author)

    response = _upload(client_for(author), paper, pdf_corpus.sparse_paper(pages))

    assert paper.pdf_versions.exists() is accepted
    if not accepted:
        assert f"Your PDF has {pages} pages; the limit is 8 pages" in response.content.decode()


@pytest.mark.django_db
def test_scanned_paper_over_the_page_limit_is_accepted_and_flagged_for_the_chairs(client_for, author, chair,
                                                                                   open_workshop):
    """Issue 17, item 2: 12 image-only pages, References at the top of page 9, were refused."""
    open_workshop.page_limit = 8
    open_workshop.save()
    paper = SubmissionFactory(created_by=author, authors=[(author.full_name, author.email)])

    _upload(client_for(author), paper, papers.scanned(8, 4))

    author_page = client_for(author).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    chair_page = client_for(chair).get(reverse("submission_detail", args=[paper.pk])).content.decode()
    chair_list = client_for(chair).get(reverse("chair_submissions")).content.decode()
    flag = "Page limit not checked: the text could not be read (scanned or outlined)"
    assert paper.pdf_versions.get().page_count == 12
    assert "the chairs will check the page limit by hand" in author_page and flag not in author_page
    assert flag in chair_page and flag in chair_list


@pytest.mark.django_db
@pytest.mark.parametrize("data", [pdf_corpus.html_prefixed, pdf_corpus.zip_with_pdf, pdf_corpus.pdf_with_zip_appended])
def test_polyglot_uploads_are_refused(client_for, author, open_workshop, data):
    """Issue 9, item 15."""
    paper = SubmissionFactory(created_by=author)

    response = _upload(client_for(author), paper, data())

    assert paper.pdf_versions.count() == 0
    assert 'class="error" role="alert"' in response.content.decode()


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
