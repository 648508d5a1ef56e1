"""The authors' camera-ready version: final PDF, printed metadata, licence,
the deadline and its extensions, and the reminders."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from submissions import selectors
from submissions.models import CameraReady, Conflict, PdfKind, PdfVersion
from submissions.services import (
    PrintedAuthor,
    camera_ready_extension_grant,
    camera_ready_metadata_save,
    camera_ready_reminders,
    camera_ready_upload,
    licence_accept,
)
from tests.factories import SubmissionFactory
from tests.leaks.two_worlds import normalise
from tests.submissions import pdf_corpus
from tests.submissions.conftest import accept
from workshop.errors import Refused
from workshop.models import AOE, OutgoingMail
from workshop.phases import format_moment


def _final(pages=3) -> bytes:
    return pdf_corpus.paper(pages, byline="Alice Author, Chen Coauthor")


# --- Services -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_final_upload_is_kept_and_the_latest_counts(accepted, author, camera_workshop):
    first = camera_ready_upload(submission=accepted, by=author, data=_final(2), filename="v1.pdf",
                                workshop=camera_workshop)
    second = camera_ready_upload(submission=accepted, by=author, data=_final(3), filename="v2.pdf",
                                 workshop=camera_workshop)

    versions = PdfVersion.objects.filter(submission=accepted, kind=PdfKind.CAMERA_READY).order_by("pk")
    assert [v.original_name for v in versions] == ["v1.pdf", "v2.pdf"]
    assert first.file.read() == _final(2)  # never overwritten
    assert selectors.camera_ready_statuses()[0].pdf == second
    assert second.reviewer_file.name == ""  # the final version names its authors: no reviewer copy


@pytest.mark.django_db
def test_the_final_version_has_its_own_page_limit(accepted, author, camera_workshop):
    camera_workshop.camera_ready_page_limit = 2
    camera_workshop.save()

    with pytest.raises(Refused) as refused:
        camera_ready_upload(submission=accepted, by=author, data=_final(3), filename="long.pdf",
                            workshop=camera_workshop)

    assert "2 pages" in refused.value.message
    assert not PdfVersion.objects.filter(kind=PdfKind.CAMERA_READY).exists()


@pytest.mark.django_db
def test_the_final_version_is_not_checked_for_anonymity(accepted, author, camera_workshop):
    version = camera_ready_upload(submission=accepted, by=author, data=pdf_corpus.with_author_on_first_page(),
                                  filename="final.pdf", workshop=camera_workshop)

    assert not any("anonym" in note.lower() for note in version.notes)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["not accepted", "rejected", "not released", "withdrawn", "not an author"])
def test_only_authors_of_accepted_released_papers_prepare_a_camera_ready(case, camera_workshop, author,
                                                                          other_author):
    from submissions.models import Submission

    paper = accept(SubmissionFactory(created_by=author), "Reject" if case == "rejected" else "Accept (oral)")
    if case == "not accepted":
        Submission.objects.filter(pk=paper.pk).update(outcome=None, released_outcome=None)
    if case == "not released":
        Submission.objects.filter(pk=paper.pk).update(decision_released_at=None, released_outcome=None)
    if case == "withdrawn":
        Submission.objects.filter(pk=paper.pk).update(withdrawn_at=timezone.now())
    paper.refresh_from_db()
    by = other_author if case == "not an author" else author

    with pytest.raises(Refused) as refused:
        camera_ready_upload(submission=paper, by=by, data=_final(), filename="f.pdf", workshop=camera_workshop)

    expected = "Only the paper's authors" if case == "not an author" else "for accepted papers"
    assert expected in refused.value.message


@pytest.mark.django_db
def test_after_the_deadline_only_an_extension_lets_authors_change_it(accepted, author, organizer,
                                                                      camera_workshop):
    camera_workshop.camera_ready_deadline = timezone.now() - timedelta(hours=1)
    camera_workshop.save()

    with pytest.raises(Refused) as refused:
        licence_accept(submission=accepted, by=author, workshop=camera_workshop)
    assert refused.value.message == (f"The camera-ready deadline passed on "
                                     f"{format_moment(camera_workshop.camera_ready_deadline, AOE)}. Write to the "
                                     "chairs if you need an extension.")

    camera_ready_extension_grant(submission=accepted, until=timezone.now() + timedelta(days=2), by=organizer)
    licence_accept(submission=accepted, by=author, workshop=camera_workshop)

    camera = CameraReady.objects.get(submission=accepted)
    assert camera.licence_accepted_by == author and camera.licence_name == "CC BY 4.0"


@pytest.mark.django_db
def test_a_conflicted_chair_cannot_grant_a_camera_ready_extension(accepted, chair, camera_workshop):
    Conflict.objects.create(submission=accepted, user=chair, reason="advisor", source="author")

    with pytest.raises(Refused):
        camera_ready_extension_grant(submission=accepted, until=timezone.now(), by=chair)


@pytest.mark.django_db
def test_printed_metadata_keeps_the_author_order_and_needs_an_author(accepted, author, camera_workshop):
    with pytest.raises(Refused) as refused:
        camera_ready_metadata_save(submission=accepted, by=author, title="T", abstract="A", authors=[],
                                   workshop=camera_workshop)
    assert "at least one author" in refused.value.message

    camera_ready_metadata_save(submission=accepted, by=author, title="  Final title ", abstract="Final.",
                               workshop=camera_workshop, authors=[
                                   PrintedAuthor("Chen Coauthor", "Lakeside"),
                                   PrintedAuthor("Alice Author", "Lakeside", "0000-0002-1825-0097")])

    camera = CameraReady.objects.get(submission=accepted)
    assert camera.title == "Final title"
    assert [a["name"] for a in camera.authors] == ["Chen Coauthor", "Alice Author"]
    assert camera.metadata_confirmed_at is not None


@pytest.mark.django_db
def test_reminders_go_to_each_author_of_each_paper_that_owes_something(accepted, author, organizer,
                                                                       camera_workshop, other_author,
                                                                       django_capture_on_commit_callbacks):
    complete = accept(SubmissionFactory(created_by=other_author))
    camera_ready_upload(submission=complete, by=other_author, data=_final(), filename="f.pdf",
                        workshop=camera_workshop)
    camera_ready_metadata_save(submission=complete, by=other_author, title="T", abstract="A",
                               authors=[PrintedAuthor("Oscar Other")], workshop=camera_workshop)
    licence_accept(submission=complete, by=other_author, workshop=camera_workshop)

    preview, _ = camera_ready_reminders(by=organizer, send=False)
    assert preview.papers == 1 and OutgoingMail.objects.count() == 0
    assert "the final PDF" in preview.body and "the licence" in preview.body

    with django_capture_on_commit_callbacks(execute=True):
        camera_ready_reminders(by=organizer, send=True)
    mails = OutgoingMail.objects.filter(kind="author:camera-ready")
    assert sorted(m.recipient for m in mails) == sorted([author.email, "chen@lakeside.example"])
    assert all(m.paper_number == accepted.pk for m in mails)


@pytest.mark.django_db
def test_a_chair_who_may_see_the_authors_is_shown_the_mails_and_their_addresses(accepted, author, chair):
    preview, _ = camera_ready_reminders(by=chair, send=False)

    assert (preview.papers, preview.mails, preview.to) == (1, 2, author.email)


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
def test_pc_members_cannot_send_camera_ready_reminders(pc_member, accepted):
    with pytest.raises(Refused):
        camera_ready_reminders(by=pc_member, send=True)


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_author_prepares_everything_on_one_page(client_for, accepted, author, camera_workshop):
    client = client_for(author)
    url = reverse("camera_ready", args=[accepted.pk])

    page = client.get(url).content.decode()
    assert "Camera-ready version of #" in page and "to accept" in page

    response = client.post(reverse("camera_ready_upload", args=[accepted.pk]),
                           {"pdf": SimpleUploadedFile("final.pdf", _final(), "application/pdf")})
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
                                       {"pdf": SimpleUploadedFile("final.pdf", _final(), "application/pdf")})

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
    version = camera_ready_upload(submission=accepted, by=author, data=_final(), filename="f.pdf",
                                  workshop=camera_workshop)
    client = client_for(organizer)

    page = client.get(reverse("camera_ready", args=[accepted.pk])).content.decode()
    download = client.get(reverse("camera_ready_pdf", args=[accepted.pk, version.pk]))
    until = (timezone.now() + timedelta(days=40)).strftime("%Y-%m-%dT23:59")
    client.post(reverse("camera_ready_extension", args=[accepted.pk]), {"until": until})

    assert 'name="pdf"' not in page  # organizers read; the authors upload
    assert b"".join(download.streaming_content) == _final()
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


@pytest.mark.parametrize("form_class", ["AuthorForm", "CameraAuthorForm"])
def test_both_author_forms_check_orcid_and_accept_a_pasted_url(form_class):
    from submissions import forms

    form = getattr(forms, form_class)
    good = form(data={"name": "Ada", "email": "ada@x.example", "orcid": "https://orcid.org/0000-0002-1825-0097"})
    bad = form(data={"name": "Ada", "email": "ada@x.example", "orcid": "0000-0002-1825-0098"})

    assert good.is_valid() and good.cleaned_data["orcid"] == "0000-0002-1825-0097"
    assert not bad.is_valid() and "check digit" in str(bad.errors["orcid"])
