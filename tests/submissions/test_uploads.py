"""Both PDF uploads (the paper's and the camera-ready version) through their one
handler: the size limit, the answers to a bad file, and what reviewers get of the paper."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import SubmissionFactory
from tests.submissions import pdf_corpus
from tests.submissions.pdf import papers


@pytest.fixture(params=["pdf_upload", "camera_ready_upload"], ids=["paper", "camera-ready"])
def upload_form(request):
    """(the URL an upload form posts to, its paper): each test taking it runs for both forms."""
    paper = request.getfixturevalue("submission" if request.param == "pdf_upload" else "accepted")
    return reverse(request.param, args=[paper.pk]), paper


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
def test_upload_explains_a_bad_file(client_for, upload_form, author, filename, content, message):
    url, paper = upload_form
    response = client_for(author).post(url, {"pdf": SimpleUploadedFile(filename, content)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert paper.pdf_versions.count() == 0


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
    client_for, upload_form, author, open_workshop,
):
    """Issue 9, item 17: a 60 MB body was received before the refusal."""
    url, paper = upload_form
    body = _CountingBody(60 * 1024 * 1024)

    response = client_for(author).generic(
        "POST", url, b"",
        content_type="multipart/form-data; boundary=xyz",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )

    assert response.status_code == 413
    assert "larger than the 20 MB limit" in response.content.decode()
    assert body.read_bytes == 0
    assert paper.pdf_versions.count() == 0


@pytest.mark.django_db
def test_upload_whose_file_passes_the_limit_while_arriving_is_dropped(client_for, upload_form, author, open_workshop):
    url, paper = upload_form
    open_workshop.max_pdf_mb = 1
    open_workshop.save()

    response = client_for(author).post(
        url, {"pdf": SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (1100 * 1024))},
    )

    assert "larger than the 1 MB limit" in response.content.decode()
    assert paper.pdf_versions.count() == 0


@pytest.mark.django_db
def test_an_htmx_upload_over_the_limit_shows_why_in_the_page(client_for, upload_form, author, open_workshop):
    """htmx swaps in no answer with an error status: the page would only say that the upload failed."""
    url, paper = upload_form
    open_workshop.max_pdf_mb = 1
    open_workshop.save()
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (1100 * 1024))

    response = client_for(author).post(url, {"pdf": big}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert 'role="alert">Your file is larger than the 1 MB limit, so it was not uploaded.' in response.content.decode()
    assert paper.pdf_versions.count() == 0


@pytest.mark.django_db
def test_upload_warns_when_the_pdf_names_an_author(client_for, submission, author):
    data = pdf_corpus.with_metadata(author=author.full_name)

    client = client_for(author)
    client.post(reverse("pdf_upload", args=[submission.pk]), {"pdf": SimpleUploadedFile("p.pdf", data)})
    page = client.get(reverse("submission_detail", args=[submission.pk])).content.decode()

    assert "Check anonymity before the deadline:" in page
    assert f"The PDF metadata field &quot;Author&quot; contains &quot;{author.full_name}&quot;." in page


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
    from submissions.services import pdf_versions as services

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
