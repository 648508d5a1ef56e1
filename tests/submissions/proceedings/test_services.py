"""Builds of the volume (the Celery task around the builder): what they need, what the
volume prints (front matter, papers, committees, author index), the same bytes twice."""

from datetime import timedelta

import pikepdf
import pytest
import time_machine
from django.utils import timezone

from submissions.camera_ready.services import PrintedAuthor, camera_ready_metadata_save
from submissions.models import ProceedingsBuild
from submissions.proceedings.services import build_start
from tests.factories import SubmissionFactory, UserFactory
from tests.submissions.conftest import accept
from tests.submissions.proceedings.conftest import volume_built
from workshop.errors import Refused
from workshop.runs import RunState


@pytest.mark.django_db
def test_a_build_needs_every_final_pdf_and_names_the_missing_ones(organizer, volume, camera_workshop, author):
    late = accept(SubmissionFactory(created_by=author, title="Late paper"))

    with pytest.raises(Refused) as refused:
        build_start(by=organizer)

    assert f"#{late.pk}" in refused.value.message
    assert not ProceedingsBuild.objects.exists()


@pytest.mark.django_db
def test_a_build_makes_the_volume_with_front_matter_papers_and_index(organizer, volume,
                                                                    django_capture_on_commit_callbacks):
    first, second = volume

    build = volume_built(organizer, django_capture_on_commit_callbacks)

    assert build.state == RunState.DONE, build.error
    assert (build.step, build.done, build.total) == ("Done", 2, 2)
    assert build.ranges == [[1, 2], [3, 5]] and build.papers == [first.pk, second.pk]
    with pikepdf.open(build.file.path) as pdf:
        assert len(pdf.pages) == build.pages > build.front_pages + 5  # the author index follows the papers
        assert build.front_pages >= 2  # cover and contents
        text = _text(build.file.path)
        assert "Zoë Müller" in text and "Contents" in text and "Author index" in text
        outline = [item.title for item in pdf.open_outline().root]
    assert "Backdoors in malware detectors" in outline


def _text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.mark.django_db
def test_a_build_of_a_broken_final_pdf_fails_naming_the_paper(organizer, volume,
                                                              django_capture_on_commit_callbacks):
    first, _ = volume
    stored = first.pdf_versions.get(kind="camera_ready").file
    with open(stored.path, "wb") as handle:
        handle.write(b"%PDF-1.7 this is not a PDF any more")

    build = volume_built(organizer, django_capture_on_commit_callbacks)

    assert build.state == RunState.FAILED
    assert f"#{first.pk}" in build.error
    assert not build.file


@pytest.mark.django_db
def test_two_builds_of_the_same_volume_are_the_same_bytes(organizer, volume, django_capture_on_commit_callbacks):
    first = volume_built(organizer, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        second = volume_built(organizer, django_capture_on_commit_callbacks)

    assert first.sha256 == second.sha256
    assert first.file.read() == second.file.read()


@pytest.mark.django_db
def test_the_preface_prints_as_prose_not_markup(organizer, volume, camera_workshop,
                                                django_capture_on_commit_callbacks):
    camera_workshop.preface = "Welcome to **MLSec**, the workshop on *attacks*.\n\nThe second paragraph & more."
    camera_workshop.save()

    build = volume_built(organizer, django_capture_on_commit_callbacks)

    from pypdf import PdfReader
    front = " ".join(" ".join((page.extract_text() or "").split())
                     for page in PdfReader(build.file.path).pages[:build.front_pages])
    assert "Welcome to MLSec, the workshop on attacks." in front
    assert "The second paragraph & more." in front
    for markup in ("<p>", "&lt;", "<strong>", "**", "&amp;"):
        assert markup not in front


def _words_at(path, page_index):
    """(text, x, y) of each piece of text on one page, as pypdf reads it."""
    from pypdf import PdfReader

    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            found.append((text.strip(), x, cm[1] * tm[4] + cm[3] * tm[5] + cm[5]))

    page = PdfReader(path).pages[page_index]
    page.extract_text(visitor_text=visit)
    return found, float(page.mediabox.width)


INDEX_NAMES = [["Ada Anders", "Bea Berg", "Cem Cole", "Dan Dorn"], ["Eve Ernst", "Fay Frank", "Gus Gray", "Hal Hart",
                                                                    "Ivy Ito"]]


@pytest.mark.django_db
def test_the_author_index_reads_down_each_column_in_alphabetical_order(organizer, volume, camera_workshop, author,
                                                                       other_author,
                                                                       django_capture_on_commit_callbacks):
    first, second = volume
    for paper, names, who in ((first, INDEX_NAMES[0], author), (second, INDEX_NAMES[1], other_author)):
        camera_ready_metadata_save(submission=paper, by=who, title=paper.title, abstract="A.",
                                   authors=[PrintedAuthor(n) for n in names], workshop=camera_workshop)

    build = volume_built(organizer, django_capture_on_commit_callbacks)

    words, width = _words_at(build.file.path, build.front_pages + build.ranges[-1][1])
    names = [(" ".join(text.split()[:2]), round(x), y) for text, x, y in words
             if any(text.startswith(n) for row in INDEX_NAMES for n in row)]
    columns = sorted({x for _, x, _ in names})  # left to right
    read = [text for column in columns for text, _, _ in sorted((n for n in names if n[1] == column),
                                                                 key=lambda n: -n[2])]  # top to bottom
    assert len(columns) == 2 and columns[1] - columns[0] > width / 4
    assert read == [n for row in INDEX_NAMES for n in row]


@pytest.mark.django_db
def test_the_committee_reads_down_each_column_in_its_order(organizer, volume, django_capture_on_commit_callbacks):
    from tests.factories import RoleFactory

    names = ["Amy Adams", "Ben Brown", "Cat Clark", "Don Dahl", "Eva Eek"]
    for name in names:
        RoleFactory(user=UserFactory(full_name=name, affiliation=""), name="pc")

    build = volume_built(organizer, django_capture_on_commit_callbacks)

    from pypdf import PdfReader
    page = next(i for i, p in enumerate(PdfReader(build.file.path).pages[:build.front_pages])
                if "Program committee" in (p.extract_text() or ""))
    words, width = _words_at(build.file.path, page)
    found = [(text, round(x), y) for text, x, y in words if text in names]
    columns = sorted({x for _, x, _ in found})
    assert len(columns) == 2
    assert [t for c in columns for t, _, _ in sorted((f for f in found if f[1] == c), key=lambda f: -f[2])] == names
