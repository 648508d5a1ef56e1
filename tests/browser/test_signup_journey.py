import re

import pytest
from playwright.sync_api import expect

from workshop.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_reads_the_cfp_signs_up_confirms_and_is_signed_in(live_server, page, workshop):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(workshop.name)
    expect(page.get_by_role("heading", name="Topics")).to_be_visible()

    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Full name").fill("Nora Newcomer")
    page.get_by_label("Affiliation").fill("Lakeside University")
    page.get_by_label("Email").fill("nora@lakeside.edu")
    page.get_by_label(re.compile(r"^Password \*$")).fill("a long enough passphrase")
    page.get_by_label(re.compile(r"^Password \(again\)")).fill("a long enough passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()

    mail = OutgoingMail.objects.get(recipient="nora@lakeside.edu")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Nora Newcomer")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_cfp_shows_deadlines_in_aoe_and_in_the_viewers_time(live_server, page, workshop):
    from datetime import UTC, datetime

    workshop.submission_opens = datetime(2020, 1, 1, tzinfo=UTC)
    workshop.paper_deadline = datetime(2099, 5, 2, 11, 59, tzinfo=UTC)
    workshop.save()

    page.goto(live_server.url + "/")

    row = page.locator(".deadline-row.next")
    expect(row).to_contain_text("Fri 1 May 2099, 23:59 AoE")
    expect(row.locator("time")).to_contain_text("your time: Sat, 2 May 2099, 13:59 CEST")
    expect(row.locator("time")).to_contain_text("left")
