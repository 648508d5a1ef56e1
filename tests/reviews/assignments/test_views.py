"""The assignment pages: by hand and by CSV, and the automatic runs' pages."""

import re

import pytest
from django.urls import reverse

from reviews.assignments import runs
from reviews.assignments.services import assignments_preview
from reviews.assignments.views import ASSIGNMENT_PAGE_ROWS
from reviews.models import Assignment, AssignmentRun
from submissions.models import Conflict
from tests.factories import RoleFactory, UserFactory, submissions_in_bulk
from tests.reviews.assignments.conftest import pc_of, run_params
from tests.reviews.conftest import submitted_review
from workshop.runs import RunState


def _assignment_rows(response) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="paper-(\d+)"', response.content.decode())]


def _reviewer_of(papers, reviewer=None):
    reviewer = reviewer or UserFactory()
    RoleFactory(user=reviewer, name="pc")
    Assignment.objects.bulk_create(Assignment(submission=p, reviewer=reviewer) for p in papers)
    return reviewer


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, ASSIGNMENT_PAGE_ROWS + 1])
def test_chair_assignment_page_runs_a_constant_number_of_queries(client_for, chair, author, workshop, count,
                                                                 django_assert_num_queries):
    papers = submissions_in_bulk(count, created_by=author)
    reviewer = _reviewer_of(papers)
    for paper in papers:
        submitted_review(paper, reviewer)
    client = client_for(chair)

    with django_assert_num_queries(14):
        response = client.get(reverse("chair_assignments"))

    assert len(_assignment_rows(response)) == min(count, ASSIGNMENT_PAGE_ROWS)
    # the loads count every paper, not the page's
    assert re.search(rf'value="{count}" aria-label="load"></meter> {count}</td><td>{count}</td>',
                     response.content.decode())


@pytest.mark.django_db
def test_chair_assignment_page_two_shows_the_next_papers(client_for, chair, author, workshop):
    papers = submissions_in_bulk(ASSIGNMENT_PAGE_ROWS + 2, created_by=author)

    response = client_for(chair).get(reverse("chair_assignments"), {"page": 2})

    assert _assignment_rows(response) == [p.pk for p in papers[ASSIGNMENT_PAGE_ROWS:]]
    assert f"Page 2 of 2, {ASSIGNMENT_PAGE_ROWS + 2} papers" in response.content.decode()


@pytest.mark.django_db
def test_chair_assignment_reviewer_filter_survives_paging_and_assigning(client_for, chair, author, workshop):
    papers = submissions_in_bulk(ASSIGNMENT_PAGE_ROWS + 5, created_by=author)
    reviewer = _reviewer_of(papers[3:])
    other = _reviewer_of([])
    client = client_for(chair)
    here = f"/chair/assignments/?reviewer={reviewer.pk}&page=2"

    page_one = client.get(reverse("chair_assignments"), {"reviewer": reviewer.pk}).content.decode()
    page_two = client.get(here)
    response = client.post(here, {"paper": papers[-1].pk, "reviewer": other.pk})

    assert f'href="?reviewer={reviewer.pk}&amp;page=2" rel="next"' in page_one
    assert f"Papers assigned to {reviewer.full_name}" in page_one
    assert _assignment_rows(page_two) == [p.pk for p in papers[ASSIGNMENT_PAGE_ROWS + 3:]]
    assert response.url == f"{here}#paper-{papers[-1].pk}"
    assert Assignment.objects.filter(reviewer=other).count() == 1


@pytest.mark.django_db
def test_chair_assignment_reviewer_filter_leaves_out_conflicted_papers(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["conflicted_chair"])

    listed = client.get(reverse("chair_assignments")).content.decode()
    filtered = client.get(reverse("chair_assignments"), {"reviewer": people["reviewer_before"].pk})

    assert f'<tr class="conflicted" id="paper-{paper.pk}">' in listed
    assert f'id="paper-{paper.pk}"' not in filtered.content.decode()


@pytest.mark.django_db
def test_chair_assignment_page_refuses_a_conflicted_reviewer_with_the_reason(client_for, pc_world):
    people, paper = pc_world

    response = client_for(people["chair"]).post(
        reverse("chair_assignments"), {"paper": paper.pk, "reviewer": people["conflicted_pc"].pk}, follow=True)

    assert "Conflicted Pc has a conflict with" in response.content.decode()


@pytest.mark.django_db
def test_conflicted_chair_sees_the_paper_as_title_only_and_no_loads_from_it(client_for, pc_world):
    people, paper = pc_world

    page = client_for(people["conflicted_chair"]).get(reverse("chair_assignments")).content.decode()

    assert "You have a conflict with this paper" in page
    assert "Reviewer After" not in page.split("Reviewers per paper")[1]
    assert re.search(r"Reviewer After</td><td><meter[^>]*value=\"0\"", page)


@pytest.mark.django_db
def test_chair_unassigns_from_the_pc_members_papers(client_for, pc_world):
    people, paper = pc_world
    client = client_for(people["chair"])
    here = f"{reverse('chair_assignments')}?reviewer={people['reviewer_before'].pk}"
    page = client.get(reverse("chair_assignments")).content.decode()
    theirs = client.get(here).content.decode()

    client.post(here, {"paper": paper.pk, "reviewer": people["reviewer_before"].pk, "unassign": "1"})

    assert f'<a href="?reviewer={people["reviewer_before"].pk}#papers-h">Reviewer Before' in page
    assert f'Unassign<span class="visually-hidden"> Reviewer Before from #{paper.pk}</span>' in theirs
    assert not Assignment.objects.filter(reviewer=people["reviewer_before"]).exists()


@pytest.mark.django_db
def test_assignment_exports_are_formula_safe_and_read_back(client_for, pc_world):
    """Issue 9, item 14."""
    people, paper = pc_world
    formula = UserFactory(email="=1+2@formula.example", full_name="Formula")
    RoleFactory(user=formula, name="pc")
    Assignment.objects.create(submission=paper, reviewer=formula)

    text = client_for(people["chair"]).get(reverse("assignments_csv")).content.decode()
    rows = {r.email: r for r in assignments_preview(text, by=people["chair"])}

    assert f"{paper.pk},'=1+2@formula.example,assign" in text.splitlines()
    assert rows["=1+2@formula.example"].reviewer == formula


@pytest.mark.django_db
def test_auto_pages_are_for_chairs_only(client_for, pc_member, chair):
    assert client_for(pc_member).get(reverse("auto_start")).status_code == 404
    assert client_for(chair).get(reverse("auto_start")).status_code == 200


@pytest.mark.django_db
def test_auto_page_flow_preview_then_apply(client_for, experts, chair, django_capture_on_commit_callbacks):
    client = client_for(chair)
    form = {"mode": "fresh", "k": 1, "min_load": 0, "max_load": 2, "w_text": 1, "w_topic": 0.5,
            "w_threat": 0.25, "w_bid": 0.3}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("auto_start"), form)
    preview = client.get(response.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        applying = client.post(reverse("auto_apply", args=[AssignmentRun.objects.get().pk]))
    job_page = client.get(applying.url).content.decode()

    assert "2 new assignments would be made" in preview
    assert "<svg" in preview and "Scores of the assigned pairs" in preview
    assert Assignment.objects.count() == 2
    assert "Assignment applied: <strong>2</strong> new, <strong>0</strong> removed" in job_page


@pytest.mark.django_db
def test_auto_form_explains_bad_loads(client_for, chair):
    form = {"mode": "fresh", "k": 1, "min_load": 5, "max_load": 2, "w_text": 1, "w_topic": 0.5,
            "w_threat": 0.25, "w_bid": 0.3}

    response = client_for(chair).post(reverse("auto_start"), form)

    assert "The minimum load cannot be above the maximum." in response.content.decode()


@pytest.mark.django_db
def test_progress_polling_shows_the_bar_then_asks_for_a_refresh(client_for, chair):
    run = AssignmentRun.objects.create(created_by=chair, params=run_params(), done=30, total=100, step="Scoring",
                                       state=RunState.RUNNING)
    client = client_for(chair)

    running = client.get(reverse("auto_run", args=[run.pk]), HTTP_HX_REQUEST="true")
    AssignmentRun.objects.filter(pk=run.pk).update(state=RunState.FAILED, error="x")
    finished = client.get(reverse("auto_run", args=[run.pk]), HTTP_HX_REQUEST="true")

    assert '<progress id="run-bar" max="100" value="30">' in running.content.decode()
    assert finished["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_another_chairs_run_is_not_found(client_for, chair):
    other = UserFactory()
    RoleFactory(user=other, name="chair")
    run = AssignmentRun.objects.create(created_by=other, params=run_params())

    assert client_for(chair).get(reverse("auto_run", args=[run.pk])).status_code == 404


@pytest.mark.django_db
def test_assignment_csv_exports_what_bulk_import_reads(client_for, experts, chair):
    people, poisoning, _ = experts
    Assignment.objects.create(submission=poisoning, reviewer=people["poison"])

    text = client_for(chair).get(reverse("assignments_csv")).content.decode()
    preview = assignments_preview(text, by=chair)

    assert text.splitlines()[0] == "paper,email,action"
    assert [(r.paper, r.email, r.error) for r in preview] == [
        (str(poisoning.pk), people["poison"].email, "")]


@pytest.mark.django_db
def test_saved_run_is_filtered_by_conflicts_declared_after_it(client_for, experts, chair,
                                                              django_capture_on_commit_callbacks):
    """Issue 9, item 5: the preview, CSV and apply follow today's conflicts, not the run's."""
    people, poisoning, verification = experts
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params(k=1, max_load=2))
    run.refresh_from_db()
    verifier = next(p["reviewer"] for p in runs.stored_pairs(run.result) if p["paper"] == verification.pk)
    Conflict.objects.create(submission=poisoning, user=chair, reason="advisor", source="chair")
    Conflict.objects.create(submission=verification, user_id=verifier, reason="advisor", source="pc")
    client = client_for(chair)

    preview = client.get(reverse("auto_run", args=[run.pk])).content.decode()
    csv_text = client.get(reverse("auto_run_csv", args=[run.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        job_url = client.post(reverse("auto_apply", args=[run.pk])).url
    applied = client.get(job_url).content.decode()

    assert poisoning.title not in preview
    assert "are left out" in preview and "Will not be applied" in preview
    assert csv_text.splitlines() == ["paper,email,action"]
    assert Assignment.objects.count() == 0
    assert "Not applied, because of conflicts declared since" in applied


@pytest.mark.django_db
@pytest.mark.parametrize(("count", "members"), [(1, 2), (130, 6)])
def test_preview_queries_do_not_grow_with_papers(client_for, chair, count, members, django_assert_num_queries,
                                                 django_capture_on_commit_callbacks):
    pc_of(members)
    submissions_in_bulk(count, created_by=UserFactory(), title="Paper {n}:")
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params(k=1, max_load=count))
    client = client_for(chair)
    client.get(reverse("auto_start"))  # the session and the workshop are read once per client

    with django_assert_num_queries(12):  # the proposal's pairs are read by three queries, whatever their number
        response = client.get(reverse("auto_run", args=[run.pk]))

    assert response.status_code == 200


@pytest.mark.django_db
def test_preview_pages_the_papers_and_counts_them_all(client_for, chair, django_capture_on_commit_callbacks):
    pc_of(3)
    papers = submissions_in_bulk(130, created_by=UserFactory(), title="Paper {n}:")
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params(k=1, max_load=130))
    client = client_for(chair)

    first = client.get(reverse("auto_run", args=[run.pk])).content.decode()
    second = client.get(reverse("auto_run", args=[run.pk]), {"page": 2}).content.decode()

    assert "Papers 1–100 of 130." in first and "Paper 100:" in first and "Paper 101:" not in first
    assert "Papers 101–130 of 130." in second and "Paper 101:" in second and "Paper 100:" not in second
    assert "130 new assignments would be made" in first and "130 new assignments would be made" in second
    assert f"#{papers[-1].pk}" in second
