"""An automatic run's preview reads the proposal in the database and pages it there: the same
figures, rows and refusals as building every pair in Python (`runs.run_view`, which the apply
job and the CSV still use; the old preview is kept here as the reference), whatever changed
since the run (conflicts, withdrawals, roles, deleted papers), and for runs stored before the
compact format."""

import math
from collections import defaultdict

import pytest
from django.urls import reverse

from reviews.assignments import runs
from reviews.assignments.selectors import PREVIEW_PAPERS, run_preview
from reviews.models import Assignment, AssignmentRun
from submissions.models import Author, Conflict, Submission
from tests.factories import UserFactory, submissions_in_bulk
from tests.reviews.assignments.conftest import pc_of, run_params
from workshop.models import Role
from workshop.runs import RunState
from workshop.selectors import pc_members

pytestmark = pytest.mark.django_db


def reference(run, user) -> dict:
    """The preview as it was computed before: every pair built and asked of the policy in Python."""
    view = runs.run_view(run=run, user=user)
    by_paper = defaultdict(list)
    for pair in view.pairs:
        by_paper[pair["paper"]].append(pair)
    rows = [(paper, items[0]["submission"].title,
             [(i["reviewer"], i["reviewer_user"].full_name, i["score"], i["kept"]) for i in
              sorted(items, key=lambda i: -i["score"])],
             any(i["topic"] >= runs.EXPERT_TOPIC_SHARE for i in items)) for paper, items in sorted(by_paper.items())]
    load = defaultdict(int)
    for pair in view.pairs:
        load[pair["reviewer"]] += 1
    current = set(Assignment.objects.values_list("submission_id", "reviewer_id"))
    totals = [sum(r[2] for r in row[2]) for row in rows]
    return {"rows": rows, "papers": len(rows), "total": sum(totals), "weakest": min(totals, default=0),
            "new_pairs": sum((p["paper"], p["reviewer"]) not in current for p in view.pairs),
            "loads": sorted(((name, load[pk]) for pk, name in pc_members().values_list("pk", "full_name")),
                            key=lambda x: (-x[1], x[0])),
            "no_expert": [row[0] for row in rows if not row[3]], "scores": sorted(p["score"] for p in view.pairs),
            "blocked": [(p["paper"], p["reviewer"], p["refusal"]) for p in view.blocked], "left_out": view.left_out}


def shown(run, user) -> dict:
    first = run_preview(run=run, user=user)
    rows = []
    for number in first.page.paginator.page_range:
        page = run_preview(run=run, user=user, page_number=number).page
        rows += [(row["paper"].pk, row["paper"].title,
                  [(r["reviewer"], r["reviewer_user"].full_name, r["score"], r["kept"]) for r in row["reviewers"]],
                  row["expert"]) for row in page]
    return {"rows": rows, "papers": first.papers, "total": first.total, "weakest": first.weakest,
            "new_pairs": first.new_pairs, "loads": first.loads, "no_expert": [p.pk for p in first.no_expert],
            "scores": sorted(first.scores),
            "blocked": [(p["paper"], p["reviewer"], p["refusal"]) for p in first.blocked], "left_out": first.left_out}


def _same(actual: dict, expected: dict) -> None:
    for key in ("total", "weakest"):
        assert math.isclose(actual.pop(key), expected.pop(key), abs_tol=1e-9), key
    assert actual == expected


@pytest.fixture
def proposal(chair, django_capture_on_commit_callbacks):
    members = pc_of(6)
    papers = submissions_in_bulk(PREVIEW_PAPERS + 20, created_by=UserFactory(), title="Paper {n}:")
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_create(by=chair, params=run_params(k=2, max_load=len(papers)))
    run.refresh_from_db()
    assert run.state == RunState.DONE
    return run, members, papers


def test_a_fresh_proposal_reads_as_every_pair_built_in_python(proposal, chair):
    run, _, _ = proposal

    _same(shown(run, chair), reference(run, chair))


def test_changes_since_the_run_are_honoured_as_the_policy_decides(proposal, chair):
    run, members, papers = proposal
    pairs = runs.stored_pairs(run.result)
    by_paper = defaultdict(list)
    for pair in pairs:
        by_paper[pair["paper"]].append(pair["reviewer"])
    Conflict.objects.create(submission=papers[0], user=chair, reason="advisor", source="chair")  # left out
    Conflict.objects.create(submission=papers[1], user_id=by_paper[papers[1].pk][0], reason="advisor", source="pc")
    Conflict.objects.create(submission=papers[2], user_id=by_paper[papers[2].pk][0], reason="advisor",
                            source="pc", waived_by=chair)  # waived: still applies
    Submission.objects.filter(pk=papers[3].pk).update(withdrawn_at=papers[3].created_at)
    reviewer = members[0]
    Author.objects.create(submission_id=next(p for p, rs in by_paper.items() if reviewer.pk in rs), position=3,
                          name="Late coauthor", email=reviewer.email.upper())
    Role.objects.filter(user=members[1], name="pc").delete()  # off the PC
    Assignment.objects.create(submission=papers[5], reviewer_id=by_paper[papers[5].pk][0])  # no longer new
    Submission.objects.filter(pk=papers[6].pk).delete()  # gone: left out

    actual, expected = shown(run, chair), reference(run, chair)

    assert len(expected["blocked"]) >= 4 and expected["left_out"]
    assert papers[2].pk in [row[0] for row in expected["rows"]]
    _same(actual, expected)


def test_a_run_stored_before_the_compact_format_reads_the_same(proposal, chair):
    run, _, _ = proposal
    old = AssignmentRun.objects.create(created_by=chair, params=run.params, state=RunState.DONE,
                                       result={"pairs": runs.stored_pairs(run.result)})

    _same(shown(old, chair), reference(old, chair))


def test_the_page_shows_one_page_and_figures_of_every_paper(client_for, proposal, chair):
    run, _, papers = proposal
    Conflict.objects.create(submission=papers[0], user=chair, reason="advisor", source="chair")

    last = client_for(chair).get(reverse("auto_run", args=[run.pk]), {"page": 2}).content.decode()

    assert f"Papers 101–{len(papers) - 1} of {len(papers) - 1}." in last
    assert f"#{papers[-1].pk}</td>" in last and f"#{papers[50].pk}</td>" not in last
    assert papers[0].title not in last and "are left out" in last
