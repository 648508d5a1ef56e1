"""Reads of the camera-ready versions: which accepted papers still owe what, in
the volume's order, and an accepted paper for whoever may open its page."""

from dataclasses import dataclass

from django.http import Http404

from submissions.models import CameraReady, PdfKind, PdfVersion, Submission
from submissions.selectors import manages_proceedings
from workshop import policy


def camera_ready_paper_or_404(*, user, number: int) -> Submission:
    """An accepted paper, for its authors and the proceedings team; else the 404 of a missing paper."""
    submission = Submission.objects.filter(pk=number).select_related(
        "outcome", "released_outcome").prefetch_related(
        "authors", "conflicts").first()
    if submission is None or not policy.can_view_camera_ready(
            user, submission, manages_proceedings=manages_proceedings(user)):
        raise Http404("No such paper")
    return submission


def camera_of(submission: Submission) -> CameraReady:
    """The paper's camera-ready record, made (unsaved) from the submission if new."""
    return CameraReady.objects.filter(submission=submission).first() or _camera_new(submission)


def _camera_new(submission: Submission) -> CameraReady:
    return CameraReady(submission=submission, title=submission.title, abstract=submission.abstract,
                       authors=[{"name": a.name, "affiliation": a.affiliation, "orcid": a.orcid}
                                for a in submission.authors.all()])


@dataclass
class CameraStatus:
    submission: Submission
    camera: CameraReady
    pdf: PdfVersion | None

    @property
    def missing(self) -> list[str]:
        owed = []
        if self.pdf is None:
            owed.append("the final PDF")
        if self.camera.metadata_confirmed_at is None:
            owed.append("the final title, abstract and authors")
        if self.camera.licence_accepted_at is None:
            owed.append("the licence")
        return owed


def camera_ready_statuses(*, among=None) -> list[CameraStatus]:
    """Every accepted paper (or those of `among`, paper numbers) with what it
    still owes, in volume order."""
    papers = Submission.objects.filter(released_outcome__category="accept", decision_released_at__isnull=False,
                                       withdrawn_at__isnull=True).select_related("released_outcome", "camera_ready")
    if among is not None:
        papers = papers.filter(pk__in=among)
    papers = papers.prefetch_related("authors")
    latest = {}
    for version in PdfVersion.objects.filter(kind=PdfKind.CAMERA_READY, submission__in=papers).order_by(
            "uploaded_at", "id"):
        latest[version.submission_id] = version
    statuses = [CameraStatus(submission=p, camera=getattr(p, "camera_ready", None) or _camera_new(p),
                             pdf=latest.get(p.pk)) for p in papers]
    return by_session(sorted(statuses, key=volume_order))


def volume_order(status: CameraStatus):
    """The organizers' order when they set one, else by session, then title."""
    camera = status.camera
    return (camera.position is None, camera.position or 0, camera.session.casefold(),
            (camera.title or status.submission.title).casefold(), status.submission.pk)


def by_session(statuses: list[CameraStatus]) -> list[CameraStatus]:
    """Each session's papers together, sessions in the order they first come (papers without one
    count as one more session): the volume is numbered in this order and the program shows
    it by session, so page ranges run up on both."""
    sessions: dict[str, list[CameraStatus]] = {}
    for status in statuses:
        sessions.setdefault(status.camera.session.strip().casefold(), []).append(status)
    return [status for group in sessions.values() for status in group]
