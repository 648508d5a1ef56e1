"""Chair pages for automatic assignment: parameters, progress, preview, apply."""

from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reviews import auto
from reviews.forms import AutoAssignForm
from reviews.models import Assignment, AssignmentRun, RunStatus
from reviews.services import Refused
from workshop import policy
from workshop.charts import histogram
from workshop.csvio import csv_response
from workshop.http import require
from workshop.selectors import pc_members, workshop_current

CSV_HEADER = ["paper", "email", "action"]  # what the bulk assignment reads back


@require(policy.is_chair)
def auto_start(request):
    workshop = workshop_current()
    form = AutoAssignForm(request.POST or None, initial=AutoAssignForm.initial_from(auto.default_params(workshop)))
    if request.method == "POST" and form.is_valid():
        run = auto.run_create(by=request.user, params=form.params())
        return redirect("auto_run", pk=run.pk)
    runs = AssignmentRun.objects.filter(created_by=request.user).defer("result")[:10]  # a result can be MBs
    return render(request, "reviews/auto_start.html", {"form": form, "runs": runs})


def _own_run(request, pk) -> AssignmentRun:
    run = AssignmentRun.objects.filter(pk=pk).first()
    if run is None or not policy.can_view_assignment_run(request.user, run):
        raise Http404("No such run")
    return run


@require(policy.is_chair)
def auto_run(request, pk):
    run = _own_run(request, pk)
    if run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        template = "reviews/partials/auto_progress.html" if request.htmx else "reviews/auto_run.html"
        response = render(request, template, {"run": run})
        return response
    if request.htmx:  # the poll saw it finish: reload the whole page for the preview
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, "reviews/auto_run.html",
                  {"run": run, **_preview(run, request.user, request.GET.get("page"))})


PAGE_PAPERS = 100  # papers per page of the per-paper table; the figures above it cover every paper


def _preview(run: AssignmentRun, user, page_number=None) -> dict:
    """The proposal as this chair may see it now (see `auto.run_view`); every
    figure is computed from what is shown, so hidden papers change none. The
    figures cover the whole proposal, the per-paper table one page of it."""
    if run.status not in (RunStatus.DONE, RunStatus.APPLIED):
        return {}
    view = auto.run_view(run=run, user=user)
    by_paper = defaultdict(list)
    for pair in view.pairs:
        by_paper[pair["paper"]].append(pair)
    rows = [{"paper": items[0]["submission"], "reviewers": sorted(items, key=lambda i: -i["score"]),
             "expert": any(i["topic"] >= auto.EXPERT_TOPIC_SHARE for i in items)}
            for _pid, items in sorted(by_paper.items())]
    load = defaultdict(int)
    for pair in view.pairs:
        load[pair["reviewer"]] += 1
    # Every PC member, not the run's list: who the run considered for a hidden paper is hidden too.
    loads = sorted(((name, load[pk]) for pk, name in pc_members().values_list("pk", "full_name")),
                   key=lambda x: (-x[1], x[0]))
    current = set(Assignment.objects.values_list("submission_id", "reviewer_id"))
    paper_totals = [sum(i["score"] for i in row["reviewers"]) for row in rows]
    return {
        "page": Paginator(rows, PAGE_PAPERS).get_page(page_number), "papers": len(rows),
        "loads": loads, "blocked": view.blocked, "left_out": view.left_out,
        "new_pairs": sum((p["paper"], p["reviewer"]) not in current for p in view.pairs),
        "total": sum(paper_totals), "weakest": min(paper_totals, default=0),
        "no_expert": [r["paper"] for r in rows if not r["expert"]],
        "score_chart": histogram([p["score"] for p in view.pairs], title="Scores of the assigned pairs"),
        "load_chart": histogram([v for _, v in loads], title="Papers per PC member", integer=True),
    }


@require_POST
@require(policy.is_chair)
def auto_apply(request, pk):
    run = _own_run(request, pk)
    try:
        added, removed, skipped = auto.run_apply(run=run, by=request.user)
        messages.success(request, f"Assignment applied: {added} new, {removed} removed. The new reviewers were "
                                  "mailed.")
        if skipped:
            messages.warning(request, "Not applied, because of conflicts declared since the proposal was computed: "
                                      + "; ".join(skipped) + ".")
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("auto_run", pk=run.pk)
    return redirect("chair_assignments")


@require_POST
@require(policy.is_chair)
def auto_discard(request, pk):
    auto.run_discard(run=_own_run(request, pk))
    messages.info(request, "Proposal discarded; nothing changed.")
    return redirect("auto_start")


@require(policy.is_chair)
def auto_run_csv(request, pk):
    run = _own_run(request, pk)
    rows = [(p["paper"], p["reviewer_user"].email, "assign") for p in auto.run_view(run=run, user=request.user).pairs]
    return csv_response(filename=f"assignment-proposal-{run.pk}.csv", header=CSV_HEADER, rows=rows)


@require(policy.is_chair)
def assignments_csv(request):
    """The current assignment, in the bulk-assignment format (re-importable)."""
    from reviews.selectors import chair_assignment_rows

    rows = [(row.pk, a.reviewer.email, "assign") for row in chair_assignment_rows(user=request.user)
            if not row.viewer_conflicted for a in row.assignment_list]
    return csv_response(filename="assignments.csv", header=CSV_HEADER, rows=rows)
