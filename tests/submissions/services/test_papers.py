import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from submissions.models import Conflict, PdfVersion, Submission
from submissions.services.papers import (
    AuthorEntry,
    SubmissionData,
    pdf_upload,
    submission_create,
    submission_revive,
    submission_update,
    submission_withdraw,
)
from tests.submissions import pdf_corpus
from workshop.errors import Refused
from workshop.models import AOE, OutgoingMail, Topic, VocabularyTerm
from workshop.phases import format_moment


def _data(pc=None, **changes) -> SubmissionData:
    fields = dict(
        title="Backdoors in malware detectors", abstract="We poison $1\\%$ of labels.",
        attack_model="Gray-box poisoning.", security_relationship="Evasion of detection.",
        artifact_url="https://example.org/code", will_open_source=True,
        topics=list(Topic.objects.order_by("position")[2:3]),
        threat_terms=list(VocabularyTerm.objects.filter(kind="phase")[:1]),
        authors=[AuthorEntry("Alice Author", "alice@author.example", "Lakeside"),
                 AuthorEntry("Chen Coauthor", "Chen@Lakeside.example")],
        conflicts={pc: "advisor"} if pc else {},
    )
    fields.update(changes)
    return SubmissionData(**fields)


@pytest.mark.django_db
def test_submission_create_saves_everything_and_mails_a_receipt_to_each_author(
    open_workshop, author, pc_member, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        submission, created = submission_create(by=author, data=_data(pc=pc_member), token="t1",
                                                workshop=open_workshop)

    receipts = OutgoingMail.objects.filter(kind="submission:receipt").order_by("recipient")
    assert created is True
    assert [a.email for a in submission.authors.all()] == ["alice@author.example", "chen@lakeside.example"]
    assert Conflict.objects.get().user == pc_member
    assert [m.recipient for m in receipts] == ["alice@author.example", "chen@lakeside.example"]
    body = receipts[0].body
    assert f"Your paper #{submission.pk} is registered." in body
    assert "Training time attacks (e.g., data poisoning)" in body
    assert "ML phase attacked: Training-time poisoning / backdoor" in body
    assert "Pat Member (Advisor / advisee)" in body


@pytest.mark.django_db
def test_submission_create_twice_with_one_token_makes_one_paper(open_workshop, author):
    first, _ = submission_create(by=author, data=_data(), token="same", workshop=open_workshop)
    second, created = submission_create(by=author, data=_data(), token="same", workshop=open_workshop)

    assert (second.pk, created, Submission.objects.count()) == (first.pk, False, 1)


@pytest.mark.django_db
def test_submission_create_after_the_abstract_deadline_is_refused(closed_workshop, author):
    with pytest.raises(Refused) as refused:
        submission_create(by=author, data=_data(), token="late", workshop=closed_workshop)

    assert refused.value.message == (f"Submissions closed on {format_moment(closed_workshop.abstract_deadline, AOE)} "
                                     "(the abstract registration deadline); new papers can no longer be registered.")


@pytest.mark.django_db
def test_submission_update_from_a_stale_copy_is_refused(submission, author, open_workshop):
    submission_update(submission=submission, by=author, data=_data(title="First"), expected_version=1,
                      workshop=open_workshop)

    with pytest.raises(Refused) as refused:
        submission_update(submission=Submission.objects.get(pk=submission.pk), by=author,
                          data=_data(title="Second"), expected_version=1, workshop=open_workshop)

    assert "changed (by a co-author, or in another tab) since you opened it" in refused.value.message
    assert Submission.objects.get(pk=submission.pk).title == "First"


@pytest.mark.django_db
def test_submission_update_after_the_deadline_is_refused_unless_extended(submission, author, closed_workshop):
    with pytest.raises(Refused) as refused:
        submission_update(submission=submission, by=author, data=_data(), expected_version=1,
                          workshop=closed_workshop)
    submission.deadline_extension = timezone.now() + timedelta(days=1)

    submission_update(submission=submission, by=author, data=_data(title="Extended"), expected_version=1,
                      workshop=closed_workshop)

    deadline = format_moment(closed_workshop.paper_deadline, AOE)
    assert refused.value.message == f"The paper deadline passed on {deadline}; the submission can no longer be changed."
    assert Submission.objects.get(pk=submission.pk).title == "Extended"


@pytest.mark.django_db
def test_pdf_upload_keeps_every_version(submission, author, open_workshop, paper_pdf):
    first = pdf_upload(submission=submission, by=author, data=paper_pdf, filename="draft.pdf",
                       workshop=open_workshop)
    second_bytes = pdf_corpus.paper(body_pages=2)
    second = pdf_upload(submission=submission, by=author, data=second_bytes, filename="final.pdf",
                        workshop=open_workshop)

    assert PdfVersion.objects.filter(submission=submission).count() == 2
    assert first.file.read() == paper_pdf
    assert (second.page_count, second.original_name) == (3, "final.pdf")
    assert Submission.objects.get(pk=submission.pk).current_pdf == second
    assert "draft" not in first.file.name and "final" not in second.file.name


@pytest.mark.django_db
def test_pdf_upload_strips_author_metadata_from_the_reviewer_copy(submission, author, open_workshop):
    data = pdf_corpus.with_metadata(author=author.full_name)

    version = pdf_upload(submission=submission, by=author, data=data, filename="p.pdf", workshop=open_workshop)

    reviewer_copy = version.reviewer_file.read()
    assert author.full_name.encode() in data
    assert author.full_name.encode() not in reviewer_copy
    assert len(PdfReader(io.BytesIO(reviewer_copy)).pages) == version.page_count
    assert version.anonymity_warnings[0] == f'The PDF metadata field "Author" contains "{author.full_name}".'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "start"),
    [
        (pdf_corpus.png, "This file is not a PDF"),
        (pdf_corpus.encrypted, "Your PDF is password-protected"),
        (lambda: pdf_corpus.paper(body_pages=10), "Your PDF has"),
    ],
)
def test_pdf_upload_refuses_bad_files_with_the_reason(submission, author, open_workshop, make, start):
    with pytest.raises(Refused) as refused:
        pdf_upload(submission=submission, by=author, data=make(), filename="x.pdf", workshop=open_workshop)

    assert refused.value.message.startswith(start)
    assert PdfVersion.objects.count() == 0


@pytest.mark.django_db
def test_pdf_upload_receipt_names_the_sha256(submission, author, open_workshop, paper_pdf,
                                             django_capture_on_commit_callbacks):
    version = pdf_upload(submission=submission, by=author, data=paper_pdf, filename="p.pdf",
                         workshop=open_workshop)

    receipt = OutgoingMail.objects.filter(kind="submission:receipt").latest("id")
    assert f"SHA-256 {version.sha256}" in receipt.body


@pytest.mark.django_db
def test_withdraw_then_revive_before_the_deadline(submission, author, open_workshop):
    submission_withdraw(submission=submission, by=author, workshop=open_workshop)
    withdrawn = Submission.objects.get(pk=submission.pk)
    submission_revive(submission=withdrawn, by=author, workshop=open_workshop)

    assert withdrawn.status == "withdrawn"
    assert Submission.objects.get(pk=submission.pk).status == "registered"


@pytest.mark.django_db
def test_revive_after_the_deadline_is_refused(submission, author, closed_workshop):
    submission_withdraw(submission=submission, by=author, workshop=closed_workshop)

    with pytest.raises(Refused) as refused:
        submission_revive(submission=Submission.objects.get(pk=submission.pk), by=author,
                          workshop=closed_workshop)

    deadline = format_moment(closed_workshop.paper_deadline, AOE)
    assert refused.value.message == f"The paper deadline passed on {deadline}; a withdrawn paper cannot be revived."


@pytest.mark.django_db
def test_withdraw_by_someone_else_is_refused(submission, other_author, open_workshop):
    with pytest.raises(Refused):
        submission_withdraw(submission=submission, by=other_author, workshop=open_workshop)

    assert Submission.objects.get(pk=submission.pk).withdrawn_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("hold", ["override_closed", "override_discussion", "released"])
def test_authors_cannot_change_papers_when_the_phase_says_so_whatever_the_dates(
    open_workshop, submission, author, paper_pdf, hold,
):
    """Issue 9, item 7: dates say open, the phase says no."""
    from submissions.services.papers import pdf_upload, submission_create

    if hold == "released":
        open_workshop.decisions_released = True
    else:
        open_workshop.phase_override = hold.removeprefix("override_")
    open_workshop.save()

    with pytest.raises(Refused):
        pdf_upload(submission=submission, by=author, data=paper_pdf, filename="p.pdf", workshop=open_workshop)
    with pytest.raises(Refused):
        submission_create(by=author, data=_data(), token="t-phase", workshop=open_workshop)
    assert submission.pdf_versions.count() == 0


@pytest.mark.django_db
def test_extension_lets_an_author_upload_during_bidding(open_workshop, submission, author, paper_pdf):
    from datetime import timedelta

    from django.utils import timezone

    from submissions.services.papers import pdf_upload

    now = timezone.now()
    open_workshop.paper_deadline = now - timedelta(hours=1)
    open_workshop.save()
    submission.deadline_extension = now + timedelta(days=1)
    submission.save()

    pdf_upload(submission=submission, by=author, data=paper_pdf, filename="p.pdf", workshop=open_workshop)

    assert submission.pdf_versions.count() == 1
