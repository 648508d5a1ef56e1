import pytest
from playwright.sync_api import expect

from reviews.demo.loader import DEMO_PASSWORD, load_demo
from reviews.models import Assignment
from tests.browser.steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_chair_runs_automatic_assignment_on_the_demo_and_a_pc_member_sees_new_papers(
    live_server, browser, settings, tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    before = set(Assignment.objects.values_list("submission_id", "reviewer_id"))

    chair = browser.new_context().new_page()
    sign_in(chair, live_server.url, "chair@example.org", DEMO_PASSWORD)
    chair.goto(live_server.url + "/chair/assignments/")
    chair.get_by_role("link", name="Automatic assignment").click()
    chair.get_by_label("Reviews per paper (k)").fill("3")
    chair.get_by_label("Maximum papers per PC member").fill("10")  # 13 demo papers x 3 over 5 members
    chair.get_by_role("button", name="Compute a proposal").click()

    expect(chair.get_by_role("heading", name="Per paper")).to_be_visible()
    expect(chair.get_by_text("new assignments would be made")).to_be_visible()
    expect(chair.locator("figure.chart svg")).to_have_count(2)
    chair.get_by_role("button", name="Apply this assignment").click()
    expect(chair.get_by_text("Assignment applied:")).to_be_visible()

    new = [a for a in Assignment.objects.select_related("reviewer", "submission")
           if (a.submission_id, a.reviewer_id) not in before]
    assert new, "the proposal added no assignment"
    member = browser.new_context().new_page()
    sign_in(member, live_server.url, new[0].reviewer.email, DEMO_PASSWORD)
    member.goto(live_server.url + "/pc/")
    expect(member.get_by_role("link", name=new[0].submission.title)).to_be_visible()
