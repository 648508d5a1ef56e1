"""The authors' camera-ready page (final PDF, printed metadata, licence), who may
open it, and what the organizers read there and on the proceedings page."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from submissions.camera_ready import selectors
from submissions.camera_ready.services import (
    PrintedAuthor,
    camera_ready_metadata_save,
    camera_ready_upload,
)
from submissions.models import CameraReady, Conflict, PdfKind, PdfVersion
from tests.factories import SubmissionFactory
from tests.leaks.two_worlds import normalise
from tests.submissions import pdf_corpus
from tests.submissions.camera_ready.conftest import final_pdf


@pytest.mark.django_db
def test_the_organizer_learns_neither_how_many_authors_submitted_nor_who(client_for, accepted, author, organizer,
                                                                         camera_workshop):
    """Double blind: the printed list names one author; the submission has two, then three."""
    camera_ready_metadata_save(submission=accepted, by=author, title="T", abstract="A",
                               authors=[PrintedAuthor("Alice Author")], workshop=camera_workshop)
    client = client_for(organizer)
    with_two = client.get(reverse("proceedings")).content.decode()
    accepted.authors.create(position=2, name="Hidden Helper", email="helper@elsewhere.example")
    with_three = client.get(reverse("proceedings")).content.decode()

    assert normalise(with_two, html=True) == normalise(with_three, html=True)
    assert "1 paper still owes something" in with_three and "To</dt><dd>The authors of #" in with_three
    assert author.email not in with_three and "chen@lakeside.example" not in with_three
    assert "3 mails" not in with_three and "Send 3" not in with_three


@pytest.mark.django_db
def test_the_organizer_reads_no_submission_authors_off_an_unconfirmed_camera_ready_form(
        client_for, accepted, author, organizer, camera_workshop):
    """Until the authors confirm the printed list, the form would show the submission's authors."""
    url = reverse("camera_ready", args=[accepted.pk])
    [name, *_] = [a.name for a in accepted.authors.all()]

    assert name in client_for(author).get(url).content.decode()
    assert name not in client_for(organizer).get(url).content.decode()
    camera_ready_metadata_save(submission=accepted, by=author, title="T", abstract="A",
                               authors=[PrintedAuthor(name)], workshop=camera_workshop)
    assert name in client_for(organizer).get(url).content.decode()  # printed: public from now on


@pytest.mark.django_db
def test_the_author_prepares_everything_on_one_page(client_for, accepted, author, camera_workshop):
    client = client_for(author)
    url = reverse("camera_ready", args=[accepted.pk])

    page = client.get(url).content.decode()
    assert "Camera-ready version of #" in page and "to accept" in page

    response = client.post(reverse("camera_ready_upload", args=[accepted.pk]),
                           {"pdf": SimpleUploadedFile("final.pdf", final_pdf(), "application/pdf")})
    assert response.status_code == 302
    response = client.post(url, {
        "title": "Final title", "abstract": "Final abstract.", "authors-TOTAL_FORMS": 2,
        "authors-INITIAL_FORMS": 0, "authors-0-name": "Alice Author", "authors-0-affiliation": "Lakeside",
        "authors-1-name": "Chen Coauthor", "authors-1-affiliation": "Lakeside"})
    assert response.status_code == 302
    client.post(url, {"licence": "yes"})

    page = client.get(url).content.decode()
    assert page.count('class="done"') == 3
    assert selectors.camera_ready_statuses()[0].missing == []


@pytest.mark.django_db
def test_a_wrong_file_gets_a_message_not_an_error(client_for, accepted, author):
    response = client_for(author).post(reverse("camera_ready_upload", args=[accepted.pk]),
                                       {"pdf": SimpleUploadedFile("paper.docx", pdf_corpus.docx())})

    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert not PdfVersion.objects.filter(kind=PdfKind.CAMERA_READY).exists()


@pytest.mark.django_db
def test_a_late_upload_is_refused_with_the_reason(client_for, accepted, author, camera_workshop):
    camera_workshop.camera_ready_deadline = timezone.now() - timedelta(minutes=1)
    camera_workshop.save()

    response = client_for(author).post(reverse("camera_ready_upload", args=[accepted.pk]),
                                       {"pdf": SimpleUploadedFile("final.pdf", final_pdf(), "application/pdf")})

    assert response.status_code == 200
    assert "The camera-ready deadline passed on " in response.content.decode()
    assert not PdfVersion.objects.filter(kind=PdfKind.CAMERA_READY).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [
    ("author", 200), ("coauthor", 200), ("organizer", 200), ("chair", 200), ("conflicted_chair", 404),
    ("pc_member", 404), ("other_author", 404)])
def test_who_sees_the_camera_ready_page(client_for, accepted, who, status, request):
    if who == "conflicted_chair":
        user = request.getfixturevalue("chair")
        Conflict.objects.create(submission=accepted, user=user, reason="advisor", source="author")
    else:
        user = request.getfixturevalue(who)

    assert client_for(user).get(reverse("camera_ready", args=[accepted.pk])).status_code == status


@pytest.mark.django_db
def test_an_unaccepted_paper_has_no_camera_ready_page_even_for_its_author(client_for, camera_workshop, author):
    paper = SubmissionFactory(created_by=author)

    assert client_for(author).get(reverse("camera_ready", args=[paper.pk])).status_code == 404
    assert client_for(author).get(reverse("camera_ready", args=[paper.pk + 99])).status_code == 404


@pytest.mark.django_db
def test_the_organizer_reads_the_final_pdf_and_grants_an_extension(client_for, accepted, author, organizer,
                                                                   camera_workshop):
    version = camera_ready_upload(submission=accepted, by=author, data=final_pdf(), filename="f.pdf",
                                  workshop=camera_workshop)
    client = client_for(organizer)

    page = client.get(reverse("camera_ready", args=[accepted.pk])).content.decode()
    download = client.get(reverse("camera_ready_pdf", args=[accepted.pk, version.pk]))
    until = (timezone.now() + timedelta(days=40)).strftime("%Y-%m-%dT23:59")
    client.post(reverse("camera_ready_extension", args=[accepted.pk]), {"until": until})

    assert 'name="pdf"' not in page  # organizers read; the authors upload
    assert b"".join(download.streaming_content) == final_pdf()
    assert CameraReady.objects.get(submission=accepted).extension > camera_workshop.camera_ready_deadline


@pytest.mark.django_db
def test_a_submission_pdf_is_not_served_as_a_camera_ready_version(client_for, accepted, author, organizer):
    version = PdfVersion.objects.create(submission=accepted, kind=PdfKind.SUBMISSION, file="pdf/x.pdf",
                                        original_name="x.pdf", sha256="0" * 64, size=1, page_count=1,
                                        uploaded_by=author)

    assert client_for(organizer).get(reverse("camera_ready_pdf", args=[accepted.pk, version.pk])).status_code == 404


@pytest.mark.django_db
def test_the_author_dashboard_says_what_the_camera_ready_still_needs(client_for, accepted, author):
    page = client_for(author).get(reverse("submissions_dashboard")).content.decode()

    assert "Camera-ready: the final PDF, the final title, abstract and authors, the licence" in page
