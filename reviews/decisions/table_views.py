"""The chairs' overview pages: the dashboard, the paper table (search, sort, columns)
and the submissions list with its CSV, which share the search."""

from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render

from reviews.decisions.dashboard import dashboard
from reviews.decisions.forms import BulkForm
from reviews.decisions.search import SearchError, parse
from reviews.decisions.table import (
    COLUMN_LABELS,
    OPTIONAL_COLUMNS,
    SORTABLE,
    high_first,
    paper_numbers,
    paper_order,
    paper_rows,
    score_fields,
    search_vocabulary,
    shown_columns,
)
from reviews.reviewing.reminders import unfinished_reviews
from submissions.models import Outcome
from workshop import paper_lists, policy
from workshop.charts import score_dots
from workshop.csvio import csv_response
from workshop.http import require
from workshop.jobs import jobs_recent

PAGE_ROWS = 100  # rows built a page; search and sort cover every paper (in the database)


@require(policy.can_view_paper_table)
def chair_dashboard(request):
    return render(request, "reviews/chair_dashboard.html", {
        "d": dashboard(user=request.user), "unfinished": unfinished_reviews(by=request.user).count(),
        "jobs": jobs_recent(user=request.user)})


def _searched(request, fields, outcomes: list | None):
    """(the (number, managed) pairs the query picks, in the order asked; the query's error or None;
    the sort column; whether descending; the parsed query or None). A `sort:` in the query wins over
    the column links. The order comes from the database; a search reads only the facts it needs."""
    error = query = None
    column = request.GET.get("sort") or "number"
    descending = request.GET.get("dir") == "desc"
    try:
        query = parse(request.GET.get("q", ""), **search_vocabulary(fields, outcomes))
    except SearchError as problem:
        return [], problem, column, descending, None
    if query.directives.sort is not None:
        column, descending = query.directives.sort
    matched = None if query.is_empty else paper_numbers(user=request.user, query=query, fields=fields,
                                                          outcomes=outcomes)
    order = paper_order(user=request.user, column=column, descending=descending, fields=fields, numbers=matched)
    return order, error, column, descending, query


def _in_order(user, fields, order: list[tuple[int, bool]], *, outcomes=None, page: bool = True) -> list:
    """The rows of the papers of `order` (a page of them; else any number: every row is built), in that order."""
    numbers = [n for n, _ in order] if page else None
    rows = {row.number: row for row in paper_rows(user=user, fields=fields, numbers=numbers, outcomes=outcomes)}
    return [rows[number] for number, _ in order if number in rows]


@require(policy.can_view_paper_table)
def paper_table(request):
    """Sorted and searched over every paper, in the database; only the page's rows are built."""
    fields, outcomes = score_fields(), list(Outcome.objects.all())
    order, error, column, descending, query = _searched(request, fields, outcomes)
    page = Paginator(order, PAGE_ROWS).get_page(request.GET.get("page"))
    page.object_list = _in_order(request.user, fields, page.object_list, outcomes=outcomes)
    shown = shown_columns(query, fields)
    paper_list = paper_lists.remember(request.session, numbers=[n for n, managed in order if managed],
                                      label=request.GET.get("q", "") or "all papers",
                                      url=request.get_full_path())
    primary = fields[0] if fields else None
    scale = [float(v) for v, _ in primary.options] if primary else [1.0]
    for row in page:
        if row.managed and primary:
            row.dots = score_dots(row.scores[primary.key].values, low=min(scale), high=max(scale))
    return render(request, "reviews/paper_table.html", {
        "page": page, "total": len(order), "fields": [f for f in fields if f.key in shown], "primary": primary,
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
    order, *_ = _searched(request, fields, None)
    rows = _in_order(request.user, fields, order, page=False)

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
