"""Issue 18, item 11: the compact bidding table, by keyboard only."""

import pytest
from playwright.sync_api import expect

from reviews.models import Bid
from submissions.models import Conflict
from tests.browser.steps import sign_in
from tests.factories import DEFAULT_PASSWORD, RoleFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLES = ("Poisoning Spam Filters", "Evading Malware Detectors", "Stealing Fraud Models")


def test_pc_member_switches_to_the_table_bids_by_keyboard_and_finds_the_bids_saved(live_server, browser, workshop):
    workshop.phase_override = "bidding"
    workshop.save()
    member = UserFactory(email="pia@pc.example", full_name="Pia Reviewer")
    RoleFactory(user=member, name="pc")
    author = UserFactory(email="ada@lakeside.example", full_name="Ada Author")
    first, second, _third = (SubmissionFactory(created_by=author, title=title) for title in TITLES)
    page = browser.new_context().new_page()
    sign_in(page, live_server.url, member.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(live_server.url + "/pc/bids/")
    expect(page.get_by_role("heading", name=TITLES[0])).to_be_visible()  # three papers: cards
    page.get_by_role("link", name="Compact table").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("table")).to_be_visible()

    page.get_by_role("link", name=TITLES[0]).focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label(f"Your bid on #{first.pk}")).to_be_focused()
    page.keyboard.press("e")  # typed: "Eager"
    expect(page.locator(f"#bid-status-{first.pk}")).to_have_text("Saved")
    page.keyboard.press("Tab")
    expect(page.get_by_label(f"Your expertise on #{first.pk}")).to_be_focused()
    with page.expect_response(f"**/pc/bids/{first.pk}/"):
        page.keyboard.press("h")  # "High"
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=TITLES[1])).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("w")  # "Willing"
    expect(page.locator(f"#bid-status-{second.pk}")).to_have_text("Saved")

    page.reload()
    expect(page.get_by_role("table")).to_be_visible()  # the table is remembered
    expect(page.get_by_label(f"Your bid on #{first.pk}")).to_have_value("eager")
    expect(page.get_by_label(f"Your expertise on #{first.pk}")).to_have_value("3")
    expect(page.get_by_label(f"Your bid on #{second.pk}")).to_have_value("willing")
    expect(page.get_by_label(f"Your expertise on #{second.pk}")).to_have_value("")
    assert sorted(Bid.objects.values_list("submission_id", "preference", "expertise")) == [
        (first.pk, "eager", 3), (second.pk, "willing", None)]


def test_a_conflict_chosen_by_an_arrow_key_is_asked_about_and_kept_back_when_declined(live_server, browser,
                                                                                      workshop):
    workshop.phase_override = "bidding"
    workshop.save()
    member = UserFactory(email="pia@pc.example", full_name="Pia Reviewer")
    RoleFactory(user=member, name="pc")
    paper = SubmissionFactory(title=TITLES[0])
    page = browser.new_context().new_page()
    sign_in(page, live_server.url, member.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(live_server.url + "/pc/bids/?view=table")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))

    page.get_by_label(f"Your bid on #{paper.pk}").select_option("conflict")

    expect(page.get_by_label(f"Your bid on #{paper.pk}")).to_have_value("")
    page.get_by_label(f"Your bid on #{paper.pk}").select_option("willing")
    expect(page.locator(f"#bid-status-{paper.pk}")).to_have_text("Saved")  # after anything sent before it
    assert asked == [f"Declare a conflict with #{paper.pk}? The paper leaves your list and the chairs see the "
                     "conflict."]
    assert list(Bid.objects.values_list("preference", flat=True)) == ["willing"]
    assert not Conflict.objects.exists()


def test_the_table_of_two_hundred_papers_fits_a_phone_passes_axe_and_logs_no_errors(live_server, browser, settings,
                                                                                     tmp_path):
    from reviews.demo.loader import load_demo
    from tests.browser.test_pages import _problems
    from tests.factories import submissions_in_bulk
    from workshop.models import User
    from workshop.selectors import workshop_current

    settings.MEDIA_ROOT = tmp_path
    load_demo()
    workshop = workshop_current()
    workshop.phase_override = "bidding"
    workshop.save()
    submissions_in_bulk(200, created_by=User.objects.get(email="chair@example.org"), title="Paper {n} on poisoning")

    assert _problems(live_server, browser, "pc2@southgate.example", ["/pc/bids/?view=table", "/pc/bids/"]) == []
