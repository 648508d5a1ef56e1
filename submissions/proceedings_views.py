"""Organizer pages (camera-ready status and reminders, volume order, builds,
exports, statistics) and the public program."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from submissions import exports, selectors, services
from submissions.models import BuildStatus, ProceedingsBuild
from workshop import policy
from workshop.charts import paired_bars
from workshop.csvio import csv_response
from workshop.errors import Refused
from workshop.http import int_or_none, require
from workshop.selectors import chairs, workshop_current


@require(policy.is_proceedings_team)
def proceedings(request):
    if not selectors.manages_proceedings(request.user):
        return render(request, "submissions/proceedings/conflicted.html")
    statuses = selectors.camera_ready_statuses()
    count, sample, _ = services.camera_ready_reminders(by=request.user, send=False)
    return render(request, "submissions/proceedings/home.html", {
        "statuses": statuses, "complete": sum(1 for s in statuses if not s.missing),
        "reminder_count": count, "sample": sample,
        "builds": ProceedingsBuild.objects.all()[:10], "published": services.published_build(),
    })


@require_POST
@require(selectors.manages_proceedings)
def camera_reminders(request):
    try:
        _count, _sample, batch = services.camera_ready_reminders(by=request.user, send=True)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("proceedings")
    if batch is None:
        messages.info(request, "Every accepted paper has everything; nobody to remind.")
        return redirect("proceedings")
    return redirect("mail_batch", public_id=batch.public_id)


@require(selectors.manages_proceedings)
def volume_order(request):
    statuses = selectors.camera_ready_statuses()
    if request.method == "POST":
        rows = [(s.submission.pk, int_or_none(request.POST.get(f"position-{s.submission.pk}")),
                 request.POST.get(f"session-{s.submission.pk}", "")[:120]) for s in statuses]
        services.volume_order_save(by=request.user, rows=rows)
        messages.success(request, "The order of the volume is saved.")
        return redirect("volume_order")
    return render(request, "submissions/proceedings/order.html", {"statuses": statuses})


@require_POST
@require(selectors.manages_proceedings)
def build_start(request):
    try:
        build = services.build_start(by=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("proceedings")
    return redirect("build_detail", pk=build.pk)


@require(selectors.manages_proceedings)
def build_detail(request, pk):
    build = get_object_or_404(ProceedingsBuild, pk=pk)
    running = build.status in (BuildStatus.QUEUED, BuildStatus.RUNNING)
    if request.htmx and not running:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    template = "submissions/proceedings/partials/build_progress.html" if request.htmx else \
        "submissions/proceedings/build.html"
    titles = {s.submission.pk: s.camera.title or s.submission.title for s in selectors.camera_ready_statuses()}
    contents = [(number, titles.get(number, ""), pages) for number, pages in zip(build.papers, build.ranges,
                                                                                   strict=False)]
    return render(request, template, {"build": build, "running": running, "contents": contents})


@require(selectors.manages_proceedings)
def build_download(request, pk):
    build = get_object_or_404(ProceedingsBuild, pk=pk, status=BuildStatus.DONE)
    workshop = workshop_current()
    return FileResponse(build.file.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=f"{workshop.acronym}-{workshop.year}-proceedings-build{build.pk}.pdf")


@require_POST
@require(selectors.manages_proceedings)
def build_publish(request, pk):
    build = get_object_or_404(ProceedingsBuild, pk=pk)
    try:
        services.build_publish(build=build, by=request.user, publish="unpublish" not in request.POST)
        messages.success(request, "Unpublished." if "unpublish" in request.POST else
                         "Published: the public program links each paper's PDF from this volume.")
    except Refused as refused:
        messages.error(request, refused.message)
    return redirect("build_detail", pk=build.pk)


def _export_data(request):
    workshop = workshop_current()
    build = services.published_build() or ProceedingsBuild.objects.filter(status=BuildStatus.DONE).first()
    papers = exports.accepted_papers(selectors.camera_ready_statuses(), build)
    return workshop, build, papers


def _editors() -> list[str]:
    return [c.full_name for c in chairs()]


@require(selectors.manages_proceedings)
def export(request, kind):
    workshop, build, papers = _export_data(request)
    stem = f"{workshop.acronym}-{workshop.year}"
    if kind == "papers.csv":
        header, rows = exports.papers_table(papers)
        return csv_response(filename=f"{stem}-accepted.csv", header=header, rows=rows)
    if kind == "papers.json":
        body = exports.papers_json(papers, workshop, exports.threat_statistics(user=request.user))
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}-accepted.json"'
        return response
    if kind == "volume.bib":
        response = HttpResponse(exports.bibtex_volume(workshop, papers, _editors()),
                                content_type="application/x-bibtex; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.bib"'
        return response
    if kind == "ceur.zip":
        if build is None:
            messages.error(request, "Build the volume first: the CEUR zip takes each paper's pages from it.")
            return redirect("proceedings")
        pdfs = {}
        for paper in papers:
            if paper.pages:
                with build.file.open("rb") as handle:
                    pdfs[paper.number] = exports.pages_of(handle, *paper.pages, front_pages=build.front_pages)
        papers = [p for p in papers if p.number in pdfs]
        response = HttpResponse(exports.ceur_zip(workshop, papers, _editors(), pdfs), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{stem}-ceur.zip"'
        return response
    raise Http404("No such export")


@require(selectors.manages_proceedings)
def statistics(request):
    stats = exports.threat_statistics(user=request.user)
    dimensions = [{"key": key, "label": label, "chart": paired_bars(stats[key]["rows"])}
                  for key, label in exports.DIMENSIONS]
    return render(request, "submissions/proceedings/statistics.html",
                  {"papers": stats["papers"], "dimensions": dimensions})


# --- Public -------------------------------------------------------------------------------


def program(request):
    workshop = workshop_current()
    if not workshop.program_published:
        raise Http404("The program is not published yet")
    build = services.published_build()
    papers = exports.accepted_papers(selectors.camera_ready_statuses(), build)
    by_session = any(p.session for p in papers)
    groups: dict[str, list] = {}
    for paper in papers:
        heading = paper.session if by_session else (paper.topics[0] if paper.topics else "Papers")
        groups.setdefault(heading or "Other papers", []).append((paper, exports.bibtex_paper(workshop, paper)))
    return render(request, "submissions/proceedings/program.html",
                  {"groups": groups, "build": build, "by_session": by_session, "count": len(papers)})


def _published_volume():
    workshop = workshop_current()
    build = services.published_build()
    if not workshop.program_published or build is None:
        raise Http404("Not published")
    return workshop, build


def program_volume_pdf(request):
    workshop, build = _published_volume()
    return FileResponse(build.file.open("rb"), content_type="application/pdf",
                        filename=f"{workshop.acronym}-{workshop.year}-proceedings.pdf")


def program_paper_pdf(request, number):
    workshop, build = _published_volume()
    ranges = dict(zip(build.papers, build.ranges, strict=False))
    if number not in ranges:
        raise Http404("No such paper")
    with build.file.open("rb") as handle:
        data = exports.pages_of(handle, *ranges[number], front_pages=build.front_pages)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{workshop.acronym}-{workshop.year}-paper{number}.pdf"'
    return response
