"""Chair pages for assigning reviewers: by hand (one pair, or a CSV previewed then
applied), automatically (parameters, progress, preview, apply), and the exports."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reviews.assignments import apply, runs, selectors, services
from reviews.assignments.forms import AutoAssignForm
from reviews.committee.forms import CsvForm
from reviews.models import AssignmentRun, Proposal
from submissions.selectors import submission_visible_or_404
from workshop import policy
from workshop.charts import histogram
from workshop.csvio import csv_response
from workshop.errors import Refused
from workshop.http import int_or_none, require
from workshop.models import User
from workshop.runs import ACTIVE, RunState
from workshop.selectors import workshop_current

ASSIGNMENT_PAGE_ROWS = 50  # each row offers every PC member
CSV_HEADER = ["paper", "email", "action"]  # what the bulk assignment reads back


# --- By hand -----------------------------------------------------------------------


@require(policy.can_assign)
def chair_assignments(request):
    """One address, three jobs: a row's assign/unassign button, the bulk CSV (a preview,
    then applied all or nothing), or the page itself."""
    if request.method == "POST" and "paper" in request.POST:
        return _assign_one(request)
    csv_form = CsvForm(request.POST if "csv_preview" in request.POST or "csv_apply" in request.POST else None,
                       request.FILES or None)
    if csv_form.is_bound and csv_form.is_valid():
        return _assign_csv(request, csv_form)
    return _assignment_page(request, csv_form=csv_form, preview=None)


def _assign_one(request):
    submission = submission_visible_or_404(user=request.user, number=int_or_none(request.POST.get("paper")) or 0,
                                           workshop=workshop_current())
    person = get_object_or_404(User, pk=int_or_none(request.POST.get("reviewer")) or 0)
    try:
        if "unassign" in request.POST:
            services.assignment_remove(submission=submission, reviewer=person, by=request.user)
            messages.success(request, f"{person.full_name} no longer reviews #{submission.pk}.")
        else:
            services.assignment_add(submission=submission, reviewer=person, by=request.user)
            messages.success(request, f"{person.full_name} now reviews #{submission.pk}.")
    except Refused as refused:
        messages.error(request, refused.message)
    return redirect(f"{request.get_full_path()}#paper-{submission.pk}")  # the same page, the same filter


def _assign_csv(request, csv_form):
    text = csv_form.cleaned_data["csv_text"]
    preview = None
    try:
        preview = services.assignments_preview(text, by=request.user)
        if "csv_apply" in request.POST:
            count = services.assignments_apply(text=text, by=request.user)
            messages.success(request, f"{count} changes applied.")
            return redirect("chair_assignments")
    except Refused as refused:
        csv_form.add_error("csv_text", refused.message)
    return _assignment_page(request, csv_form=csv_form, preview=preview)


def _assignment_page(request, *, csv_form, preview):
    members = selectors.pc_loads(user=request.user)
    reviewer = next((m for m in members if m.pk == int_or_none(request.GET.get("reviewer"))), None)
    papers = selectors.chair_assignment_papers(user=request.user, reviewer=reviewer.pk if reviewer else None)
    page = Paginator(papers, ASSIGNMENT_PAGE_ROWS).get_page(request.GET.get("page"))
    return render(request, "reviews/chair_assignments.html", {
        "rows": selectors.chair_assignment_rows(user=request.user, papers=page.object_list), "page": page,
        "members": members, "reviewer": reviewer, "csv_form": csv_form, "preview": preview,
        "csv_text": csv_form.cleaned_data.get("csv_text", "") if csv_form.is_bound and csv_form.is_valid() else "",
        "target": workshop_current().reviews_per_paper,
    })


@require(policy.can_assign)
def assignments_csv(request):
    """The current assignment, in the bulk-assignment format (re-importable)."""
    rows = [(row.pk, a.reviewer.email, "assign") for row in selectors.chair_assignment_rows(user=request.user)
            if not row.viewer_conflicted for a in row.assignment_list]
    return csv_response(filename="assignments.csv", header=CSV_HEADER, rows=rows)


# --- Automatic ---------------------------------------------------------------------


@require(policy.can_run_assignment)
def auto_start(request):
    workshop = workshop_current()
    form = AutoAssignForm(request.POST or None, initial=AutoAssignForm.initial_from(runs.default_params(workshop)))
    if request.method == "POST" and form.is_valid():
        run = runs.run_create(by=request.user, params=form.params())
        return redirect("auto_run", pk=run.pk)
    recent = AssignmentRun.objects.filter(created_by=request.user).defer("result")[:10]  # a result can be MBs
    return render(request, "reviews/auto_start.html", {"form": form, "runs": recent})


def _own_run(request, pk) -> AssignmentRun:
    run = AssignmentRun.objects.filter(pk=pk).defer("result").first()  # a proposal's pairs: read where needed
    if run is None or not policy.can_view_assignment_run(request.user, run):
        raise Http404("No such run")
    return run


@require(policy.can_run_assignment)
def auto_run(request, pk):
    run = _own_run(request, pk)
    if run.state in ACTIVE:
        template = "reviews/partials/auto_progress.html" if request.htmx else "reviews/auto_run.html"
        response = render(request, template, {"run": run, "progress": runs.assignment_run_progress(run)})
        return response
    if request.htmx:  # the poll saw it finish: reload the whole page for the preview
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, "reviews/auto_run.html",
                  {"run": run, **_preview(run, request.user, request.GET.get("page")),
                   "mail_modes": list(apply.MAIL_MODES.items()), "applying": runs.run_applying(run)})


def _preview(run: AssignmentRun, user, page_number=None) -> dict:
    """The proposal as this chair may see it now (`selectors.run_preview`): the figures cover
    every paper it may manage, the per-paper table one page of them."""
    if run.state != RunState.DONE or run.proposal == Proposal.DISCARDED:
        return {}
    preview = selectors.run_preview(run=run, user=user, page_number=page_number)
    return {
        "page": preview.page, "papers": preview.papers, "loads": preview.loads, "blocked": preview.blocked,
        "left_out": preview.left_out, "new_pairs": preview.new_pairs, "total": preview.total,
        "weakest": preview.weakest, "no_expert": preview.no_expert,
        "score_chart": histogram(preview.scores, title="Scores of the assigned pairs"),
        "load_chart": histogram([v for _, v in preview.loads], title="Papers per PC member", integer=True),
    }


@require_POST
@require(policy.can_run_assignment)
def auto_apply(request, pk):
    """Queue the job that applies the proposal and show its page (workshop/jobs.py)."""
    run = _own_run(request, pk)
    try:
        job, started = apply.run_apply_start(run=run, by=request.user, mail=request.POST.get("mail", "digest"))
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("auto_run", pk=run.pk)
    if not started:
        messages.info(request, "This proposal is already being applied; here is its progress.")
    return redirect("job_detail", public_id=job.public_id)


@require_POST
@require(policy.can_run_assignment)
def auto_discard(request, pk):
    run = _own_run(request, pk)
    try:
        runs.run_discard(run=run)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("auto_run", pk=run.pk)
    messages.info(request, "Proposal discarded; nothing changed.")
    return redirect("auto_start")


@require(policy.can_run_assignment)
def auto_run_csv(request, pk):
    run = _own_run(request, pk)
    rows = [(p["paper"], p["reviewer_user"].email, "assign") for p in runs.run_view(run=run, user=request.user).pairs]
    return csv_response(filename=f"assignment-proposal-{run.pk}.csv", header=CSV_HEADER, rows=rows)
