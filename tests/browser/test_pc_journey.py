import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import sign_in, sign_up_and_confirm
from tests.factories import DEFAULT_PASSWORD, RoleFactory, SubmissionFactory, UserFactory
from tests.reviews.conftest import submitted_review
from workshop.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)

SCORES = {"Overall merit": "4. Weak accept", "Reviewer expertise": "3. Knowledgeable",
          "Threat model clarity and realism": "3. Clear", "Relevance to security": "3. Central",
          "Reproducibility": "2. Partly (some code or data)"}


def test_invited_pc_member_bids_is_assigned_drafts_submits_and_reads_the_other_reviews(
    live_server, browser, workshop, settings, tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    workshop.phase_override = "bidding"
    workshop.save()
    chair = UserFactory(email="chair@mlsec.example", full_name="Carla Chair")
    RoleFactory(user=chair, name="chair")
    other = UserFactory(email="other@pc.example", full_name="Olli Other")
    RoleFactory(user=other, name="pc")
    paper = SubmissionFactory(title="Poisoning Spam Filters")
    submitted_review(paper, other, summary="The other reviewer's summary.")
    from reviews.models import Assignment

    Assignment.objects.create(submission=paper, reviewer=other)

    chair_page = browser.new_context().new_page()
    sign_in(chair_page, live_server.url, chair.email, DEFAULT_PASSWORD)
    chair_page.get_by_role("link", name="Chair", exact=True).click()
    chair_page.get_by_role("link", name="Program committee").click()
    chair_page.get_by_label("Name").first.fill("Pia Reviewer")
    chair_page.get_by_label("Email").fill("pia@pc.example")
    chair_page.get_by_role("button", name="Send invitation").click()
    expect(chair_page.get_by_text("Invitation sent to pia@pc.example.")).to_be_visible()

    pc_page = browser.new_context().new_page()
    invitation_mail = OutgoingMail.objects.get(kind="pc:invitation").body
    pc_page.goto(re.search(r"https?://\S+/pc/invitation/\S+/", invitation_mail).group(0))
    expect(pc_page.get_by_role("heading", name="Join the program committee?")).to_be_visible()
    pc_page.get_by_role("link", name="Create an account").click()
    sign_up_and_confirm(pc_page, live_server.url, "Pia Reviewer", "pia@pc.example", from_here=True)
    pc_page.get_by_role("button", name="Accept").click()
    expect(pc_page.get_by_text("Welcome to the program committee!")).to_be_visible()

    pc_page.get_by_role("link", name="PC", exact=True).click()
    pc_page.get_by_role("link", name="Bid on papers").click()
    pc_page.get_by_label("Your bid").select_option("eager")
    expect(pc_page.locator(f"#bid-status-{paper.pk}")).to_have_text("Saved")

    chair_page.goto(live_server.url + "/chair/assignments/")
    chair_page.get_by_label(f"Reviewer for #{paper.pk}").select_option(label="Pia Reviewer (0)")
    chair_page.locator(f"#paper-{paper.pk}").get_by_role("button", name="Assign", exact=True).click()
    expect(chair_page.get_by_text(f"Pia Reviewer now reviews #{paper.pk}.")).to_be_visible()

    pc_page.goto(live_server.url + "/pc/")
    pc_page.get_by_role("link", name="Not started — write it").click()
    pc_page.get_by_label("Paper summary").fill("Label flipping against spam filters.")
    expect(pc_page.locator("#autosave-status")).to_contain_text("Draft saved at", timeout=15000)
    pc_page.reload()
    expect(pc_page.get_by_label("Paper summary")).to_have_value("Label flipping against spam filters.")
    expect(pc_page.get_by_text("The other reviewer's summary.")).to_have_count(0)

    for question, answer in SCORES.items():
        pc_page.get_by_role("group", name=question).get_by_label(answer).check()
    pc_page.get_by_label("Strengths").fill("Realistic attacker.")
    pc_page.get_by_label("Weaknesses").fill("Small dataset.")
    pc_page.get_by_role("button", name="Submit review").click()

    expect(pc_page.get_by_text("Review submitted.")).to_be_visible()
    expect(pc_page.get_by_text("The other reviewer's summary.")).to_be_visible()
    expect(pc_page.get_by_text("by Olli Other")).to_be_visible()


def test_review_typed_before_the_scripts_load_is_still_autosaved(live_server, browser, workshop, settings,
                                                                 tmp_path):
    """Issue 9: autosave never fired when the reviewer typed before htmx had processed the page."""
    settings.MEDIA_ROOT = tmp_path
    workshop.phase_override = "reviewing"
    workshop.save()
    reviewer = UserFactory(email="quick@pc.example", full_name="Quinn Quick")
    RoleFactory(user=reviewer, name="pc")
    paper = SubmissionFactory(title="Poisoning Spam Filters")
    from reviews.models import Assignment, Review

    Assignment.objects.create(submission=paper, reviewer=reviewer)
    page = browser.new_context().new_page()
    sign_in(page, live_server.url, reviewer.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("link", name="PC", exact=True)).to_be_visible()
    held = []
    page.route("**/static/django_htmx/htmx-2*.js", lambda route: held.append(route))  # arrives when we say

    page.goto(live_server.url + f"/submissions/{paper.pk}/review/", wait_until="commit")
    page.get_by_label("Paper summary").fill("Typed at once.")
    for _ in range(1000):  # each round trip lets Playwright hand us the held request
        if held:
            break
        page.evaluate("1")
    assert held, "the page did not ask for htmx"
    held[0].continue_()

    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at", timeout=15000)
    assert Review.objects.get(reviewer=reviewer).draft_values["summary"] == "Typed at once."


def test_a_failed_preview_says_so_in_our_words_and_paints_no_inline_style(live_server, browser, workshop, settings):
    """Issue 18, item 17: in DEBUG, django-htmx's helper wrote the error page (inline styles) over the review page."""
    settings.DEBUG = True  # as `make run` serves
    workshop.phase_override = "reviewing"
    workshop.save()
    reviewer = UserFactory(email="quick@pc.example", full_name="Quinn Quick")
    RoleFactory(user=reviewer, name="pc")
    paper = SubmissionFactory(title="Poisoning Spam Filters")
    from reviews.models import Assignment

    Assignment.objects.create(submission=paper, reviewer=reviewer)
    context = browser.new_context()
    context.add_init_script('document.addEventListener("securitypolicyviolation", '
                            '(e) => (window.__csp = window.__csp || []).push(e.violatedDirective));')
    page = context.new_page()
    sign_in(page, live_server.url, reviewer.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("link", name="PC", exact=True)).to_be_visible()
    page.goto(live_server.url + f"/submissions/{paper.pk}/review/")
    page.get_by_label("Paper summary").fill("Label flipping, $$\\sum_i x_i$$ and $k$.")
    Assignment.objects.all().delete()  # the chair takes the paper away while the form is open: the preview is a 404

    page.get_by_role("button", name="Preview").click()

    expect(page.locator("#preview")).to_have_text(
        "That did not go through (the server answered 404 Not Found). Reload the page and try again.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of")  # our page, not an error page
    assert page.evaluate("window.__csp || []") == []
