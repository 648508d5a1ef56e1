"""The receipt mailed to every author after each change (templates/submissions/email/receipt_*)."""

import pytest

from submissions.models import Submission
from submissions.services.papers import (
    pdf_upload,
    submission_create,
    submission_revive,
    submission_update,
    submission_withdraw,
)
from tests.submissions import pdf_corpus
from tests.submissions.services.test_papers import _data
from workshop.models import AOE, OutgoingMail
from workshop.phases import format_moment


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://mlsec.example.org"


def _receipt() -> OutgoingMail:
    return OutgoingMail.objects.filter(kind="submission:receipt", recipient="alice@author.example").latest("id")


def _registered(author, workshop) -> Submission:
    submission, _ = submission_create(by=author, data=_data(), token="t", workshop=workshop)
    return Submission.objects.get(pk=submission.pk)


@pytest.mark.django_db
def test_registration_receipt_says_registered_links_the_paper_and_dates_the_deadline(site, open_workshop, author):
    paper = _registered(author, open_workshop)
    deadline = format_moment(open_workshop.paper_deadline, AOE)

    mail = _receipt()

    assert mail.subject == f"[MLSec] #{paper.pk} registered: Backdoors in malware detectors"
    assert mail.body.startswith(f"Your paper #{paper.pk} is registered.\n\nTitle: Backdoors in malware detectors\n"
                                f"The paper: https://mlsec.example.org/submissions/{paper.pk}/\n")
    assert f"Upload its PDF before the paper deadline, {deadline}." in mail.body
    assert deadline.endswith(" AoE")


@pytest.mark.django_db
def test_update_receipt_says_the_details_changed(site, open_workshop, author):
    paper = _registered(author, open_workshop)

    submission_update(submission=paper, by=author, data=_data(title="A better title"), expected_version=paper.version,
                      workshop=open_workshop)

    mail = _receipt()
    assert mail.subject == f"[MLSec] #{paper.pk} details changed: A better title"
    assert mail.body.startswith(f"The details of your paper #{paper.pk} were changed; this is how they read now.")
    assert "Title: A better title" in mail.body


@pytest.mark.django_db
def test_pdf_receipt_gives_pages_and_the_sha256_prefix_in_plain_words(site, open_workshop, author):
    paper = _registered(author, open_workshop)

    version = pdf_upload(submission=paper, by=author, data=pdf_corpus.paper(), filename="p.pdf",
                         workshop=open_workshop)

    mail = _receipt()
    deadline = format_moment(open_workshop.paper_deadline, AOE)
    assert mail.subject == f"[MLSec] #{paper.pk} new PDF, {version.page_count} pages: Backdoors in malware detectors"
    assert mail.body.startswith(f"A new PDF of your paper #{paper.pk} was uploaded: {version.page_count} pages, "
                                f"SHA-256 {version.sha256[:16]}… (in full below).")
    assert f"SHA-256 {version.sha256}" in mail.body
    assert "was PDF uploaded" not in mail.body
    assert f"You can change the paper until the paper deadline, {deadline}." in mail.body


@pytest.mark.django_db
def test_withdrawal_receipt_says_until_when_it_can_be_revived(site, open_workshop, author):
    paper = _registered(author, open_workshop)

    submission_withdraw(submission=paper, by=author, workshop=open_workshop)

    mail = _receipt()
    deadline = format_moment(open_workshop.paper_deadline, AOE)
    assert mail.subject == f"[MLSec] #{paper.pk} withdrawn: Backdoors in malware detectors"
    assert mail.body.startswith(f"Your paper #{paper.pk} is withdrawn: reviewers no longer see it.")
    assert (f"You can revive it until the paper deadline, {deadline}; after that the withdrawal is final."
            in mail.body)


@pytest.mark.django_db
def test_revival_receipt_says_the_paper_is_back(site, open_workshop, author):
    paper = _registered(author, open_workshop)
    submission_withdraw(submission=paper, by=author, workshop=open_workshop)

    submission_revive(submission=Submission.objects.get(pk=paper.pk), by=author, workshop=open_workshop)

    mail = _receipt()
    assert mail.subject == f"[MLSec] #{paper.pk} revived: Backdoors in malware detectors"
    assert mail.body.startswith(f"Your paper #{paper.pk} is revived: it is back in the workshop.")
    assert f"https://mlsec.example.org/submissions/{paper.pk}/" in mail.body


@pytest.mark.django_db
def test_withdrawal_after_the_deadline_says_it_is_final_and_since_when(site, closed_workshop, author):
    from tests.factories import SubmissionFactory

    paper = SubmissionFactory(created_by=author, authors=[("Alice Author", "alice@author.example")])

    submission_withdraw(submission=paper, by=author, workshop=closed_workshop)

    deadline = format_moment(closed_workshop.paper_deadline, AOE)
    assert (f"The paper deadline passed on {deadline}; a withdrawn paper cannot be revived."
            in _receipt().body)
