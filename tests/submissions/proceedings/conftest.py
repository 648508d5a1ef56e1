"""The volume most proceedings tests start from, and the steps that ready, build and publish it;
the sample papers the builder tests merge."""


from pathlib import Path

import pikepdf
import pytest

from submissions.camera_ready.services import (
    PrintedAuthor,
    camera_ready_metadata_save,
    camera_ready_upload,
    licence_accept,
)
from submissions.models import CameraReady, Submission
from submissions.proceedings.builder import build_volume
from submissions.proceedings.services import build_publish, build_start
from tests.factories import SubmissionFactory
from tests.submissions import pdf_corpus
from tests.submissions.conftest import accept
from tests.submissions.proceedings.builder_papers import (
    SPECS,
    VOLUME,
    Built,
    author_index,
    front_matter,
    page_texts,
    paper_entries,
    render_paper,
)


def paper_ready(paper, workshop, *, pages=2, authors=None, title=None):
    """Everything the volume needs from the authors of `paper`."""
    author = paper.created_by
    camera_ready_upload(submission=paper, by=author, data=pdf_corpus.paper(pages - 1, byline="Named Authors"),
                        filename="final.pdf", workshop=workshop)
    camera_ready_metadata_save(submission=paper, by=author, title=title or paper.title, abstract=paper.abstract,
                               authors=authors or [PrintedAuthor(author.full_name, "Lakeside")], workshop=workshop)
    licence_accept(submission=paper, by=author, workshop=workshop)
    return paper


@pytest.fixture
def volume(camera_workshop, author, other_author):
    """Two accepted papers with everything, one rejected, one accepted but not released."""
    first = paper_ready(accept(SubmissionFactory(created_by=author, title="Backdoors in malware detectors")),
                   camera_workshop, pages=2,
                   authors=[PrintedAuthor("Zoë Müller", "ETH Zürich"), PrintedAuthor("Alice Author")])
    second = paper_ready(accept(SubmissionFactory(created_by=other_author, title="=cmd|' /C calc'!A0 robustness")),
                    camera_workshop, pages=3)
    accept(SubmissionFactory(created_by=author, title="A rejected paper"), "Reject")
    hidden = accept(SubmissionFactory(created_by=author, title="An embargoed acceptance"))
    Submission.objects.filter(pk=hidden.pk).update(decision_released_at=None, released_outcome=None)
    CameraReady.objects.filter(submission=first).update(position=1)
    CameraReady.objects.filter(submission=second).update(position=2)
    return first, second


def volume_built(organizer, capture):
    with capture(execute=True):
        build = build_start(by=organizer)
    build.refresh_from_db()
    return build


def volume_published(organizer, capture, workshop):
    build = volume_built(organizer, capture)
    build_publish(build=build, by=organizer)
    workshop.program_published = True
    workshop.save()
    return build


# --- The builder's sample papers (tests/submissions/proceedings/test_builder.py) ----------------


@pytest.fixture(scope="session")
def paper_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("papers")
    files = {}
    for spec in SPECS:
        files[spec.key] = folder / f"{spec.key}.pdf"
        render_paper(files[spec.key], spec)
    # epsilon: page 1 turned a quarter, page 2 with its boxes away from the origin.
    with pikepdf.open(files["epsilon"], allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Rotate = 90
        shifted = pdf.pages[1]
        shifted.obj.MediaBox = pikepdf.Array([100, 200, 695.2756, 1041.8898])
        shifted.obj.CropBox = pikepdf.Array([110, 210, 685, 1030])
        shifted.contents_add(b"q 1 0 0 1 100 200 cm\n", prepend=True)
        shifted.contents_add(b"\nQ\n")
        pdf.save(files["epsilon"])
    return files


@pytest.fixture(scope="module")
def built(paper_files, tmp_path_factory) -> Built:
    out = tmp_path_factory.mktemp("volume") / "proceedings.pdf"
    seen: dict[str, object] = {}
    calls: list[tuple[str, int, int]] = []

    def render_toc(toc):
        seen["toc"] = toc
        return front_matter(toc)

    def render_index(entries, first_page):
        seen["index"], seen["first"] = entries, first_page
        return author_index(entries, first_page)

    result = build_volume(
        papers=paper_entries(paper_files),
        volume=VOLUME,
        front_matter=render_toc,
        author_index=render_index,
        out=out,
        progress=lambda *call: calls.append(call),
    )
    return Built(result, page_texts(out), seen["toc"], seen["index"], seen["first"], calls)
