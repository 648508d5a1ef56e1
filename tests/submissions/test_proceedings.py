"""The organizers' pages: status, order, builds (the Celery task), exports,
statistics, and the public program."""

import csv
import html
import importlib
import io
import json
import re
import zipfile
from datetime import timedelta
from html.parser import HTMLParser

import bibtexparser
import pikepdf
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pylatexenc.latex2text import LatexNodes2Text

from submissions.models import BuildStatus, CameraReady, Conflict, ProceedingsBuild, Submission
from submissions.services import (
    PrintedAuthor,
    build_publish,
    build_start,
    camera_ready_metadata_save,
    camera_ready_upload,
    licence_accept,
)
from tests.factories import SubmissionFactory, UserFactory
from tests.leaks.two_worlds import normalise
from tests.submissions import pdf_corpus
from tests.submissions.conftest import accept
from tests.workshop.test_http import saved_as
from workshop.errors import Refused
from workshop.models import VocabularyTerm, Workshop


def _ready(paper, workshop, *, pages=2, authors=None, title=None):
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
    first = _ready(accept(SubmissionFactory(created_by=author, title="Backdoors in malware detectors")),
                   camera_workshop, pages=2,
                   authors=[PrintedAuthor("Zoë Müller", "ETH Zürich"), PrintedAuthor("Alice Author")])
    second = _ready(accept(SubmissionFactory(created_by=other_author, title="=cmd|' /C calc'!A0 robustness")),
                    camera_workshop, pages=3)
    accept(SubmissionFactory(created_by=author, title="A rejected paper"), "Reject")
    hidden = accept(SubmissionFactory(created_by=author, title="An embargoed acceptance"))
    Submission.objects.filter(pk=hidden.pk).update(decision_released_at=None, released_outcome=None)
    CameraReady.objects.filter(submission=first).update(position=1)
    CameraReady.objects.filter(submission=second).update(position=2)
    return first, second


def _built(organizer, capture):
    with capture(execute=True):
        build = build_start(by=organizer)
    build.refresh_from_db()
    return build


# --- Who may -----------------------------------------------------------------------------------


PROCEEDINGS_URLS = ["volume_order", "proceedings_statistics"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["proceedings", *PROCEEDINGS_URLS])
def test_organizers_and_chairs_without_conflicts_run_the_proceedings(client_for, organizer, chair, pc_member,
                                                                      author, name, volume):
    url = reverse(name)

    assert client_for(organizer).get(url).status_code == 200
    assert client_for(chair).get(url).status_code == 200
    assert client_for(pc_member).get(url).status_code == 404
    assert client_for(author).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


@pytest.mark.django_db
def test_a_chair_with_a_conflict_leaves_the_proceedings_to_the_organizers(client_for, chair, volume, author,
                                                                           camera_workshop):
    rejected = Submission.objects.get(title="A rejected paper")
    Conflict.objects.create(submission=rejected, user=chair, reason="advisor", source="author")
    client = client_for(chair)

    home = client.get(reverse("proceedings")).content.decode()

    assert "the organizers prepare it" in home
    assert "Backdoors in malware detectors" not in home
    for name in PROCEEDINGS_URLS:
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("proceedings_export", args=["papers.csv"])).status_code == 404
    with pytest.raises(Refused):
        build_start(by=chair)


@pytest.mark.django_db
def test_the_status_page_lists_accepted_released_papers_only(client_for, organizer, volume):
    page = client_for(organizer).get(reverse("proceedings")).content.decode()

    assert "Backdoors in malware detectors" in page
    assert "A rejected paper" not in page and "An embargoed acceptance" not in page
    assert "<strong>2</strong> of <strong>2</strong>" in page


@pytest.mark.django_db
def test_the_status_page_costs_the_same_queries_for_3_or_12_papers(client_for, organizer, camera_workshop,
                                                                   author, django_assert_max_num_queries):
    client = client_for(organizer)
    for _ in range(3):
        accept(SubmissionFactory(created_by=author))
    client.get(reverse("proceedings"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("proceedings"))
    for _ in range(9):
        accept(SubmissionFactory(created_by=author))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("proceedings"))


# --- Order and builds ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_order_page_sets_positions_and_sessions(client_for, organizer, volume):
    first, second = volume

    client_for(organizer).post(reverse("volume_order"), {
        f"position-{first.pk}": "2", f"session-{first.pk}": "Poisoning",
        f"position-{second.pk}": "1", f"session-{second.pk}": "Robustness",
        "position-999": "1"})  # a tampered number is ignored

    from submissions import selectors
    assert [s.submission.pk for s in selectors.camera_ready_statuses()] == [second.pk, first.pk]
    assert CameraReady.objects.get(submission=first).session == "Poisoning"


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

    build = _built(organizer, django_capture_on_commit_callbacks)

    assert build.status == BuildStatus.DONE, build.message
    assert (build.stage, build.done, build.total) == ("Done", 2, 2)
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

    build = _built(organizer, django_capture_on_commit_callbacks)

    assert build.status == BuildStatus.FAILED
    assert f"#{first.pk}" in build.message
    assert not build.file


@pytest.mark.django_db
def test_the_build_page_polls_while_running_and_refreshes_when_done(client_for, organizer, volume):
    build = build_start(by=organizer)  # no worker ran it yet
    client = client_for(organizer)

    fragment = client.get(reverse("build_detail", args=[build.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in fragment.content.decode() and "<progress" in fragment.content.decode()

    ProceedingsBuild.objects.filter(pk=build.pk).update(status=BuildStatus.FAILED, message="Broken")
    done = client.get(reverse("build_detail", args=[build.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "Broken" in client.get(reverse("build_detail", args=[build.pk])).content.decode()


@pytest.mark.django_db
def test_the_volume_downloads_and_publishes(client_for, organizer, volume, camera_workshop,
                                            django_capture_on_commit_callbacks):
    build = _built(organizer, django_capture_on_commit_callbacks)
    client = client_for(organizer)

    download = client.get(reverse("build_download", args=[build.pk]))
    client.post(reverse("build_publish", args=[build.pk]), {"confirm": "yes"})

    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert ProceedingsBuild.objects.get(pk=build.pk).published_at is not None


# --- Exports --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_csv_lists_accepted_papers_with_formulas_defused(client_for, organizer, volume):
    response = client_for(organizer).get(reverse("proceedings_export", args=["papers.csv"]))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["title"] for r in rows] == ["Backdoors in malware detectors", "'=cmd|' /C calc'!A0 robustness"]
    assert rows[0]["authors"] == "Zoë Müller; Alice Author"
    assert rows[0]["affiliations"] == "ETH Zürich; "


@pytest.mark.django_db
def test_the_json_has_papers_and_statistics(client_for, organizer, volume):
    data = json.loads(client_for(organizer).get(reverse("proceedings_export", args=["papers.json"])).content)

    assert [p["title"] for p in data["papers"]] == ["Backdoors in malware detectors",
                                                   "=cmd|' /C calc'!A0 robustness"]
    assert data["threat_model_statistics"]["papers"]["accepted"] == 2


@pytest.mark.django_db
def test_the_bibtex_parses_back_to_the_same_names_and_titles(client_for, organizer, volume, camera_workshop,
                                                             django_capture_on_commit_callbacks):
    _built(organizer, django_capture_on_commit_callbacks)
    text = client_for(organizer).get(reverse("proceedings_export", args=["volume.bib"])).content.decode()

    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    entries = {e.entry_type: e for e in library.entries}
    paper = [e for e in library.entries if e.entry_type == "inproceedings"][0]
    decode = LatexNodes2Text().latex_to_text
    assert decode(paper["author"]) == "Müller, Zoë and Author, Alice"
    assert decode(paper["title"]) == "Backdoors in malware detectors"
    assert paper["pages"] == "1--2"
    assert "proceedings" in entries


@pytest.mark.django_db
def test_the_ceur_zip_has_an_index_and_each_paper_cut_from_the_volume(client_for, organizer, chair, volume,
                                                                     camera_workshop,
                                                                     django_capture_on_commit_callbacks):
    _built(organizer, django_capture_on_commit_callbacks)
    response = client_for(organizer).get(reverse("proceedings_export", args=["ceur.zip"]))

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    index = archive.read("index.html").decode()
    spans = _ceur_spans(index)
    assert spans["CEURTITLE"] == ["Backdoors in malware detectors", "=cmd|' /C calc'!A0 robustness"]
    assert spans["CEURAUTHOR"][:2] == ["Zoë Müller", "Alice Author"]
    assert spans["CEURPAGES"] == ["1-2", "3-5"]
    assert spans["CEURVOLEDITOR"] == [chair.full_name]
    assert spans["CEURVOLACRONYM"] == [f"{camera_workshop.acronym} {camera_workshop.year}"]
    with pikepdf.open(io.BytesIO(archive.read("paper2.pdf"))) as pdf:
        assert len(pdf.pages) == 3


def _ceur_spans(html: str) -> dict[str, list[str]]:
    class Spans(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found, self.current = {}, None

        def handle_starttag(self, tag, attrs):
            css = dict(attrs).get("class", "")
            if tag == "span" and css.startswith("CEUR"):
                self.current = css
                self.found.setdefault(css, []).append("")

        def handle_endtag(self, tag):
            if tag == "span":
                self.current = None

        def handle_data(self, data):
            if self.current:
                self.found[self.current][-1] += data

    parser = Spans()
    parser.feed(html)
    return {key: [v.strip() for v in values] for key, values in parser.found.items()}


@pytest.mark.django_db
def test_the_ceur_zip_asks_for_a_build_first(client_for, organizer, volume):
    response = client_for(organizer).get(reverse("proceedings_export", args=["ceur.zip"]), follow=True)

    assert "Build the volume first" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_export_is_a_404(client_for, organizer, volume):
    assert client_for(organizer).get(reverse("proceedings_export", args=["secrets.tar"])).status_code == 404


# --- Statistics --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_statistics_count_submitted_and_accepted_by_threat_model(client_for, chair, organizer, volume):
    first, second = volume
    evasion = VocabularyTerm.objects.filter(kind="goal").first()
    for paper in (first, Submission.objects.get(title="A rejected paper")):
        paper.threat_terms.add(evasion)
    from submissions.models import PdfKind, PdfVersion
    for paper in Submission.objects.all():
        PdfVersion.objects.create(submission=paper, kind=PdfKind.SUBMISSION, file="pdf/x.pdf", original_name="x",
                                  sha256="0" * 64, size=1, page_count=1, uploaded_by=paper.created_by)

    from submissions.exports import threat_statistics
    chair_view = threat_statistics(user=chair)
    organizer_view = threat_statistics(user=organizer)

    goal = {row["value"]: row for row in chair_view["goal"]["rows"]}[evasion.label]
    assert (goal["submitted"], goal["accepted"], goal["rate"]) == (2, 1, 0.5)
    assert chair_view["papers"] == {"submitted": 4, "accepted": 2, "complete_view": True}
    assert organizer_view["papers"]["submitted"] == 2  # organizers see the accepted papers only
    page = client_for(organizer).get(reverse("proceedings_statistics")).content.decode()
    assert "<svg" in page and evasion.label in page


# --- The public program -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_program_is_public_only_once_published(client, organizer, volume, camera_workshop,
                                                   django_capture_on_commit_callbacks):
    build = _built(organizer, django_capture_on_commit_callbacks)
    build_publish(build=build, by=organizer)
    first, _ = volume

    assert client.get(reverse("program")).status_code == 404
    assert client.get(reverse("program_paper_pdf", args=[first.pk])).status_code == 404

    camera_workshop.program_published = True
    camera_workshop.save()
    page = client.get(reverse("program")).content.decode()
    pdf = client.get(reverse("program_paper_pdf", args=[first.pk]))

    assert "Backdoors in malware detectors" in page and "Zoë Müller" in page
    assert "A rejected paper" not in page and "An embargoed acceptance" not in page
    with pikepdf.open(io.BytesIO(pdf.content)) as paper:
        assert len(paper.pages) == 2
    embargoed = Submission.objects.get(title="An embargoed acceptance")
    assert client.get(reverse("program_paper_pdf", args=[embargoed.pk])).status_code == 404


@pytest.mark.django_db
def test_before_any_publication_the_program_says_it_is_not_published(client, organizer, volume, camera_workshop,
                                                                      django_capture_on_commit_callbacks):
    camera_workshop.program_published = True
    camera_workshop.save()
    first, _ = volume
    _built(organizer, django_capture_on_commit_callbacks)  # built, not published

    page = client.get(reverse("program"))

    assert page.status_code == 200
    assert "The program is not published yet." in page.content.decode()
    assert "Backdoors in malware detectors" not in page.content.decode()
    assert client.get(reverse("program_volume_pdf")).status_code == 404
    assert client.get(reverse("program_paper_pdf", args=[first.pk])).status_code == 404


def _published(organizer, capture, workshop):
    build = _built(organizer, capture)
    build_publish(build=build, by=organizer)
    workshop.program_published = True
    workshop.save()
    return build


@pytest.mark.django_db
def test_the_program_shows_the_published_volume_not_what_changed_since(client, organizer, author, volume,
                                                                       camera_workshop,
                                                                       django_capture_on_commit_callbacks):
    first, second = volume
    _published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    before = client.get(reverse("program")).content.decode()
    camera_ready_metadata_save(submission=first, by=author, title="A new camera-ready title", abstract="New.",
                               authors=[PrintedAuthor("Newly Printed")], workshop=camera_workshop)
    CameraReady.objects.filter(submission=first).update(session="A later session", position=3)
    Submission.objects.filter(pk=second.pk).update(artifact_url="https://code.example/later")
    late = _ready(accept(SubmissionFactory(created_by=author, title="Accepted after publication")), camera_workshop)

    after = client.get(reverse("program")).content.decode()

    assert normalise(after, html=True) == normalise(before, html=True)
    for later in ("A new camera-ready title", "Newly Printed", "A later session", "code.example/later",
                  "Accepted after publication", f"#{late.pk}"):
        assert later not in after
    assert client.get(reverse("program_paper_pdf", args=[late.pk])).status_code == 404

    _published(organizer, django_capture_on_commit_callbacks, camera_workshop)  # the next publication
    republished = client.get(reverse("program")).content.decode()
    assert "A new camera-ready title" in republished and "Accepted after publication" in republished


@pytest.mark.django_db
def test_the_program_pages_follow_the_volume_they_were_cut_from(client, organizer, volume, camera_workshop,
                                                                django_capture_on_commit_callbacks):
    first, second = volume
    _published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    CameraReady.objects.filter(submission=first).update(position=2)  # reordered after publication
    CameraReady.objects.filter(submission=second).update(position=1)

    page = client.get(reverse("program")).content.decode()

    assert page.index("Backdoors in malware detectors") < page.index("calc&#x27;!A0 robustness")
    assert "pages 1–2" in page and "pages 3–5" in page
    for paper, pages in ((first, 2), (second, 3)):
        with pikepdf.open(io.BytesIO(client.get(reverse("program_paper_pdf", args=[paper.pk])).content)) as pdf:
            assert len(pdf.pages) == pages
    entries = [bibtexparser.parse_string(html.unescape(text)).entries[0]
               for text in re.findall(r'<pre class="bibtex">(.*?)</pre>', page, re.S)]
    assert [e["pages"] for e in entries] == ["1--2", "3--5"]


@pytest.mark.django_db
def test_a_build_published_before_snapshots_gets_one_of_the_data_it_showed(client, organizer, volume,
                                                                           camera_workshop,
                                                                           django_capture_on_commit_callbacks):
    from django.apps import apps

    first, second = volume
    build = _published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    ProceedingsBuild.objects.filter(pk=build.pk).update(program=None)  # as the migration finds it
    assert "The program is not published yet." in client.get(reverse("program")).content.decode()

    importlib.import_module("submissions.migrations.0008_snapshot_published_builds").snapshot_published_builds(
        apps, None)

    page = client.get(reverse("program")).content.decode()
    assert "Backdoors in malware detectors" in page and "Zoë Müller" in page and "pages 3–5" in page
    assert len(pikepdf.open(io.BytesIO(client.get(reverse("program_paper_pdf", args=[second.pk])).content)).pages) \
        == 3


@pytest.mark.django_db
def test_a_build_from_before_snapshots_cannot_be_published_and_says_why(client_for, organizer, volume,
                                                                         django_capture_on_commit_callbacks):
    build = _built(organizer, django_capture_on_commit_callbacks)
    ProceedingsBuild.objects.filter(pk=build.pk).update(program=None)

    response = client_for(organizer).post(reverse("build_publish", args=[build.pk]), {"confirm": "yes"})

    assert "build the volume again and publish the new build" in response.content.decode()
    assert ProceedingsBuild.objects.get(pk=build.pk).published_at is None


@pytest.mark.django_db
def test_a_downloaded_paper_and_the_ceur_zip_are_the_same_bytes_every_time(client, client_for, organizer, volume,
                                                                           camera_workshop,
                                                                           django_capture_on_commit_callbacks):
    first, _ = volume
    _published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    url, ceur = reverse("program_paper_pdf", args=[first.pk]), reverse("proceedings_export", args=["ceur.zip"])
    manager = client_for(organizer)

    paper_now, zip_now = client.get(url).content, manager.get(ceur).content
    with time_machine.travel(timezone.now() + timedelta(days=3, hours=5)):
        paper_later, zip_later = client.get(url).content, manager.get(ceur).content

    assert paper_now == paper_later
    assert zip_now == zip_later


# Acronyms saved before the validator (a quote, a sign beyond ASCII, a right-to-left override) and their file names.
BAD_ACRONYMS = [('ML"Sec', "ML-Sec"), ("MLSec€", "MLSec€"), ("ML\u202eSec", "MLSec")]


@pytest.mark.django_db
@pytest.mark.parametrize(("acronym", "shown"), BAD_ACRONYMS)
def test_every_proceedings_download_has_a_safe_file_name(client, client_for, organizer, author, volume,
                                                        camera_workshop, django_capture_on_commit_callbacks,
                                                        acronym, shown):
    first, _ = volume
    Workshop.objects.update(acronym=acronym)  # an old row, from before the validator
    camera_workshop.refresh_from_db()
    build = _published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    version = first.pdf_versions.get(kind="camera_ready")
    stem = f"{shown}-{camera_workshop.year}"
    manager = client_for(organizer)
    downloads = {
        (manager, reverse("build_download", args=[build.pk])):
            ("attachment", f"{stem}-proceedings-build{build.pk}.pdf"),
        **{(manager, reverse("proceedings_export", args=[kind])): ("attachment", f"{stem}{suffix}")
           for kind, suffix in (("papers.csv", "-accepted.csv"), ("papers.json", "-accepted.json"),
                                ("volume.bib", ".bib"), ("ceur.zip", "-ceur.zip"))},
        (client, reverse("program_volume_pdf")): ("inline", f"{stem}-proceedings.pdf"),
        (client, reverse("program_paper_pdf", args=[first.pk])): ("inline", f"{stem}-paper{first.pk}.pdf"),
        (client_for(author), reverse("camera_ready_pdf", args=[first.pk, version.pk])):
            ("attachment", f"{stem}-camera-ready-{first.pk}-{version.uploaded_at:%Y%m%d-%H%M%S}.pdf"),
    }

    for (who, url), expected in downloads.items():
        response = who.get(url)
        assert response.status_code == 200, url
        assert saved_as(response) == expected, url


@pytest.mark.django_db
def test_a_nobody_cannot_tell_a_build_from_a_missing_one(client_for, volume, organizer,
                                                         django_capture_on_commit_callbacks):
    build = _built(organizer, django_capture_on_commit_callbacks)
    stranger = client_for(UserFactory())

    for name in ("build_detail", "build_download"):
        assert stranger.get(reverse(name, args=[build.pk])).status_code == 404
        assert stranger.get(reverse(name, args=[build.pk + 50])).status_code == 404


@pytest.mark.django_db
def test_two_builds_of_the_same_volume_are_the_same_bytes(organizer, volume, django_capture_on_commit_callbacks):
    first = _built(organizer, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        second = _built(organizer, django_capture_on_commit_callbacks)

    assert first.sha256 == second.sha256
    assert first.file.read() == second.file.read()


@pytest.mark.django_db
def test_the_preface_prints_as_prose_not_markup(organizer, volume, camera_workshop,
                                                django_capture_on_commit_callbacks):
    camera_workshop.preface = "Welcome to **MLSec**, the workshop on *attacks*.\n\nThe second paragraph & more."
    camera_workshop.save()

    build = _built(organizer, django_capture_on_commit_callbacks)

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

    build = _built(organizer, django_capture_on_commit_callbacks)

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

    build = _built(organizer, django_capture_on_commit_callbacks)

    from pypdf import PdfReader
    page = next(i for i, p in enumerate(PdfReader(build.file.path).pages[:build.front_pages])
                if "Program committee" in (p.extract_text() or ""))
    words, width = _words_at(build.file.path, page)
    found = [(text, round(x), y) for text, x, y in words if text in names]
    columns = sorted({x for _, x, _ in found})
    assert len(columns) == 2
    assert [t for c in columns for t, _, _ in sorted((f for f in found if f[1] == c), key=lambda f: -f[2])] == names


@pytest.mark.django_db
def test_the_volume_groups_sessions_in_the_organizers_order_so_pages_run_up(client, organizer, author, volume,
                                                                          camera_workshop,
                                                                          django_capture_on_commit_callbacks):
    first, second = volume
    third = _ready(accept(SubmissionFactory(created_by=author, title="Evasion at scale")), camera_workshop)
    for paper, position, session in ((first, 1, "Poisoning"), (second, 2, "Robustness"), (third, 3, "Poisoning")):
        CameraReady.objects.filter(submission=paper).update(position=position, session=session)

    build = _published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    page = client.get(reverse("program")).content.decode()

    assert build.papers == [first.pk, third.pk, second.pk]  # a session's papers together, sessions as they first come
    assert build.ranges == [[1, 2], [3, 4], [5, 7]]
    headings = re.findall(r'<h2 id="session-\d+">(.*?)</h2>', page)
    assert headings == ["Poisoning", "Robustness"]
    assert re.findall(r"pages? (\d+)", page) == ["1", "3", "5"]  # the program's pages run up as well
    from submissions import selectors
    assert [s.submission.pk for s in selectors.camera_ready_statuses()] == build.papers  # the order page too


@pytest.mark.django_db
def test_without_sessions_the_program_lists_the_papers_in_volume_order(client, organizer, author, volume,
                                                                       camera_workshop,
                                                                       django_capture_on_commit_callbacks):
    from workshop.models import Topic

    first, second = volume
    third = _ready(accept(SubmissionFactory(created_by=author, title="Evasion at scale")), camera_workshop)
    CameraReady.objects.filter(submission=third).update(position=3)
    topics = list(Topic.objects.order_by("position")[:2])
    for paper, topic in ((first, topics[1]), (second, topics[0]), (third, topics[1])):
        paper.topics.set([topic])  # grouped by topic, #3 would move before #2 and the pages would jump

    _published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    page = client.get(reverse("program")).content.decode()

    assert re.findall(r"pages? (\d+)", page) == ["1", "3", "6"]
