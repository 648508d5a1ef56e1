"""Sample papers for the builder tests (rendered with WeasyPrint: A4 and Letter, 1 to
4 pages, one with a rotated page and one with a shifted and cropped page box), the
renderers of the front matter and the index the builder is given, and how the tests
read a written volume back (pdftotext)."""

import subprocess
from dataclasses import dataclass
from html import escape
from pathlib import Path

from weasyprint import HTML

from submissions.proceedings.builder import (
    BuiltVolume,
    IndexEntry,
    PaperEntry,
    TocEntry,
    Volume,
)

VOLUME = Volume(short_name="MLSec 2027", name="Machine Learning and Computer Security Workshop", year=2027)


HOSTILE_TITLE = "</title><script>alert(1)</script> %PDF-1.7 (\\) Backdoors"


@dataclass(frozen=True)
class Spec:
    key: str
    title: str
    authors: tuple[str, ...]
    size: str
    pages: int


SPECS = (
    Spec("alpha", "Label Flipping at Scale", ("Ada Lovelace", "Grace Hopper"), "A4", 3),
    Spec("beta", "Membership Inference in the Wild", ("Alan Turing",), "Letter", 2),
    Spec("gamma", HOSTILE_TITLE, ("Grace Hopper", "Édouard Lucas"), "A4", 1),
    Spec("delta", "Certified Robustness for Malware Detectors", ("Alan  Turing", "Ada Lovelace"), "Letter", 4),
    Spec("epsilon", "Model Stealing through Rotated Pages", ("Claude Shannon",), "A4", 2),
)


RANGES = ((1, 3), (4, 5), (6, 6), (7, 10), (11, 12))


FRONT_PAGES = 2  # the cover and the contents, as front_matter() below lays them out


A4 = (0, 0, 595.2756, 841.8898)


LETTER = (0, 0, 612, 792)


def render_paper(path: Path, spec: Spec) -> None:
    pages = []
    for number in range(1, spec.pages + 1):
        heading = f"<h1 id='top'>{escape(spec.title)}</h1>" if number == 1 else f"<h2>Section {number}</h2>"
        link = "<p><a href='#top'>Back to the title</a></p>" if number == spec.pages and spec.pages > 1 else ""
        pages.append(f"<section>{heading}<p>Page {number} of {spec.key}.</p>{link}</section>")
    css = f"@page {{ size: {spec.size}; margin: 2cm }} section + section {{ break-before: page }}"
    HTML(string=f"<style>{css}</style>{''.join(pages)}").write_pdf(path)


def paper_entries(paper_files: dict[str, Path]) -> list[PaperEntry]:
    return [PaperEntry(paper_files[s.key], s.title, s.authors, f"#{i} “{s.title[:12]}”") for i, s in enumerate(SPECS)]


def front_matter(toc: list[TocEntry]) -> str:
    rows = "".join(
        f"<p><a href='{escape(entry.href)}'>{escape(entry.title)}</a> .......... {entry.first_page}</p>"
        for entry in toc
    )
    return f"<h1>The volume's cover</h1><section style='break-before: page'><h1>Contents</h1>{rows}</section>"


def author_index(entries: list[IndexEntry], first_page: int) -> str:
    rows = "".join(
        f"<p>{escape(entry.name)}: "
        + ", ".join(f"<a href='{escape(href)}'>{page}</a>" for page, href in zip(entry.pages, entry.hrefs, strict=True))
        + "</p>"
        for entry in entries
    )
    return f"<h1>Author index (from page {first_page})</h1>{rows}"


@dataclass
class Built:
    result: BuiltVolume
    texts: list[str]  # pdftotext -layout, one string per page
    toc: list[TocEntry]
    index: list[IndexEntry]
    index_first_page: int
    progress: list[tuple[str, int, int]]


def page_texts(path: Path) -> list[str]:
    output = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True)
    return output.stdout.split("\f")[:-1]
