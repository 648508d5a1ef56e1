"""The decision journey on the demo workshop: a chair finds papers with the
search language, sorts, decides three in bulk, previews the mail, releases and
watches the mails go; an author then reads the decision and the reviews,
without any reviewer's name (issue 11)."""

import pytest
from playwright.sync_api import expect

from reviews.demo.loader import DEMO_PASSWORD, load_demo
from tests.browser.steps import sign_in
from workshop.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)


def test_chair_decides_in_bulk_releases_and_the_author_reads_the_outcome(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()

    chair = browser.new_context().new_page()
    sign_in(chair, live_server.url, "chair@example.org", DEMO_PASSWORD)
    chair.get_by_role("link", name="Chair", exact=True).click()
    chair.get_by_role("link", name="Papers & scores").click()
    chair.get_by_label("Search papers").fill("topic:poisoning ovemer:>=3")
    chair.get_by_role("button", name="Search").click()
    expect(chair.get_by_role("heading", name="Papers and scores (3)")).to_be_visible()
    chair.get_by_role("link", name="Mean").click()
    chair.get_by_role("link", name="Mean").click()  # highest mean first
    rows = chair.locator("table.paper-table tbody tr")
    expect(rows.last).to_contain_text("Backdoor Triggers That Survive Model Distillation")  # the lowest mean
    expect(rows.first).to_contain_text("4.00")

    chair.get_by_label("Select all papers shown").check()
    chair.get_by_label("Action").select_option("decide")
    chair.get_by_label("Decision").select_option(label="Accept (oral)")
    chair.get_by_label("Note").fill("PC meeting, day 2")
    chair.get_by_role("button", name="Apply").click()
    expect(chair.get_by_text("now have the decision “Accept (oral)”")).to_be_visible()

    chair.get_by_role("link", name="Release decisions").click()
    expect(chair.get_by_text("The first mail, exactly as it will be sent")).to_be_visible()
    expect(chair.locator("pre.mail-body")).not_to_contain_text("Pablo Perturbation")
    chair.get_by_label("Release 4 decisions and send").check()
    chair.get_by_role("button", name="Release and send").click()
    expect(chair.get_by_text("Done")).to_be_visible()
    expect(chair.locator("#batch-progress")).to_contain_text("0 queued")
    assert OutgoingMail.objects.filter(kind="decision:notification", recipient="author@lakeside.example").exists()

    author = browser.new_context().new_page()
    sign_in(author, live_server.url, "author@lakeside.example", DEMO_PASSWORD)
    author.get_by_role("link", name="Your submissions").click()
    expect(author.get_by_text("Accept (oral)")).to_be_visible()
    author.get_by_role("link", name="Label-Flipping Backdoors in Crowd-Sourced Malware Detectors").click()
    expect(author.get_by_role("heading", name="Reviews")).to_be_visible()
    expect(author.get_by_text("Review A")).to_be_visible()
    expect(author.get_by_text("The PC liked the realistic attacker")).to_be_visible()
    for name in ("Pablo Perturbation", "Petra Privacy"):  # its reviewers (Priya is the declared conflict)
        expect(author.get_by_text(name)).to_have_count(0)
    expect(author.get_by_text("Solid workshop paper.")).to_have_count(0)  # PC-only field
