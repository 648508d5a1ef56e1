"""A chair's decision week on the demo workshop (issues 11 and 18): find the undecided papers with
`-dec:any`, decide two in bulk after confirming, change one released decision (its own tick), see
it under "changed since release", read every letter, release and watch the mails go; the author
then reads the new decision, without any reviewer's name. And stepping through a search with j/k."""

import re

import pytest
from playwright.sync_api import expect

from reviews.demo.loader import DEMO_PASSWORD, load_demo
from submissions.models import Submission
from tests.browser.steps import sign_in
from workshop.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)

RELEASED_POSTER = "Label-Flipping Backdoors in Crowd-Sourced Malware Detectors"  # #1, told "Accept (poster)"


def _search(page, query: str):
    page.get_by_label("Search papers").fill(query)
    page.get_by_role("button", name="Search").click()


def test_a_chairs_decision_week(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    undecided = Submission.objects.filter(outcome__isnull=True, withdrawn_at__isnull=True).count()

    chair = browser.new_context().new_page()
    sign_in(chair, live_server.url, "chair@example.org", DEMO_PASSWORD)
    chair.get_by_role("link", name="Chair", exact=True).click()
    chair.get_by_role("link", name="Papers & scores").click()

    # The undecided papers, and two of them decided in bulk, after a confirmation.
    _search(chair, "-dec:any")
    expect(chair.get_by_role("heading", name=f"Papers and scores ({undecided})")).to_be_visible()
    rows = chair.locator("table.paper-table tbody tr")
    expect(rows.locator("td.decision").filter(has_text=re.compile(r"Accept|Reject"))).to_have_count(0)
    rows.nth(0).get_by_role("checkbox").check()
    rows.nth(1).get_by_role("checkbox").check()
    chair.get_by_label("Action").select_option("decide")
    chair.get_by_label("Decision").select_option(label="Reject")
    chair.get_by_role("button", name="Apply…").click()
    expect(chair.get_by_role("heading", name="Confirm before anything changes")).to_be_visible()
    expect(chair.get_by_text("released decision")).to_have_count(0)  # none of them was released
    chair.get_by_role("button", name="Decide 2 papers").click()
    expect(chair.get_by_text("2 of 2 papers now have the decision “Reject”")).to_be_visible()
    chair.get_by_role("link", name="Back to the paper table").click()

    # A released decision changes only with its own tick.
    _search(chair, "dec:poster")
    row = chair.locator("table.paper-table tbody tr").filter(has_text=RELEASED_POSTER)
    expect(row.locator("td.decision")).to_contain_text("released")
    row.get_by_role("checkbox").check()
    chair.get_by_label("Action").select_option("decide")
    chair.get_by_label("Decision").select_option(label="Accept (oral)")
    chair.get_by_role("button", name="Apply…").click()
    expect(chair.get_by_text("1 released decision would change")).to_be_visible()
    chair.get_by_role("button", name="Decide 1 paper").click()  # the tick is required: nothing happens
    expect(chair.get_by_role("heading", name="Confirm before anything changes")).to_be_visible()
    chair.get_by_label("Yes, change 1 released decision.").check()
    chair.get_by_role("button", name="Decide 1 paper").click()
    expect(chair.get_by_text("1 of 1 papers now have the decision “Accept (oral)”")).to_be_visible()
    chair.get_by_role("link", name="Back to the paper table").click()
    _search(chair, '"Label-Flipping Backdoors"')  # no longer a poster: the list it came from lost it
    expect(chair.locator("table.paper-table tbody tr").filter(has_text=RELEASED_POSTER).locator("td.decision")) \
        .to_contain_text("changed since release")

    # The release shows the change apart; every letter can be read before it goes.
    chair.get_by_role("link", name="Release decisions").click()
    changed = chair.locator("table").filter(has=chair.get_by_role("columnheader", name="Authors were told"))
    expect(changed.get_by_role("row").filter(has_text=RELEASED_POSTER)).to_contain_text("Accept (poster)")
    chair.get_by_role("link", name=re.compile(r"Read every letter of this release")).click()
    expect(chair.get_by_role("heading", name=re.compile(r"Letters of the next release"))).to_be_visible()
    expect(chair.get_by_text(re.compile(r"The decision on #\d+ has changed: Accept \(oral\)")).first).to_be_visible()
    expect(chair.locator("pre.mail-body").filter(has_text="Pablo Perturbation")).to_have_count(0)
    chair.get_by_role("link", name="← Release decisions").click()
    chair.get_by_label("decisions (2 changed since the last release) and send").check()
    chair.get_by_role("button", name="Release and send").click()
    expect(chair.get_by_role("heading", name="Releasing decisions")).to_be_visible()
    expect(chair.get_by_text(re.compile(r"Released \d+ decisions?: \d+ mails? to their authors"))).to_be_visible()
    chair.get_by_role("link", name="Watch the mails go out").click()
    expect(chair.locator("#batch-progress")).to_contain_text("0 queued")
    assert OutgoingMail.objects.filter(kind="decision:changed", recipient="author@lakeside.example").exists()

    # The author is told the new decision, never who reviewed.
    author = browser.new_context().new_page()
    sign_in(author, live_server.url, "author@lakeside.example", DEMO_PASSWORD)
    author.get_by_role("link", name="Your submissions").click()
    expect(author.get_by_role("row").filter(has_text=RELEASED_POSTER)).to_contain_text("Accept (oral)")
    author.get_by_role("link", name=RELEASED_POSTER).click()
    expect(author.get_by_role("heading", name="Reviews")).to_be_visible()
    expect(author.get_by_text("Review A")).to_be_visible()
    expect(author.get_by_text("The PC liked the realistic attacker")).to_be_visible()
    for name in ("Pablo Perturbation", "Petra Privacy"):  # its reviewers (Priya is the declared conflict)
        expect(author.get_by_text(name)).to_have_count(0)
    expect(author.get_by_text("Solid workshop paper.")).to_have_count(0)  # PC-only field


def test_a_chair_steps_through_a_search_with_the_keyboard(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    chair = browser.new_context().new_page()
    sign_in(chair, live_server.url, "chair@example.org", DEMO_PASSWORD)
    chair.goto(live_server.url + "/chair/papers/?q=dec:yes")
    titles = chair.locator("table.paper-table tbody td.title a")
    expect(titles.first).to_be_visible()
    first, second = titles.nth(0).inner_text(), titles.nth(1).inner_text()

    titles.first.click()
    expect(chair.get_by_role("heading", level=1)).to_contain_text(first)
    expect(chair.get_by_text("dec:yes")).to_be_visible()
    chair.keyboard.press("j")
    expect(chair.get_by_role("heading", level=1)).to_contain_text(second)
    chair.reload()  # the list survives
    chair.keyboard.press("k")
    expect(chair.get_by_role("heading", level=1)).to_contain_text(first)
    chair.keyboard.press("u")
    expect(chair.get_by_role("heading", name=re.compile(r"Papers and scores"))).to_be_visible()
