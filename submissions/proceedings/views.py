"""Organizer pages (camera-ready status and reminders, volume order, builds,
exports, statistics) and the public program."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from submissions.camera_ready.selectors import camera_ready_statuses
from submissions.camera_ready.services import camera_ready_reminders
from submissions.models import ProceedingsBuild
from submissions.proceedings import exports, services
from submissions.proceedings.state import publish_check, volume_state
from submissions.selectors import manages_proceedings
from workshop import policy
from workshop.charts import paired_bars
from workshop.csvio import csv_response
from workshop.errors import Refused
from workshop.http import as_download, int_or_none, require
from workshop.models import MailBatch, MailBatchKind
from workshop.runs import ACTIVE, RunState
from workshop.selectors import chairs, workshop_current


@require(policy.is_proceedings_team)
def proceedings(request):
    if not manages_proceedings(request.user):
        return render(request, "submissions/proceedings/conflicted.html")
    statuses = camera_ready_statuses()
    reminders, _ = camera_ready_reminders(by=request.user, send=False)
    return render(request, "submissions/proceedings/home.html", {
        "statuses": statuses, "complete": sum(1 for s in statuses if not s.missing), "reminders": reminders,
        "builds": ProceedingsBuild.objects.all()[:10], "state": volume_state(statuses),
        "last_reminders": MailBatch.objects.filter(kind=MailBatchKind.CAMERA_READY).first(),
    })


@require_POST
@require(manages_proceedings)
def camera_reminders(request):
    try:
        _preview, job = camera_ready_reminders(by=request.user, send=True)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("proceedings")
    if job is None:
        messages.info(request, "Every accepted paper has everything; nobody to remind.")
        return redirect("proceedings")
    return redirect("job_detail", public_id=job.public_id)


@require(manages_proceedings)
def volume_order(request):
    statuses = camera_ready_statuses()
    if request.method == "POST":
        rows = [(s.submission.pk, int_or_none(request.POST.get(f"position-{s.submission.pk}")),
                 request.POST.get(f"session-{s.submission.pk}", "")[:120]) for s in statuses]
        services.volume_order_save(by=request.user, rows=rows)
        messages.success(request, "The order of the volume is saved.")
        return redirect("volume_order")
    return render(request, "submissions/proceedings/order.html", {"statuses": statuses})


@require_POST
@require(manages_proceedings)
def build_start(request):
    try:
        build = services.build_start(by=request.user, draft="draft" in request.POST)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("proceedings")
    return redirect("build_detail", pk=build.pk)


@require(manages_proceedings)
def build_detail(request, pk):
    build = get_object_or_404(ProceedingsBuild, pk=pk)
    running = build.state in ACTIVE
    if request.htmx and not running:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    template = "submissions/proceedings/partials/build_progress.html" if request.htmx else \
        "submissions/proceedings/build.html"
    program = exports.program_of(build)
    if program is not None:  # as the build printed them
        titles = {p.number: p.title for p in program.papers}
    else:
        titles = {s.submission.pk: s.camera.title or s.submission.title for s in camera_ready_statuses()}
    contents = [(number, titles.get(number, ""), pages) for number, pages in zip(build.papers, build.ranges,
                                                                                   strict=False)]
    owed = [(int(number), titles.get(int(number), ""), missing) for number, missing in build.owed.items()]
    check = publish_check(build) if build.state == RunState.DONE and not build.draft else None
    return render(request, template, {"build": build, "running": running, "contents": contents, "owed": owed,
                                      "check": check, "progress": services.build_progress(build)})


@require(manages_proceedings)
def build_download(request, pk):
    build = get_object_or_404(ProceedingsBuild, pk=pk, state=RunState.DONE)
    workshop = workshop_current()
    draft = "-DRAFT" if build.draft else ""
    return as_download(FileResponse(build.file.open("rb"), content_type="application/pdf"),
                       filename=f"{workshop.acronym}-{workshop.year}-proceedings-build{build.pk}{draft}.pdf")


@require(manages_proceedings)
def build_publish(request, pk):
    """GET: what publishing this build makes public and what is missing; POST: publish (confirmed,
    with a reason when papers owe something or changed since) or unpublish."""
    build = get_object_or_404(ProceedingsBuild, pk=pk, state=RunState.DONE)
    if request.method == "POST" and "unpublish" in request.POST:
        services.build_publish(build=build, by=request.user, publish=False)
        messages.success(request, "Unpublished: the public program says it is not published yet.")
        return redirect("build_detail", pk=build.pk)
    check = publish_check(build)
    error = None
    if request.method == "POST":
        anyway, reason = request.POST.get("anyway") == "yes", request.POST.get("reason", "")
        if request.POST.get("confirm") != "yes":
            error = "Nothing was published: tick the box to confirm what becomes public."
        elif anyway and not reason.strip():
            error = "Nothing was published: say why it is published anyway (the reason is kept with the build)."
        else:
            try:  # the service refuses a build with problems unless given the reason
                services.build_publish(build=build, by=request.user, reason=reason if anyway else "")
            except Refused as refused:
                error = refused.message
            else:
                messages.success(request, "Published: the public program shows this volume, as it was built.")
                return redirect("build_detail", pk=build.pk)
    return render(request, "submissions/proceedings/publish.html",
                  {"build": build, "check": check, "error": error, "reason": request.POST.get("reason", "")})


def _export_build() -> ProceedingsBuild | None:
    """The published build, else the newest finished one; never a draft."""
    return services.published_build() or ProceedingsBuild.objects.filter(state=RunState.DONE,
                                                                           draft=False).first()


def _volume_of(build):
    """(names, editors, papers) of what the volume describes: the build's snapshot
    (pages, order and titles as printed), else today's data with the build's pages."""
    program = exports.program_of(build)
    if program is not None:
        return program.volume, program.editors, program.papers
    workshop = workshop_current()
    return workshop, [c.full_name for c in chairs()], exports.accepted_papers(camera_ready_statuses(),
                                                                              build)


@require(manages_proceedings)
def export(request, kind):
    workshop = workshop_current()
    build = _export_build()
    stem = f"{workshop.acronym}-{workshop.year}"
    if kind in ("papers.csv", "papers.json"):  # the organizers' working lists: today's data
        papers = exports.accepted_papers(camera_ready_statuses(), build)
        if kind == "papers.csv":
            header, rows = exports.papers_table(papers)
            return csv_response(filename=f"{stem}-accepted.csv", header=header, rows=rows)
        body = exports.papers_json(papers, workshop, exports.threat_statistics(user=request.user))
        return as_download(HttpResponse(body, content_type="application/json; charset=utf-8"),
                           filename=f"{stem}-accepted.json")
    if kind == "volume.bib":
        names, editors, papers = _volume_of(build)
        return as_download(HttpResponse(exports.bibtex_volume(names, papers, editors),
                                        content_type="application/x-bibtex; charset=utf-8"), filename=f"{stem}.bib")
    if kind == "ceur.zip":
        if build is None:
            messages.error(request, "Build the volume first: the CEUR zip takes each paper's pages from it.")
            return redirect("proceedings")
        names, editors, papers = _volume_of(build)
        pdfs = {}
        for paper in papers:
            if paper.pages:
                with build.file.open("rb") as handle:
                    pdfs[paper.number] = exports.pages_of(handle, *paper.pages, front_pages=build.front_pages)
        papers = [p for p in papers if p.number in pdfs]
        data = exports.ceur_zip(names, papers, editors, pdfs, dated=build.finished_at or build.created_at,
                                homepage=workshop.homepage)
        return as_download(HttpResponse(data, content_type="application/zip"), filename=f"{stem}-ceur.zip")
    raise Http404("No such export")


@require(manages_proceedings)
def statistics(request):
    stats = exports.threat_statistics(user=request.user)
    dimensions = [{"key": key, "label": label, "chart": paired_bars(stats[key]["rows"])}
                  for key, label in exports.DIMENSIONS]
    return render(request, "submissions/proceedings/statistics.html",
                  {"papers": stats["papers"], "dimensions": dimensions})


# --- Public -------------------------------------------------------------------------------


def _published_program():
    """The published build and its snapshot, or (None, None) before any publication:
    the public sees the volume as it was built, nothing changed since."""
    if not workshop_current().program_published:
        raise Http404("The program is not published yet")
    build = services.published_build()
    program = exports.program_of(build)
    return (build, program) if program is not None else (None, None)


def program(request):
    build, program = _published_program()
    if program is None:
        return render(request, "submissions/proceedings/program.html", {"program": None})
    # In the volume's order, which keeps each session together: the pages run up. Without
    # sessions one list (grouping by topic would reorder the papers and make the pages jump).
    by_session = any(p.session for p in program.papers)
    groups: dict[str, list] = {}
    for paper in program.papers:
        heading = (paper.session or "Other papers") if by_session else "Papers"
        groups.setdefault(heading, []).append((paper, exports.bibtex_paper(program.volume, paper)))
    return render(request, "submissions/proceedings/program.html",
                  {"program": program, "groups": groups, "build": build, "by_session": by_session,
                   "count": len(program.papers)})


def _published_volume():
    build, program = _published_program()
    if program is None:
        raise Http404("Not published")
    return build, program


def program_volume_pdf(request):
    build, program = _published_volume()
    return as_download(FileResponse(build.file.open("rb"), content_type="application/pdf"), inline=True,
                       filename=f"{program.volume.acronym}-{program.volume.year}-proceedings.pdf")


def program_paper_pdf(request, number):
    build, program = _published_volume()
    pages = {p.number: p.pages for p in program.papers if p.pages}
    if number not in pages:
        raise Http404("No such paper")
    with build.file.open("rb") as handle:
        data = exports.pages_of(handle, *pages[number], front_pages=build.front_pages)
    return as_download(HttpResponse(data, content_type="application/pdf"), inline=True,
                       filename=f"{program.volume.acronym}-{program.volume.year}-paper{number}.pdf")
