"""Mass actions on the demo with a real Celery worker (issue 20): the chair decides a paper
in bulk, releases the decisions and applies an automatic-assignment proposal; each request
only queues a job, and the chair watches its progress bar until the page shows what it did."""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from reviews.demo.loader import DEMO_PASSWORD, load_demo
from reviews.models import Assignment
from submissions.models import Submission
from tests.browser.steps import sign_in
from workshop.models import MailStatus, OutgoingMail

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _watch(page, done_text, start_worker=None):
    """The job page shows its bar while the job waits or runs, then (refreshing itself) the result."""
    expect(page.get_by_role("progressbar")).to_be_visible()
    if start_worker is not None:
        expect(page.get_by_text("Waiting for a worker").first).to_be_visible()
        start_worker()
    expect(page.get_by_text(done_text)).to_be_visible(timeout=120_000)
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("value", bar.get_attribute("max"))  # full


def test_a_chair_decides_releases_and_assigns_through_jobs_on_a_real_worker(live_server, browser, settings,
                                                                             tmp_path, start_worker):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    undecided = Submission.objects.filter(outcome__isnull=True, withdrawn_at__isnull=True).order_by("pk").first()
    before = set(Assignment.objects.values_list("submission_id", "reviewer_id"))
    chair = browser.new_context().new_page()
    sign_in(chair, live_server.url, "chair@example.org", DEMO_PASSWORD)

    # A bulk decision: the request queues it; nothing runs until a worker takes it.
    chair.goto(live_server.url + "/chair/papers/?" + urlencode({"q": f'"{undecided.title}"'}))
    chair.locator("table.paper-table tbody tr").first.get_by_role("checkbox").check()
    chair.get_by_label("Action").select_option("decide")
    chair.get_by_label("Decision").select_option(label="Reject")
    chair.get_by_role("button", name="Apply…").click()
    chair.get_by_role("button", name="Decide 1 paper").click()
    expect(chair.get_by_role("heading", name="Deciding papers in bulk")).to_be_visible()
    _watch(chair, "1 of 1 papers now have the decision “Reject”", start_worker)

    # The release: the letters go out through the worker, each once.
    chair.locator("a.button", has_text="Release decisions").click()  # the job page's way on
    chair.get_by_label(re.compile(r"Release \d+ decisions? .*and send")).check()
    chair.get_by_role("button", name="Release and send").click()
    expect(chair.get_by_role("heading", name="Releasing decisions")).to_be_visible()
    _watch(chair, re.compile(r"Released \d+ decisions?: \d+ mails? to their authors"))
    chair.get_by_role("link", name="Watch the mails go out").click()
    expect(chair.get_by_text(re.compile(r"\d+ sent · 0 queued · 0 failed"))).to_be_visible(timeout=120_000)
    letters = OutgoingMail.objects.filter(kind="decision:notification", paper_number=undecided.pk)
    assert letters.exists() and set(letters.values_list("status", flat=True)) == {MailStatus.SENT}

    # An automatic assignment, computed and then applied by the worker.
    chair.goto(live_server.url + "/chair/assignments/")
    chair.get_by_role("link", name="Automatic assignment").click()
    chair.get_by_label("Reviews per paper (k)").fill("3")
    chair.get_by_label("Maximum papers per PC member").fill("10")
    chair.get_by_role("button", name="Compute a proposal").click()
    expect(chair.get_by_text("new assignments would be made")).to_be_visible(timeout=120_000)
    chair.get_by_role("button", name="Apply this assignment").click()
    expect(chair.get_by_role("heading", name="Applying an assignment proposal")).to_be_visible()
    _watch(chair, "Assignment applied:")
    assert set(Assignment.objects.values_list("submission_id", "reviewer_id")) - before  # new pairs
