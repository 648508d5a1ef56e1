"""BibTeX of the volume: whatever people typed, every entry parses back to
exactly its own fields with exactly their values (no field closed early, no
LaTeX command smuggled in), read the way reference managers read it."""

import bibtexparser
import pytest
from bibtexparser.middlewares import SeparateCoAuthors
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from submissions.exports import AcceptedPaper, VolumeNames, bibtex_paper, bibtex_volume, tex_url

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
    from submissions.exports import papers_table

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
