"""Chair pages for deciding: dashboard, paper table with search and bulk
actions, release, reminders, mail templates, and the progress of mail batches."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reviews import services
from reviews.dashboard import dashboard
from reviews.forms import BulkForm, ComposeForm, MailTemplateFormSet, OutcomeFormSet
from reviews.paper_table import (
    COLUMN_LABELS,
    OPTIONAL_COLUMNS,
    SORTABLE,
    high_first,
    paper_numbers,
    paper_rows,
    score_fields,
    search,
    search_vocabulary,
    shown_columns,
    sorted_rows,
)
from reviews.search import SearchError, parse
from reviews.services import decisions as decision_services
from submissions import services as submission_services
from submissions.batch_progress import batch_progress_or_404
from submissions.models import Outcome, Submission
from submissions.selectors import papers_tagged, with_related
from workshop import mailtext, paper_lists, policy
from workshop.charts import score_dots
from workshop.csvio import csv_response
from workshop.errors import Refused
from workshop.http import int_or_none, require
from workshop.models import MailTemplate
from workshop.selectors import workshop_current

PAGE_ROWS = 100  # a page renders in well under the 300 ms target; search and sort cover every row


@require(policy.can_view_paper_table)
def chair_dashboard(request):
    return render(request, "reviews/chair_dashboard.html", {"d": dashboard(user=request.user),
                                                            "unfinished": services.unfinished_reviews(
                                                                by=request.user).count()})


def _searched(request, fields, outcomes: list | None):
    """(rows the query picks, sorted as asked; the query's error or None; the sort column; whether
    descending; the parsed query or None). A `sort:` in the query wins over the column links."""
    rows = paper_rows(user=request.user, fields=fields)
    error = query = None
    column = request.GET.get("sort") or "number"
    descending = request.GET.get("dir") == "desc"
    try:
        query = parse(request.GET.get("q", ""), **search_vocabulary(fields, outcomes))
        rows = search(rows, query)
    except SearchError as problem:
        error, rows = problem, []
    if query is not None and query.directives.sort is not None:
        column, descending = query.directives.sort
    rows = sorted_rows(rows, column, descending=descending, fields=fields)
    return rows, error, column, descending, query


@require(policy.can_view_paper_table)
def paper_table(request):
    fields, outcomes = score_fields(), list(Outcome.objects.all())
    rows, error, column, descending, query = _searched(request, fields, outcomes)
    page = Paginator(rows, PAGE_ROWS).get_page(request.GET.get("page"))
    shown = shown_columns(query, fields)
    paper_list = paper_lists.remember(request.session, numbers=[r.number for r in rows if r.managed],
                                      label=request.GET.get("q", "") or "all papers",
                                      url=request.get_full_path())
    primary = fields[0] if fields else None
    scale = [float(v) for v, _ in primary.options] if primary else [1.0]
    for row in page:
        if row.managed and primary:
            row.dots = score_dots(row.scores[primary.key].values, low=min(scale), high=max(scale))
    return render(request, "reviews/paper_table.html", {
        "page": page, "total": len(rows), "fields": [f for f in fields if f.key in shown], "primary": primary,
        "error": error, "query": request.GET.get("q", ""), "sort": column, "dir": "desc" if descending else "",
        "bulk": BulkForm(outcomes=outcomes), "here": request.get_full_path(), "shown": shown, "list_key": paper_list,
        "sort_links": _sort_links(request, fields, column, descending),
        "column_links": _column_links(request, shown, fields),
    })


def _sort_links(request, fields, current, descending) -> dict[str, str]:
    """A column's link sorts by it; numbers sort high first, a second click turns the order round."""
    links = {}
    for column in [*SORTABLE, *[f.key for f in fields]]:
        query = QueryDict(mutable=True)
        query.update({k: v for k, v in request.GET.items() if k not in ("sort", "dir", "page")})
        query["sort"] = column
        first_desc = high_first(column, fields)
        if column == current:
            query["dir"] = "" if descending else "desc"
        elif first_desc:
            query["dir"] = "desc"
        if not query.get("dir"):
            query.pop("dir", None)
        links[column] = "?" + query.urlencode()
    return links


def _column_links(request, shown: set[str], fields) -> list[tuple[str, bool, str]]:
    """(label, shown, the link that toggles it) for the table's column switches: they edit the
    query's show:/hide:, so the choice is in the URL and in what the chair can type."""
    text = request.GET.get("q", "")
    labels = {**COLUMN_LABELS, **{f.key: f.label for f in fields}}
    links = []
    for column in [c for c in OPTIONAL_COLUMNS if c != "scores"] + [f.key for f in fields]:
        words = [w for w in text.split() if w.lower() not in (f"show:{column}", f"hide:{column}")]
        words.append(f"{'hide' if column in shown else 'show'}:{column}")
        query = request.GET.copy()
        query["q"] = " ".join(words)
        query.pop("page", None)
        links.append((labels[column], column in shown, "?" + query.urlencode()))
    return links


def _selected(request) -> list[Submission]:
    numbers = [n for n in (int_or_none(v) for v in request.POST.getlist("papers")) if n]
    papers = list(with_related(Submission.objects.filter(pk__in=numbers).select_related(
        "outcome", "released_outcome")).order_by("pk"))
    return [p for p in papers if policy.can_decide(request.user, p)]


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
    try:
        if action == "decide":
            changed = submission_services.decisions_record(
                submissions=papers, outcome=data["decision"], by=request.user, note=data["note"],
                change_released=request.POST.get("change_released") == "yes")
            label = data["decision"].name if data["decision"] else "no decision"
            messages.success(request, f"{changed} of {len(papers)} papers now have the decision “{label}”. "
                                      "Authors are told only when you release decisions.")
        else:
            tag = data["tag"].lower()
            changed = submission_services.tags_change(submissions=papers, add=[tag] if action == "tag" else [],
                                                      remove=[tag] if action == "untag" else [], by=request.user)
            messages.success(request, f"#{tag} {'added to' if action == 'tag' else 'removed from'} "
                                      f"{changed} paper{'' if changed == 1 else 's'}.")
    except Refused as refused:
        messages.error(request, refused.message)
    return _back(request)


def _bulk_confirm(request, form, papers):
    data = form.cleaned_data
    context = {"form": form, "papers": papers, "action": data["action"], "next": _next(request)}
    if data["action"] == "decide":
        plan = decision_services.decisions_plan(submissions=papers, outcome=data["decision"])
        context.update(plan=plan, decision=data["decision"], changing=[p for p in plan if p.changes],
                       released=[p for p in plan if p.released])
    else:
        tag = data["tag"].lower()
        having = papers_tagged(numbers=[p.pk for p in papers], tag=tag)
        context.update(tag=tag, affected=[p for p in papers if (p.pk in having) == (data["action"] == "untag")])
    return render(request, "reviews/bulk_confirm.html", context)


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


LETTERS_PER_PAGE = 25


@require(policy.can_release_decisions)
def release_letters(request):
    """Every letter the next release sends, a page at a time, exactly as it will be sent."""
    plan = services.release_plan(by=request.user)
    page = Paginator(range(plan.mails), LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    letters = decision_services.release_letters(by=request.user, start=page.start_index() - 1 if plan.mails else 0,
                                       count=LETTERS_PER_PAGE)
    return render(request, "reviews/release_letters.html", {"plan": plan, "page": page, "letters": letters})


@require(policy.is_proceedings_team)  # chairs and organizers start batches; the selector decides which
def mail_batch(request, public_id):
    progress = batch_progress_or_404(user=request.user, public_id=public_id)
    context = {"batch": progress.batch, "counts": progress.counts, "total": progress.total,
               "failed": progress.failed, "finished": progress.finished, "by_paper": progress.by_paper,
               "outbox_link": policy.can_view_outbox(request.user), "label": progress.label,
               "layout": "workshop/chair_base.html" if policy.is_chair(request.user)
               else "submissions/proceedings/base.html"}
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
        query = parse(request.GET.get("q", ""), **search_vocabulary(fields))
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
    rows, *_ = _searched(request, fields, None)

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
