"""Every main page of every role, in Chromium: no sideways scrolling on a phone
(390 px), no accessibility violations (axe-core), no console errors and no
Content-Security-Policy violations. On the demo workshop, so the pages have
real content."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from reviews.demo.loader import DEMO_PASSWORD, load_demo
from submissions.models import ProceedingsBuild, Submission
from tests.browser.steps import sign_in
from tests.factories import submissions_in_bulk
from workshop.models import Job, OutgoingMail, User
from workshop.selectors import workshop_current

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "anonymous": ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/program/"],
    "author@lakeside.example": ["/", "/submissions/", "/submissions/{p1}/", "/submissions/{p1}/edit/",
                                "/submissions/{p2}/", "/submissions/{p2}/response/", "/submissions/{p3}/",
                                "/submissions/{p1}/camera-ready/", "/profile/"],
    "pc2@southgate.example": ["/pc/", "/pc/bids/", "/pc/profile/", "/submissions/{p1}/", "/submissions/{p1}/review/",
                              "/submissions/{p2}/review/"],
    "chair@example.org": ["/chair/", "/chair/papers/", "/chair/papers/?q=topic:poisoning+ovemer:>=3&sort=mean&dir=desc",
                          "/chair/papers/?q=tpic:x", "/chair/papers/?q=show:topics+show:range+dec:any",
                          "/chair/decisions/release/", "/chair/decisions/release/letters/", "/chair/reminders/",
                          "/chair/mail-texts/", "/chair/mail/compose/?papers={p1},{p2}", "/submissions/{p2}/",
                          "/chair/submissions/", "/submissions/{p1}/", "/chair/settings/", "/chair/settings/topics/",
                          "/chair/settings/vocabulary/goal/", "/chair/people/", "/chair/pc/", "/chair/conflicts/",
                          "/chair/assignments/", "/chair/assignments/auto/", "/chair/review-form/", "/chair/outbox/",
                          "/jobs/{j1}/"],
    "organizer@example.org": ["/", "/profile/", "/proceedings/", "/proceedings/order/", "/proceedings/statistics/",
                              "/proceedings/builds/{b1}/", "/proceedings/builds/{b1}/publish/",
                              "/submissions/{p1}/camera-ready/", "/program/"],
}

WATCH_CSP = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});"""


@pytest.fixture
def demo(settings, tmp_path):
    """The demo workshop; returns its paper numbers as {p1}, {p2}, ..., its build as {b1} and its
    release job as {j1}."""
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    numbers = Submission.objects.order_by("pk").values_list("pk", flat=True)
    return {**{f"p{i}": number for i, number in enumerate(numbers, start=1)},
            "b1": ProceedingsBuild.objects.get().pk, "j1": Job.objects.get().public_id}


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_fit_a_phone_pass_axe_and_log_no_errors(live_server, browser, demo, role):
    paths = [template.format(**demo) for template in PAGES[role]]
    assert _problems(live_server, browser, role, paths) == []


# The list pages with their pager (a middle page: every link of it shows), on a demo grown past five pages.
PAGED = {
    "pc2@southgate.example": ["/pc/bids/?view=cards&page=3"],  # the table: test_bidding_journey.py
    "chair@example.org": ["/chair/submissions/?page=3", "/chair/submissions/?q=paper&page=3",
                          "/chair/assignments/?page=3", "/chair/outbox/?page=3", "/chair/papers/?page=3"],
}


@pytest.mark.parametrize("role", list(PAGED))
def test_pagers_fit_a_phone_and_pass_axe(live_server, browser, demo, role):
    workshop = workshop_current()
    workshop.phase_override = "bidding"
    workshop.save()
    chair = User.objects.get(email="chair@example.org")
    submissions_in_bulk(600, created_by=chair, title="Paper {n} on poisoning")
    OutgoingMail.objects.bulk_create(OutgoingMail(recipient=f"to{n}@example.org", subject=f"Message {n}", body="Hi.",
                                                  kind="test") for n in range(600))

    assert _problems(live_server, browser, role, PAGED[role], pager=True) == []


def _problems(live_server, browser, role: str, paths: list[str], *, pager: bool = False) -> list[str]:
    axe = Axe()
    problems = []
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        errors = []
        page.on("console", lambda message, errors=errors: errors.append(message.text)
                if message.type == "error" else None)
        if role != "anonymous":
            sign_in(page, live_server.url, role, DEMO_PASSWORD)
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        for path in paths:
            errors.clear()
            response = page.goto(live_server.url + path)
            expect(page.locator("main")).to_be_visible()
            where = f"{path} at {width} px"
            if pager:
                expect(page.get_by_role("navigation", name="Pages of")).to_contain_text("Page 3 of")
                expect(page.locator("nav.pager a")).to_have_count(4)  # first, previous, next, last
            if response.status != 200:
                problems.append(f"{where}: HTTP {response.status}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{where}: scrolls sideways by {overflow} px")
            problems += [f"{where}: console error: {text}" for text in errors]
            problems += [f"{where}: CSP violation: {v}" for v in page.evaluate("window.__csp || []")]
            if width == 1280:
                results = axe.run(page)
                problems += [f"{where}: axe {v['id']}: {v['help']} ({len(v['nodes'])}x: "
                             f"{v['nodes'][0]['target']})" for v in results.response["violations"]]
        context.close()
    return problems
