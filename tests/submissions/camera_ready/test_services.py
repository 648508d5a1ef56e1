"""The camera-ready services: final PDF, printed metadata, licence, the deadline and
its extensions, and the reminders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from submissions.camera_ready import selectors
from submissions.camera_ready.services import (
    PrintedAuthor,
    camera_ready_extension_grant,
    camera_ready_metadata_save,
    camera_ready_reminders,
    camera_ready_upload,
    licence_accept,
)
from submissions.models import CameraReady, Conflict, PdfKind, PdfVersion
from tests.factories import SubmissionFactory
from tests.submissions import pdf_corpus
from tests.submissions.camera_ready.conftest import final_pdf
from tests.submissions.conftest import accept
from workshop.errors import Refused
from workshop.models import AOE, OutgoingMail
from workshop.phases import format_moment


@pytest.mark.django_db
def test_every_final_upload_is_kept_and_the_latest_counts(accepted, author, camera_workshop):
    first = camera_ready_upload(submission=accepted, by=author, data=final_pdf(2), filename="v1.pdf",
                                workshop=camera_workshop)
    second = camera_ready_upload(submission=accepted, by=author, data=final_pdf(3), filename="v2.pdf",
                                 workshop=camera_workshop)

    versions = PdfVersion.objects.filter(submission=accepted, kind=PdfKind.CAMERA_READY).order_by("pk")
    assert [v.original_name for v in versions] == ["v1.pdf", "v2.pdf"]
    assert first.file.read() == final_pdf(2)  # never overwritten
    assert selectors.camera_ready_statuses()[0].pdf == second
    assert second.reviewer_file.name == ""  # the final version names its authors: no reviewer copy


@pytest.mark.django_db
def test_the_final_version_has_its_own_page_limit(accepted, author, camera_workshop):
    camera_workshop.camera_ready_page_limit = 2
    camera_workshop.save()

    with pytest.raises(Refused) as refused:
        camera_ready_upload(submission=accepted, by=author, data=final_pdf(3), filename="long.pdf",
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
        camera_ready_upload(submission=paper, by=by, data=final_pdf(), filename="f.pdf", workshop=camera_workshop)

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
    camera_ready_upload(submission=complete, by=other_author, data=final_pdf(), filename="f.pdf",
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
def test_pc_members_cannot_send_camera_ready_reminders(pc_member, accepted):
    with pytest.raises(Refused):
        camera_ready_reminders(by=pc_member, send=True)
