"""Deciding: one paper from its page, many from the paper table (shown, then
confirmed), and releasing the decisions with every letter readable first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reviews.decisions import services
from reviews.decisions.bulk import bulk_decide_start, bulk_tag_start
from reviews.decisions.forms import BulkForm
from reviews.decisions.pending import release_letters as release_letters_page
from reviews.decisions.pending import release_mails, release_summary
from reviews.decisions.release import decisions_release_start
from reviews.decisions.selectors import papers_decidable_by
from submissions.forms import DecisionForm
from submissions.models import Submission
from submissions.selectors import papers_tagged, submission_visible_or_404
from workshop import policy
from workshop.errors import Refused
from workshop.http import int_or_none, require
from workshop.selectors import workshop_current


@require_POST
@login_required
def decision_set(request, number):
    """The decision form on the paper page: one paper, then back to it."""
    workshop = workshop_current()
    submission = submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    if not policy.can_decide(request.user, submission):
        raise Http404("No such paper")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            changed = services.decision_record(submission=submission, outcome=form.cleaned_data["outcome"],
                                               by=request.user, note=form.cleaned_data["note"],
                                               change_released=request.POST.get("change_released") == "yes")
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            if changed:
                messages.success(request, "Decision saved. The authors are told only when you release decisions.")
    else:
        messages.error(request, "Choose one of the outcomes.")
    return redirect("submission_detail", number=submission.pk)


def _selected(request) -> list[Submission]:
    return papers_decidable_by(user=request.user, numbers=[int_or_none(v) for v in request.POST.getlist("papers")])


def _next(request) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/chair/papers/") else reverse("paper_table")


def _back(request):
    return redirect(_next(request))


@require_POST
@require(policy.can_view_paper_table)
def paper_table_bulk(request):
    """A bulk action is shown first (what changes, which papers' authors were told a decision)
    and applied only when the chair confirms; changing released decisions needs its own tick."""
    form = BulkForm(request.POST)
    papers = _selected(request)
    if not papers:
        messages.error(request, "Select at least one paper first (the boxes in the first column).")
        return _back(request)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(request)
    action, data = form.cleaned_data["action"], form.cleaned_data
    if action == "mail":
        return redirect(reverse("compose") + "?papers=" + ",".join(str(p.pk) for p in papers))
    if request.POST.get("confirm") != "yes":
        return _bulk_confirm(request, form, papers)
    numbers, back = [p.pk for p in papers], _next(request)
    try:
        if action == "decide":
            job, started = bulk_decide_start(by=request.user, numbers=numbers, outcome=data["decision"],
                                             note=data["note"], back=back,
                                             change_released=request.POST.get("change_released") == "yes")
        else:
            job, started = bulk_tag_start(by=request.user, numbers=numbers, tag=data["tag"].lower(),
                                          add=action == "tag", back=back)
    except Refused as refused:
        messages.error(request, refused.message)
        return _back(request)
    if not started:
        messages.info(request, "Your previous bulk action is still under way; here is its progress. "
                               "Start this one when it is done.")
    return redirect("job_detail", public_id=job.public_id)


def _bulk_confirm(request, form, papers):
    data = form.cleaned_data
    context = {"form": form, "papers": papers, "action": data["action"], "next": _next(request)}
    if data["action"] == "decide":
        plan = services.decisions_plan(submissions=papers, outcome=data["decision"])
        context.update(plan=plan, decision=data["decision"], changing=[p for p in plan if p.changes],
                       released=[p for p in plan if p.released])
    else:
        tag = data["tag"].lower()
        having = papers_tagged(numbers=[p.pk for p in papers], tag=tag)
        context.update(tag=tag, affected=[p for p in papers if (p.pk in having) == (data["action"] == "untag")])
    return render(request, "reviews/bulk_confirm.html", context)


@require(policy.can_release_decisions)
def release(request):
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Nothing was sent: tick the box to confirm the release.")
        else:
            try:
                job, started = decisions_release_start(by=request.user)
            except Refused as refused:
                messages.error(request, refused.message)
            else:
                if not started:
                    messages.info(request, "A release is already under way; here is its progress.")
                return redirect("job_detail", public_id=job.public_id)
        return redirect("release")
    return render(request, "reviews/release.html", {"plan": release_summary(by=request.user,
                                                                            page=request.GET.get("page"))})


LETTERS_PER_PAGE = 25


@require(policy.can_release_decisions)
def release_letters(request):
    """Every letter the next release sends, a page at a time, exactly as it will be sent."""
    mails = release_mails(request.user)
    page = Paginator(range(mails), LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    letters = release_letters_page(by=request.user, start=page.start_index() - 1 if mails else 0,
                                   count=LETTERS_PER_PAGE)
    return render(request, "reviews/release_letters.html", {"mails": mails, "page": page, "letters": letters})
