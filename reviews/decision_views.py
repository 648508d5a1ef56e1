"""Chair pages for deciding: dashboard, paper table with search and bulk
actions, release, reminders, mail templates, and the progress of mail batches."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reviews import services
from reviews.dashboard import dashboard
from reviews.forms import BulkForm, ComposeForm, MailTemplateFormSet, OutcomeFormSet
from reviews.paper_table import paper_numbers, paper_rows, score_fields, search, sorted_rows
from reviews.search import SearchError, parse
from submissions import services as submission_services
from submissions.models import Outcome, Submission
from submissions.selectors import with_related
from workshop import mailtext, policy
from workshop.charts import score_dots
from workshop.csvio import csv_response
from workshop.errors import Refused
from workshop.http import int_or_none, require
from workshop.models import MailBatch, MailStatus, MailTemplate
from workshop.selectors import workshop_current

PAGE_ROWS = 100  # a page renders in well under the 300 ms target; search and sort cover every row


@require(policy.can_view_paper_table)
def chair_dashboard(request):
    return render(request, "reviews/chair_dashboard.html", {"d": dashboard(user=request.user),
                                                            "unfinished": services.unfinished_reviews(
                                                                by=request.user).count()})


def _searched(request, fields):
    """The rows the query picks, sorted as asked, and the query's error if any."""
    rows = paper_rows(user=request.user, fields=fields)
    error = None
    try:
        rows = search(rows, parse(request.GET.get("q", ""), score_keys=[f.key for f in fields]))
    except SearchError as problem:
        error, rows = problem, []
    column = request.GET.get("sort") or "number"
    rows = sorted_rows(rows, column, descending=request.GET.get("dir") == "desc", fields=fields)
    return rows, error, column


@require(policy.can_view_paper_table)
def paper_table(request):
    fields = score_fields()
    rows, error, column = _searched(request, fields)
    page = Paginator(rows, PAGE_ROWS).get_page(request.GET.get("page"))
    primary = fields[0] if fields else None
    scale = [float(v) for v, _ in primary.options] if primary else [1.0]
    for row in page:
        if row.managed and primary:
            row.dots = score_dots(row.scores[primary.key].values, low=min(scale), high=max(scale))
    return render(request, "reviews/paper_table.html", {
        "page": page, "total": len(rows), "fields": fields, "primary": primary, "error": error,
        "query": request.GET.get("q", ""), "sort": column, "dir": request.GET.get("dir", ""),
        "outcomes": Outcome.objects.all(), "bulk": BulkForm(), "here": request.get_full_path(),
        "sort_links": _sort_links(request, fields, column),
    })


def _sort_links(request, fields, current) -> dict[str, str]:
    links = {}
    for column in ["number", "title", "status", "reviews", "mean", "min", "max", "spread", "weighted",
                   "decision", *[f.key for f in fields]]:
        query = QueryDict(mutable=True)
        query.update({k: v for k, v in request.GET.items() if k not in ("sort", "dir", "page")})
        query["sort"] = column
        if column == current and request.GET.get("dir") != "desc":
            query["dir"] = "desc"
        links[column] = "?" + query.urlencode()
    return links


def _selected(request) -> list[Submission]:
    numbers = [n for n in (int_or_none(v) for v in request.POST.getlist("papers")) if n]
    papers = list(with_related(Submission.objects.filter(pk__in=numbers)).order_by("pk"))
    return [p for p in papers if policy.can_decide(request.user, p)]


def _back(request):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/chair/papers/") else reverse("paper_table"))


@require_POST
@require(policy.can_view_paper_table)
def paper_table_bulk(request):
    form = BulkForm(request.POST)
    papers = _selected(request)
    if not papers:
        messages.error(request, "Select at least one paper first (the boxes in the first column).")
        return _back(request)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(request)
    action, data = form.cleaned_data["action"], form.cleaned_data
    try:
        if action == "decide":
            changed = submission_services.decisions_record(submissions=papers, outcome=data["outcome"],
                                                           by=request.user, note=data["note"])
            label = data["outcome"].name if data["outcome"] else "no decision"
            messages.success(request, f"{changed} of {len(papers)} papers now have the decision “{label}”. "
                                      "Authors see nothing until you release decisions.")
        elif action in ("tag", "untag"):
            tag = data["tag"].lower()
            submission_services.tags_change(submissions=papers, add=[tag] if action == "tag" else [],
                                            remove=[tag] if action == "untag" else [], by=request.user)
            messages.success(request, f"#{tag} {'added to' if action == 'tag' else 'removed from'} "
                                      f"{len(papers)} paper{'s' if len(papers) > 1 else ''}.")
        else:
            return redirect(reverse("compose") + "?papers=" + ",".join(str(p.pk) for p in papers))
    except Refused as refused:
        messages.error(request, refused.message)
    return _back(request)


@require(policy.can_release_decisions)
def release(request):
    plan = services.release_plan(by=request.user)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Nothing was sent: tick the box to confirm the release.")
        else:
            try:
                batch = services.decisions_release(by=request.user)
            except Refused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(request, f"Released. {batch.mails.count()} mails are on their way.")
                return redirect("mail_batch", public_id=batch.public_id)
        return redirect("release")
    return render(request, "reviews/release.html", {"plan": plan})


@require(policy.is_chair)
def mail_batch(request, public_id):
    batch = MailBatch.objects.filter(public_id=public_id, created_by=request.user).first()
    if batch is None:
        raise Http404("No such batch")
    mails = list(batch.mails.order_by("id").values("recipient", "status", "last_error", "paper_number"))
    counts = {status: sum(1 for m in mails if m["status"] == status) for status in MailStatus.values}
    context = {"batch": batch, "counts": counts, "total": len(mails),
               "failed": [m for m in mails if m["status"] == MailStatus.FAILED],
               "finished": counts[MailStatus.QUEUED] == 0}
    template = "reviews/partials/batch_progress.html" if request.htmx else "reviews/mail_batch.html"
    return render(request, template, context)


@require(policy.can_release_decisions)
def compose(request):
    numbers = [n for n in (int_or_none(v) for v in request.GET.get("papers", "").split(",")) if n]
    papers = [p for p in with_related(Submission.objects.filter(pk__in=numbers).select_related("outcome"))
              .order_by("pk") if policy.can_decide(request.user, p)]
    form = ComposeForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            count, sample, batch = services.authors_message(
                submissions=papers, subject=form.cleaned_data["subject"], body=form.cleaned_data["body"],
                by=request.user, send="send" in request.POST)
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            if batch is not None:
                return redirect("mail_batch", public_id=batch.public_id)
            preview = {"count": count, "sample": sample}
    return render(request, "reviews/compose.html", {"form": form, "papers": papers, "preview": preview})


@require(policy.can_send_reminders)
def reminders(request):
    due = list(services.unfinished_reviews(by=request.user))
    if request.method == "POST":
        try:
            batch = services.reminders_send_by_chair(by=request.user)
        except Refused as refused:
            messages.info(request, refused.message)
            return redirect("reminders")
        return redirect("mail_batch", public_id=batch.public_id)
    sample = None
    if due:
        template = MailTemplate.objects.get(key="reminder")
        first = due[0]
        values = services.paper_values(first.submission, workshop_current()) | {
            "reviewer": first.reviewer.full_name, "link": request.build_absolute_uri(
                reverse("review_edit", args=[first.submission_id]))}
        sample = (first.reviewer.email, mailtext.render(template.subject, values), mailtext.render(template.body,
                                                                                                   values))
    return render(request, "reviews/reminders.html", {
        "due": due, "reviewers": len({a.reviewer_id for a in due}), "sample": sample})


@require(policy.can_manage_workshop)
def mail_templates(request):
    templates = MailTemplateFormSet(request.POST or None, queryset=MailTemplate.objects.order_by("key"),
                                    prefix="templates")
    outcomes = OutcomeFormSet(request.POST or None, queryset=Outcome.objects.all(), prefix="outcomes")
    if request.method == "POST" and templates.is_valid() and outcomes.is_valid():
        templates.save()
        try:
            outcomes.save()
        except Exception:  # noqa: BLE001 - a deleted outcome still in use (PROTECT)
            messages.error(request, "An outcome that papers have cannot be deleted; change their decisions first.")
            return redirect("mail_templates")
        messages.success(request, "Outcomes and mail texts saved.")
        return redirect("mail_templates")
    return render(request, "reviews/mail_templates.html", {"templates": templates, "outcomes": outcomes})


# --- The chair submissions list, with the same search ------------------------------


@require(policy.can_view_paper_table)
def chair_submissions(request):
    """In numbered order, so only the page shown is built: a COUNT and a LIMIT/OFFSET
    without a search, the search's matches (on the facts it reads) with one."""
    fields = score_fields()
    error = None
    try:
        query = parse(request.GET.get("q", ""), score_keys=[f.key for f in fields])
        numbers = paper_numbers(user=request.user, query=query, fields=fields)
    except SearchError as problem:
        error, numbers = problem, []
    page = Paginator(numbers, PAGE_ROWS).get_page(request.GET.get("page"))
    return render(request, "submissions/chair_list.html", {
        "rows": paper_rows(user=request.user, fields=fields, numbers=list(page)), "page": page,
        "total": page.paginator.count, "error": error, "query": request.GET.get("q", ""),
    })


@require(policy.can_view_paper_table)
def chair_submissions_csv(request):
    fields = score_fields()
    rows, _error, _ = _searched(request, fields)

    def line(row):
        if not row.managed:
            return [row.number, row.title, "conflict", "", "", "", "", "", ""]
        authors = "; ".join(f"{a.name} <{a.email}>" for a in row.authors)  # a managing chair sees them
        return [row.number, row.title, row.status, authors, "; ".join(row.topics),
                "; ".join(label for _, label in row.terms), row.pages or "", row.sha256,
                row.outcome.name if row.outcome else ""]

    return csv_response(filename="submissions.csv",
                        header=["number", "title", "status", "authors", "topics", "threat_model", "pages",
                                "sha256", "decision"],
                        rows=(line(row) for row in rows))
