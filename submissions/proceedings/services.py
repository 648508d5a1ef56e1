"""The proceedings volume: the organizers' order, the build (a Celery task
around the Django-free builder), publishing it."""

import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from submissions.camera_ready.selectors import camera_ready_statuses
from submissions.models import ProceedingsBuild
from submissions.proceedings import exports
from submissions.proceedings.builder import IndexEntry, PaperEntry, TocEntry, Volume, VolumeError, build_volume
from submissions.proceedings.state import publish_check
from submissions.selectors import manages_proceedings
from submissions.tasks import proceedings_build_task
from workshop.errors import Refused
from workshop.models import RoleName, User
from workshop.runs import ACTIVE, Progress, RunState, progress_write
from workshop.selectors import chairs, workshop_current


def volume_order_save(*, by: User, rows: list[tuple[int, int | None, str]]) -> None:
    """(paper number, position or None, session) for each accepted paper."""
    if not manages_proceedings(by):
        raise Refused("Only organizers and chairs order the volume.")
    accepted = {s.submission.pk: s for s in camera_ready_statuses()}
    with transaction.atomic():
        for number, position, session in rows:
            status = accepted.get(number)
            if status is None:
                continue
            camera = status.camera
            camera.position, camera.session = position, session.strip()
            if camera.pk is None:
                camera.submission = status.submission
            camera.save()


def build_start(*, by: User, draft: bool = False) -> ProceedingsBuild:
    """A build of the volume (a job); a `draft` stands placeholders in for missing PDFs and is
    never published. What each paper still owes is kept with the build, so its page and the
    publishing step can say so."""
    if not manages_proceedings(by):
        raise Refused("Only organizers and chairs build the proceedings.")
    statuses = camera_ready_statuses()
    if not statuses:
        raise Refused("There are no accepted papers yet (decisions are released by the chairs).")
    without_pdf = [f"#{s.submission.pk}" for s in statuses if s.pdf is None]
    if without_pdf and not draft:
        raise Refused(f"Every paper needs its camera-ready PDF first; missing: {', '.join(without_pdf)}. "
                      "A draft stands placeholders in for them.")
    with transaction.atomic():
        build = ProceedingsBuild.objects.create(
            created_by=by, papers=[s.submission.pk for s in statuses], total=len(statuses), draft=draft,
            owed={str(s.submission.pk): s.missing for s in statuses if s.missing}, step="Waiting for a worker")
        transaction.on_commit(lambda: proceedings_build_task.delay(build.pk))
    return build


def build_progress(build: ProceedingsBuild) -> Progress:
    """The build as the one progress bar shows it: the builder's stage and its count."""
    return Progress(state=build.state, done=build.done, total=build.total, step=build.step,
                    error=build.error if build.state == RunState.FAILED else "")


def build_run(*, build_id: int) -> None:
    """The task's work: copy the camera-ready PDFs to a temporary folder (any
    storage), build, store the volume with its SHA-256; a failure names the paper."""
    build = ProceedingsBuild.objects.get(pk=build_id)
    if build.state not in ACTIVE:
        return
    progress_write(ProceedingsBuild, build.pk, started_at=timezone.now())
    workshop = workshop_current()
    statuses = {s.submission.pk: s for s in camera_ready_statuses()}
    chosen = [statuses[n] for n in build.papers if n in statuses]
    printed = exports.accepted_papers(chosen, ranges={}, workshop=workshop)

    def progress(stage: str, done: int, total: int) -> None:
        progress_write(ProceedingsBuild, build.pk, state=RunState.RUNNING, step=stage, done=done, total=total)

    with tempfile.TemporaryDirectory() as folder:
        papers = []
        for status, paper in zip(chosen, printed, strict=True):
            path = None
            if status.pdf is not None:
                path = Path(folder) / f"{status.submission.pk}.pdf"
                with status.pdf.file.open("rb") as source, path.open("wb") as target:
                    for chunk in iter(lambda: source.read(1 << 20), b""):  # noqa: B023 - read now
                        target.write(chunk)
            papers.append(PaperEntry(pdf=path, title=paper.title, authors=tuple(a["name"] for a in paper.authors),
                                     label=f"#{paper.number} “{paper.title}”"))
        out = Path(folder) / "volume.pdf"
        try:
            built = build_volume(
                papers=papers, out=out, progress=progress, draft=build.draft,
                volume=Volume(short_name=f"{workshop.acronym} {workshop.year}", name=workshop.name,
                              year=workshop.year),
                front_matter=lambda toc: _front_matter(workshop, toc),
                author_index=lambda entries, first: _author_index(workshop, entries, first),
            )
        except VolumeError as error:
            progress_write(ProceedingsBuild, build.pk, state=RunState.FAILED, error=error.message,
                           finished_at=timezone.now(), step="Failed")
            return
        with out.open("rb") as handle:
            build.file.save(f"{workshop.acronym}-{workshop.year}-proceedings{'-DRAFT' * build.draft}.pdf",
                            File(handle), save=False)
        for paper, pages in zip(printed, built.ranges, strict=True):
            paper.pages = tuple(pages)
        program = exports.program_snapshot(workshop, printed, [c.full_name for c in chairs()])
        progress_write(
            ProceedingsBuild, build.pk, file=build.file.name, sha256=built.sha256, size=out.stat().st_size,
            pages=built.pages, front_pages=built.front_pages, papers=[s.submission.pk for s in chosen],
            ranges=[list(r) for r in built.ranges], program=program, state=RunState.DONE, step="Done",
            done=len(chosen), total=len(chosen), finished_at=timezone.now())


def build_publish(*, build: ProceedingsBuild, by: User, publish: bool = True, reason: str = "") -> None:
    """The published build is the one the public program shows, as it was built (one at a time).
    A build whose papers still owe something, or that no longer matches them
    (`state.publish_check`), is published only with a `reason`, kept with it."""
    if not manages_proceedings(by):
        raise Refused("Only organizers and chairs publish the proceedings.")
    if build.state != RunState.DONE:
        raise Refused("Only a finished build can be published.")
    if publish and build.draft:
        raise Refused("A draft is for proof-reading and is never published: build the volume (not a draft) and "
                      "publish that build.")
    if publish and build.program is None:
        raise Refused("This build is older than the program snapshots the public page shows; build the volume "
                      "again and publish the new build.")
    reason = " ".join(reason.split())[:2000]
    if publish:
        check = publish_check(build)
        if check.problems and not reason:
            raise Refused(f"Build {build.pk} is not published: {check.summary}. Complete the papers and build "
                          "again, or publish anyway and say why.")
    with transaction.atomic():
        ProceedingsBuild.objects.exclude(pk=build.pk).update(published_at=None)
        ProceedingsBuild.objects.filter(pk=build.pk).update(published_at=timezone.now() if publish else None,
                                                            publish_note=reason if publish else "")


def _committees() -> dict[str, list[User]]:
    people = User.objects.filter(is_active=True).prefetch_related("roles").order_by("full_name")
    roles = {u.pk: {r.name for r in u.roles.all()} for u in people}
    return {
        "chairs": [u for u in people if RoleName.CHAIR in roles[u.pk]],
        "organizers": [u for u in people if RoleName.ORGANIZER in roles[u.pk] and RoleName.CHAIR not in roles[u.pk]],
        "pc": [u for u in people if RoleName.PC in roles[u.pk] and RoleName.CHAIR not in roles[u.pk]],
    }


def _front_matter(workshop, toc: list[TocEntry]) -> str:
    return render_to_string("submissions/proceedings/front_matter.html", {
        "workshop": workshop, "toc": toc, **_committees()})


def _author_index(workshop, entries: list[IndexEntry], first_page: int) -> str:
    rows = [{"name": e.name, "links": list(zip(e.pages, e.hrefs, strict=True))} for e in entries]
    return render_to_string("submissions/proceedings/author_index.html", {
        "workshop": workshop, "entries": rows, "first_page": first_page})


def published_build() -> ProceedingsBuild | None:
    return ProceedingsBuild.objects.filter(published_at__isnull=False, state=RunState.DONE, draft=False).first()
