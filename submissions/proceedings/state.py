"""What the organizers are told about the volume (reads only): what each accepted
paper still owes, how a build differs from the accepted papers as they are
today, and what publishing a build would make public."""

from dataclasses import dataclass, field

from submissions.camera_ready.selectors import CameraStatus, camera_ready_statuses
from submissions.models import ProceedingsBuild
from submissions.proceedings import exports
from submissions.proceedings.changes import VolumeChanges, changes
from workshop.runs import RunState
from workshop.selectors import workshop_current


@dataclass(frozen=True)
class Owed:
    number: int
    title: str
    missing: list[str]


@dataclass
class BuildCheck:
    """A finished build against today's papers."""

    build: ProceedingsBuild
    changes: VolumeChanges  # since the build
    owed: list[Owed]  # papers of the build that still owe something today
    papers: list[exports.AcceptedPaper] = field(default_factory=list)  # as the build printed them

    @property
    def problems(self) -> bool:
        return bool(self.owed) or bool(self.changes)

    @property
    def summary(self) -> str:
        parts = [f"#{o.number} still owes {' and '.join(o.missing)}" for o in self.owed]
        return "; ".join(parts + ([self.changes.summary] if self.changes else []))


@dataclass
class VolumeState:
    owed: list[Owed]  # every accepted paper that still owes something
    published: BuildCheck | None  # the build the public program shows
    latest: BuildCheck | None  # the newest finished build that is no draft, if it is not the published one


def owed_of(statuses: list[CameraStatus]) -> list[Owed]:
    return [Owed(s.submission.pk, s.camera.title or s.submission.title, s.missing) for s in statuses if s.missing]


def _check(build: ProceedingsBuild, statuses: list[CameraStatus], today: list[exports.AcceptedPaper]) -> BuildCheck:
    snapshot = exports.program_of(build)
    built = snapshot.papers if snapshot is not None else []
    in_build = set(build.papers)
    return BuildCheck(build=build, changes=changes(built, today), papers=built,
                      owed=[o for o in owed_of(statuses) if o.number in in_build])


def publish_check(build: ProceedingsBuild) -> BuildCheck:
    statuses = camera_ready_statuses()
    return _check(build, statuses, exports.accepted_papers(statuses, ranges={}, workshop=workshop_current()))


def volume_state(statuses: list[CameraStatus] | None = None) -> VolumeState:
    statuses = camera_ready_statuses() if statuses is None else statuses
    today = exports.accepted_papers(statuses, ranges={}, workshop=workshop_current())
    finished = ProceedingsBuild.objects.filter(state=RunState.DONE, draft=False)
    published = finished.filter(published_at__isnull=False).first()
    latest = finished.first()
    return VolumeState(
        owed=owed_of(statuses),
        published=_check(published, statuses, today) if published else None,
        latest=_check(latest, statuses, today) if latest and latest != published else None)
