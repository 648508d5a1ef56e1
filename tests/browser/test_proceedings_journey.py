"""The proceedings journey on the demo workshop, with a real Celery worker:
an accepted author uploads the final PDF, confirms the printed title and
accepts the licence; the organizer is told the published volume no longer
matches (issue 18), puts that paper first, builds a draft to proof-read (DRAFT
on every page), builds the volume, watches the progress bar while the worker
runs, downloads the volume and finds the paper on page 1 with its bookmark
(issue 12), then publishes it after confirming what becomes public."""

import re

import pikepdf
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from reviews.demo.loader import DEMO_PASSWORD, load_demo
from reviews.demo.papers import demo_pdf
from submissions.models import Submission
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FINAL_TITLE = "Label-Flipping Backdoors in Crowd-Sourced Malware Detectors (Final Version)"


def test_author_finishes_the_camera_ready_and_the_organizer_builds_the_volume(live_server, browser, settings,
                                                                              tmp_path, start_worker):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    number = {p.title: p.pk for p in Submission.objects.all()}
    ada = number["Label-Flipping Backdoors in Crowd-Sourced Malware Detectors"]
    others = [number[t] for t in ("Provable Defenses Against Patch Attacks on Malware Images",
                                  "Fuzzing Tokenizers: Memory Bugs in ML Preprocessing Pipelines",
                                  "Membership Inference Against Federated Intrusion Detectors")]

    author = browser.new_context().new_page()
    sign_in(author, live_server.url, "author@lakeside.example", DEMO_PASSWORD)
    author.get_by_role("link", name="Your submissions").click()
    author.get_by_role("link", name="Camera-ready: the licence").click()
    expect(author.get_by_role("heading", name=f"Camera-ready version of #{ada}")).to_be_visible()
    author.get_by_label("Replace the final PDF").set_input_files(files=[{
        "name": "final.pdf", "mimeType": "application/pdf",
        "buffer": demo_pdf(FINAL_TITLE, "The final version.", byline="Ada Author, Chen Coauthor")}])
    author.get_by_role("button", name="Upload").click()
    expect(author.get_by_text("Final PDF uploaded")).to_be_visible()
    author.get_by_label("Title").fill(FINAL_TITLE)
    author.get_by_role("button", name="Confirm title, abstract and authors").click()
    expect(author.get_by_text("The final title, abstract and authors are saved.")).to_be_visible()
    author.get_by_label("On behalf of all authors, I accept this licence").check()
    author.get_by_role("button", name="Accept the licence").click()
    expect(author.get_by_text(f"You accepted the CC BY 4.0 licence for #{ada}.")).to_be_visible()
    expect(author.locator(".checklist li.done")).to_have_count(3)

    organizer = browser.new_context().new_page()
    sign_in(organizer, live_server.url, "organizer@example.org", DEMO_PASSWORD)
    organizer.get_by_role("link", name="Proceedings", exact=True).click()
    expect(organizer.get_by_text(re.compile(r"4 of 4 accepted papers have everything"))).to_be_visible()
    stale = organizer.get_by_role("alert").filter(has_text="no longer matches the accepted papers")
    expect(stale).to_contain_text(re.compile(r"The published volume \(build \d+\) no longer matches"))
    expect(stale).to_contain_text(f"#{ada} “{FINAL_TITLE}”: title, final PDF.")
    organizer.get_by_role("link", name="Order & sessions").click()
    for position, paper in enumerate([ada, *others], start=1):
        organizer.get_by_label(f"Position of #{paper}", exact=True).fill(str(position))
    organizer.get_by_role("button", name="Save the order").click()
    expect(organizer.get_by_text("The order of the volume is saved.")).to_be_visible()

    organizer.get_by_role("link", name="Status & builds").click()
    organizer.get_by_role("button", name="Build a draft").click()
    expect(organizer.get_by_role("heading", name=re.compile(r"^Draft \d+ of the volume$"))).to_be_visible()
    expect(organizer.get_by_role("progressbar")).to_be_visible()
    expect(organizer.get_by_text("Waiting for a worker").first).to_be_visible()
    start_worker()  # the organizer watches the bar move, then the page shows the result by itself
    expect(organizer.get_by_role("link", name="Download the draft")).to_be_visible(timeout=120_000)
    expect(organizer.get_by_role("link", name=re.compile("Publish"))).to_have_count(0)  # a draft is never published
    with organizer.expect_download() as drafted:
        organizer.get_by_role("link", name="Download the draft").click()
    assert drafted.value.suggested_filename.endswith("-DRAFT.pdf")
    draft_pages = PdfReader(drafted.value.path()).pages
    assert all("DRAFT, not for publication" in page.extract_text() for page in draft_pages)

    organizer.get_by_role("link", name="Status & builds").click()
    organizer.get_by_role("button", name="Build the volume").click()
    expect(organizer.get_by_role("heading", name=re.compile(r"^Build \d+ of the volume$"))).to_be_visible()
    expect(organizer.get_by_role("progressbar").or_(organizer.get_by_role("link", name="Download the volume"))
           ).to_be_visible()
    expect(organizer.get_by_role("link", name="Download the volume")).to_be_visible(timeout=120_000)
    expect(organizer.get_by_role("cell", name=FINAL_TITLE)).to_be_visible()

    with organizer.expect_download() as download:
        organizer.get_by_role("link", name="Download the volume").click()
    path = download.value.path()
    with pikepdf.open(path) as volume:
        front_pages = int(volume.Root.PageLabels.Nums[2])  # where the arabic numbers start
        outline = [item.title for item in volume.open_outline().root]
    pages = PdfReader(path).pages
    assert outline[:2] == ["Front matter", FINAL_TITLE]
    first_paper = " ".join(pages[front_pages].extract_text().split()).replace("- ", "-")  # undo line breaks
    assert FINAL_TITLE in first_paper
    assert "Proceedings of Machine Learning and Computer Security Workshop 2027, page 1" in first_paper
    contents = " ".join(" ".join(p.extract_text().split()) for p in pages[:front_pages]).replace("- ", "-")
    assert re.search(re.escape(FINAL_TITLE) + r".*? 1\b", contents)

    organizer.get_by_role("link", name="Publish on the program page…").click()
    expect(organizer.get_by_role("heading", name=re.compile(r"^Publish build \d+\?$"))).to_be_visible()
    expect(organizer.get_by_role("cell", name=re.compile(re.escape(FINAL_TITLE)))).to_be_visible()
    expect(organizer.get_by_text("Every paper of this build has everything")).to_be_visible()
    organizer.get_by_label(re.compile(r"Make build \d+ the public volume")).check()
    organizer.get_by_role("button", name=re.compile(r"^Publish build \d+$")).click()
    expect(organizer.get_by_text("Published: the public program shows this volume, as it was built.")).to_be_visible()
    organizer.get_by_role("link", name="Status & builds").click()
    expect(organizer.get_by_text("it matches the accepted papers")).to_be_visible()
    expect(organizer.get_by_role("alert").filter(has_text="no longer matches")).to_have_count(0)
