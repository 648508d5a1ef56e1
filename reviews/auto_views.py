"""Chair pages for automatic assignment: parameters, progress, preview, apply."""

import csv
from collections import defaultdict

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reviews import auto
from reviews.charts import histogram
from reviews.forms import AutoAssignForm
from reviews.models import Assignment, AssignmentRun, RunStatus
from reviews.services import Refused
from submissions.models import Submission
from workshop import policy
from workshop.http import require
from workshop.models import User
from workshop.selectors import workshop_current


@require(policy.is_chair)
def auto_start(request):
    workshop = workshop_current()
    form = AutoAssignForm(request.POST or None, initial=AutoAssignForm.initial_from(auto.default_params(workshop)))
    if request.method == "POST" and form.is_valid():
        run = auto.run_create(by=request.user, params=form.params())
        return redirect("auto_run", pk=run.pk)
    runs = AssignmentRun.objects.filter(created_by=request.user)[:10]
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
    return render(request, "reviews/auto_run.html", {"run": run, **_preview(run)})


def _preview(run: AssignmentRun) -> dict:
    if run.status not in (RunStatus.DONE, RunStatus.APPLIED):
        return {}
    pairs = run.result["pairs"]
    papers = {p.pk: p for p in Submission.objects.filter(pk__in={p["paper"] for p in pairs})}
    people = {u.pk: u for u in User.objects.filter(pk__in={p["reviewer"] for p in pairs} |
                                                       {int(k) for k in run.result["loads"]})}
    by_paper = defaultdict(list)
    for pair in pairs:
        by_paper[pair["paper"]].append({**pair, "name": people[pair["reviewer"]].full_name})
    rows = [{"paper": papers[pid], "reviewers": sorted(items, key=lambda i: -i["score"]),
             "expert": any(i["topic"] >= auto.EXPERT_TOPIC_SHARE for i in items)}
            for pid, items in sorted(by_paper.items())]
    loads = sorted(((people[int(k)].full_name, v) for k, v in run.result["loads"].items()), key=lambda x: -x[1])
    current = set(Assignment.objects.values_list("submission_id", "reviewer_id"))
    new = sum((p["paper"], p["reviewer"]) not in current for p in pairs)
    return {
        "rows": rows, "loads": loads, "new_pairs": new, "no_expert": [r["paper"] for r in rows if not r["expert"]],
        "score_chart": histogram([p["score"] for p in pairs], title="Scores of the assigned pairs"),
        "load_chart": histogram([v for _, v in loads], title="Papers per PC member", integer=True),
    }


@require_POST
@require(policy.is_chair)
def auto_apply(request, pk):
    run = _own_run(request, pk)
    try:
        added, removed = auto.run_apply(run=run, by=request.user)
        messages.success(request, f"Assignment applied: {added} new, {removed} removed. The new reviewers were "
                                  "mailed.")
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


def _csv_response(rows, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["paper", "email", "action"])
    writer.writerows(rows)
    return response


@require(policy.is_chair)
def auto_run_csv(request, pk):
    run = _own_run(request, pk)
    people = dict(User.objects.values_list("pk", "email"))
    rows = [(p["paper"], people[p["reviewer"]], "assign") for p in run.result.get("pairs", [])]
    return _csv_response(rows, f"assignment-proposal-{run.pk}.csv")


@require(policy.is_chair)
def assignments_csv(request):
    """The current assignment, in the bulk-assignment format (re-importable)."""
    from reviews.selectors import chair_assignment_rows

    rows = [(row.pk, a.reviewer.email, "assign") for row in chair_assignment_rows(user=request.user)
            if not row.viewer_conflicted for a in row.assignment_list]
    return _csv_response(rows, "assignments.csv")
