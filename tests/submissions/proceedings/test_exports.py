"""What the organizers hand out: the CSV, JSON and BibTeX of the accepted papers
(whatever people typed, every BibTeX entry parses back to exactly the fields
written, with the names and titles as printed), the CEUR-WS zip, single papers cut
from the volume, and the threat-model statistics."""

import csv
import io
import json
import zipfile
from datetime import timedelta
from html.parser import HTMLParser

import bibtexparser
import pikepdf
import pytest
import time_machine
from bibtexparser.middlewares import SeparateCoAuthors
from django.urls import reverse
from django.utils import timezone
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from submissions.models import Submission
from submissions.proceedings.exports import AcceptedPaper, VolumeNames, bibtex_paper, bibtex_volume, tex_url
from tests.submissions.proceedings.conftest import volume_built, volume_published
from workshop.models import VocabularyTerm

PAYLOADS = [
    "}},title={\\input{/etc/passwd}},x={",
    "\\immediate\\write18{touch /tmp/pwned}",
    "x}\n@misc{evil, title={y",
    "100% {unbalanced",
    'a "quoted" #hash ~tilde $dollar ^caret _under & amp',
    "Zoë Müller\u202e fdp.exe",
]


def _decode(latex: str) -> str:
    """LaTeX back to text, knowing the commands our writer uses for specials."""
    context = get_default_latex_context_db()
    context.add_context_category("writer", prepend=True, macros=[
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciicircum", "^"), MacroTextSpec("textasciitilde", "~")])
    return LatexNodes2Text(latex_context=context).latex_to_text(latex)


def _as_printed(text: str) -> str:
    """What an entry should say: one line, no invisible formatting characters."""
    return " ".join(text.replace("\u202e", "").split())


def _entry(text: str):
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors()])
    assert library.failed_blocks == [] and len(library.comments) == 0
    assert len(library.entries) == 1
    return library.entries[0]


def _paper(payload: str, **changes) -> AcceptedPaper:
    values = {"number": 3, "title": payload, "abstract": payload, "topics": [payload], "threat": {},
              "authors": [{"name": "Ada Lovelace"}, {"name": f"Ada {payload}"}, {"name": payload},
                          {"name": "Eve and Bob Lovelace, Jr"}],
              "code_url": f"https://x.example/{payload}", "session": payload, "pages": (4, 9)}
    return AcceptedPaper(**{**values, **changes})


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_paper_entry_has_exactly_its_fields_whatever_they_say(payload):
    volume = VolumeNames(name=f"Workshop {payload}", acronym='ML"Sec', year=2027)

    entry = _entry(bibtex_paper(volume, _paper(payload)))

    assert entry.entry_type == "inproceedings"
    assert entry.key == "MLSec2027-Lovelace3"
    assert [f.key for f in entry.fields] == ["author", "title", "booktitle", "year", "pages", "note"]
    assert _decode(entry["title"]) == _as_printed(payload)
    assert len(entry["author"]) == 4  # neither "and" nor a comma inside a name makes another author
    assert _decode(entry["booktitle"]) == _as_printed(f'Proceedings of the Workshop {payload} (ML"Sec 2027)')
    assert (entry["year"], entry["pages"]) == ("2027", "4--9")
    assert entry["note"] == f"Code: \\url{{{tex_url(f'https://x.example/{payload}')}}}"
    assert not set("{}\\ ") & set(entry["note"].removeprefix("Code: \\url{").removesuffix("}"))


def _family_first(name: str) -> str:
    words = _as_printed(name).split()
    return f"{words[-1]}, {' '.join(words[:-1])}" if len(words) > 1 else words[0]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_author_names_come_back_as_printed(payload):
    """The last word is the family name; a comma or "and" inside a part stays in it."""
    paper = _paper(payload)

    entry = _entry(bibtex_paper(VolumeNames(name="W", acronym="MLSec", year=2027), paper))

    assert [_decode(name) for name in entry["author"]] == [_family_first(a["name"]) for a in paper.authors]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_volume_entry_has_exactly_title_editors_and_year(payload):
    volume = VolumeNames(name=payload, acronym="MLSec", year=2027)

    library = bibtexparser.parse_string(bibtex_volume(volume, [_paper(payload)], [f"Carol {payload}", "Dana Deputy"]),
                                        append_middleware=[SeparateCoAuthors()])

    assert library.failed_blocks == []
    assert [(e.entry_type, e.key) for e in library.entries] == [("proceedings", "MLSec2027"),
                                                                ("inproceedings", "MLSec2027-Lovelace3")]
    volume_entry = library.entries[0]
    assert [f.key for f in volume_entry.fields] == ["title", "editor", "year"]
    assert _decode(volume_entry["title"]) == _as_printed(f"Proceedings of the {payload} (MLSec 2027)")
    assert len(volume_entry["editor"]) == 2 and _decode(volume_entry["editor"][1]) == "Deputy, Dana"


def test_a_paper_without_pages_or_code_has_no_such_fields():
    entry = _entry(bibtex_paper(VolumeNames(name="W", acronym="MLSec", year=2027),
                                _paper("Plain", code_url="", pages=None, authors=[{"name": "  "}])))

    assert [f.key for f in entry.fields] == ["author", "title", "booktitle", "year"]
    assert entry.key == "MLSec2027-anon3" and entry["author"] == []


@pytest.mark.parametrize(("url", "written"), [
    ("https://github.com/lakeside/backdoors", "https://github.com/lakeside/backdoors"),
    ("https://x.example/}},title={\\input{/etc/passwd}},x={",
     "https://x.example/%7D%7D,title=%7B%5Cinput%7B/etc/passwd%7D%7D,x=%7B"),
    ("https://x.example/a b\\c^|`<>\"", "https://x.example/a%20b%5Cc%5E%7C%60%3C%3E%22"),
    ("https://x.example/100%", "https://x.example/100%25"),
    ("https://x.example/%7Bkept%7d?q=a&r=b_c~d#top", "https://x.example/%7Bkept%7d?q=a&r=b_c~d#top"),
    ("https://例え.jp/ä", "https://%E4%BE%8B%E3%81%88.jp/%C3%A4"),
])
def test_a_url_is_percent_encoded_for_tex(url, written):
    assert tex_url(url) == written


def test_a_one_page_paper_has_one_page_number_not_a_range():
    volume = VolumeNames(name="W", acronym="MLSec", year=2027)

    one_page = _entry(bibtex_paper(volume, _paper("Short", pages=(3, 3))))
    longer = _entry(bibtex_paper(volume, _paper("Long", pages=(4, 9))))

    assert (one_page["pages"], longer["pages"]) == ("3", "4--9")


def test_the_table_leaves_orcids_and_affiliations_empty_when_no_author_has_one():
    from submissions.proceedings.exports import papers_table

    header, rows = papers_table([
        _paper("None", authors=[{"name": "Ada Lovelace", "affiliation": "", "orcid": ""}, {"name": "Bob Babbage"}]),
        _paper("Some", pages=(3, 3), authors=[
            {"name": "Ada Lovelace", "orcid": ""},
            {"name": "Bob Babbage", "affiliation": "Hillside", "orcid": "0000-0002-1825-0097"}]),
    ])
    column = {name: header.index(name) for name in ("authors", "affiliations", "orcids", "pages")}

    assert [rows[0][column[c]] for c in column] == ["Ada Lovelace; Bob Babbage", "", "", "4-9"]
    assert rows[1][column["pages"]] == "3"  # a one-page paper, as in the BibTeX
    # where some author has one, the column keeps one place per author, in the authors' order
    assert [rows[1][column[c]] for c in ("affiliations", "orcids")] == ["; Hillside", "; 0000-0002-1825-0097"]


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
    volume_built(organizer, django_capture_on_commit_callbacks)
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
    volume_built(organizer, django_capture_on_commit_callbacks)
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

    from submissions.proceedings.exports import threat_statistics
    chair_view = threat_statistics(user=chair)
    organizer_view = threat_statistics(user=organizer)

    goal = {row["value"]: row for row in chair_view["goal"]["rows"]}[evasion.label]
    assert (goal["submitted"], goal["accepted"], goal["rate"]) == (2, 1, 0.5)
    assert chair_view["papers"] == {"submitted": 4, "accepted": 2, "complete_view": True}
    assert organizer_view["papers"]["submitted"] == 2  # organizers see the accepted papers only
    page = client_for(organizer).get(reverse("proceedings_statistics")).content.decode()
    assert "<svg" in page and evasion.label in page


@pytest.mark.django_db
def test_a_downloaded_paper_and_the_ceur_zip_are_the_same_bytes_every_time(client, client_for, organizer, volume,
                                                                           camera_workshop,
                                                                           django_capture_on_commit_callbacks):
    first, _ = volume
    volume_published(organizer, django_capture_on_commit_callbacks, camera_workshop)
    url, ceur = reverse("program_paper_pdf", args=[first.pk]), reverse("proceedings_export", args=["ceur.zip"])
    manager = client_for(organizer)

    paper_now, zip_now = client.get(url).content, manager.get(ceur).content
    with time_machine.travel(timezone.now() + timedelta(days=3, hours=5)):
        paper_later, zip_later = client.get(url).content, manager.get(ceur).content

    assert paper_now == paper_later
    assert zip_now == zip_later
