import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from submissions.models import Submission
from tests.browser.steps import sign_up_and_confirm
from tests.submissions import pdf_corpus
from workshop.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_for_submissions(workshop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    workshop.submission_opens = now - timedelta(days=1)
    workshop.abstract_deadline = now + timedelta(days=3)
    workshop.paper_deadline = now + timedelta(days=7)
    workshop.save()
    return workshop


def test_author_registers_uploads_edits_and_meets_the_deadline(
    live_server, page, open_for_submissions, tmp_path,
):
    workshop = open_for_submissions
    sign_up_and_confirm(page, live_server.url, "Ada Author", "ada@lakeside.edu")

    page.get_by_role("link", name="Your submissions").click()
    page.get_by_role("link", name="Register a new paper").click()
    page.get_by_label("Title").fill("Poisoning Malware Detectors")
    page.get_by_label("Abstract").fill("We poison a small fraction of labels.")
    expect(page.locator('.word-count[data-for="id_abstract"]')).to_have_text("7 / 300 words")
    page.get_by_label("Training time attacks (e.g., data poisoning)").check()
    page.get_by_label("Training-time poisoning / backdoor").check()
    page.get_by_label("Attack model").fill("A gray-box attacker flips labels.")
    page.get_by_label("Relationship to security").fill("Backdoored detectors let malware through.")
    page.get_by_role("button", name="Register paper").click()

    expect(page.get_by_text("is registered. Upload its PDF")).to_be_visible()
    submission = Submission.objects.get()
    pdf = tmp_path / "my-paper.pdf"
    pdf.write_bytes(pdf_corpus.paper())
    page.get_by_label("Upload the PDF").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("PDF uploaded: 4 pages")).to_be_visible()
    receipts = OutgoingMail.objects.filter(kind="submission:receipt", recipient="ada@lakeside.edu")
    assert f"SHA-256 {submission.current_pdf.sha256}" in receipts.latest("id").body

    page.get_by_role("link", name="Edit details").click()
    page.get_by_label("Title").fill("Poisoning Crowd-Sourced Malware Detectors")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Poisoning Crowd-Sourced Malware Detectors")

    workshop.paper_deadline = timezone.now() - timedelta(minutes=1)
    workshop.save()
    page.reload()
    expect(page.get_by_text(re.compile(r"^The paper deadline passed on .* AoE \(your time: .*\); the submission can no "
                                       r"longer be changed\. The paper is shown read-only\.$"))).to_be_visible()
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)
    expect(page.get_by_label("Replace the PDF")).to_have_count(0)
