"""Two worlds for the public program: it shows the published volume as it was
built, so nothing that changed after publication (a paper accepted and
released since, the camera-ready metadata, the order) reaches a visitor or a
chair kept out of the proceedings by a conflict before the next publication."""

import pytest

from submissions.camera_ready.services import (
    PrintedAuthor,
    camera_ready_metadata_save,
    camera_ready_upload,
    licence_accept,
)
from submissions.models import CameraReady, Outcome, ProceedingsBuild, Submission
from submissions.proceedings.services import build_publish, build_run, build_start
from tests.leaks.test_two_worlds import CHAIR_DIRECT, CHAIR_FRAGMENTS, DIRECT, START, Base, base_world
from tests.leaks.two_worlds import FROZEN_AT, assert_no_differences, compare_worlds
from tests.submissions import pdf_corpus
from workshop.models import Workshop

pytestmark = pytest.mark.django_db(transaction=True)


def _camera_ready(paper, author, workshop, *, title, names):
    paper = Submission.objects.get(pk=paper.pk)  # as decided since the world was made
    camera_ready_upload(submission=paper, by=author, data=pdf_corpus.paper(1), filename="f.pdf",
                                            workshop=workshop, now=FROZEN_AT)
    camera_ready_metadata_save(
        submission=paper, by=author, title=title, abstract="As printed.", workshop=workshop, now=FROZEN_AT,
        authors=[PrintedAuthor(name) for name in names])
    licence_accept(submission=paper, by=author, workshop=workshop, now=FROZEN_AT)


def published_program(change):
    """Decisions out: #1 rejected, #2 accepted with its camera-ready, built and
    published, the program public; world b then `change`s, after publication."""
    def build(variant):
        world = base_world(Base(decisions_released=True))
        reject = Outcome.objects.get(name="Reject")
        Submission.objects.filter(pk=world["paper"].pk).update(outcome=reject, released_outcome=reject)
        _camera_ready(world["other"], world["other_author"], world["workshop"], title="Certified URL filters",
                      names=["Oscar Other"])
        volume = build_start(by=world["organizer"])
        build_run(build_id=volume.pk)
        build_publish(build=ProceedingsBuild.objects.get(pk=volume.pk), by=world["organizer"])
        Workshop.objects.update(program_published=True)
        if variant == "b":
            change(world)
        return world
    return build


def acceptance_released_since(world):
    """#1 accepted and released after publication, its camera-ready complete."""
    accept = Outcome.objects.get(name="Accept (oral)")
    Submission.objects.filter(pk=world["paper"].pk).update(outcome=accept, released_outcome=accept)
    _camera_ready(world["paper"], world["author"], world["workshop"], title="Backdooring malware detectors",
                  names=["Alice Author", "Chen Coauthor"])


def camera_ready_changed_since(world):
    """#2's printed title, authors, session and place changed after publication."""
    CameraReady.objects.filter(submission=world["other"]).update(
        title="Certified robustness, the final title", session="Robustness", position=1,
        authors=[{"name": "Oscar Other", "affiliation": "Hillside"}, {"name": "A Late Addition"}])


@pytest.mark.parametrize("change", [acceptance_released_since, camera_ready_changed_since])
@pytest.mark.parametrize("persona", [None, "conflicted_chair"])
def test_the_public_program_shows_nothing_changed_since_publication(change, persona):
    chair = persona is not None
    differences = compare_worlds(published_program(change), persona=persona, start_urls=START,
                                 extra_urls=[*(CHAIR_DIRECT if chair else DIRECT), "/program/2.pdf"],
                                 fragment_urls=CHAIR_FRAGMENTS if chair else ())
    assert_no_differences(differences)
