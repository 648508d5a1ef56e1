"""Build the proceedings volume: the accepted papers merged into one PDF.

The caller (a Celery task) gives the camera-ready PDFs in order and two
functions that render the front matter (cover, preface, committees, table of
contents) and the author index to HTML with its own templates. `build_volume`
opens every paper with qpdf (through pikepdf), stamps each paper page with a
footer, renders the two HTML documents with WeasyPrint, merges everything and
writes the volume next to `out` before renaming it into place.

Page numbers: the papers are numbered from 1 in the given order, the front
matter before them in lower-case roman numerals, the author index after them
continuing the arabic numbers; /PageLabels make viewers show the same.

Drafts (`draft=True`), for proof-reading before every paper is in: a paper
without its PDF gets a placeholder page, and every page of the volume carries
"DRAFT, not for publication" at its top and a faint DRAFT across it (15%
opacity, drawn after the page so nothing hides it).

Links: the front matter and the index link to volume pages with the hrefs
given to them (`volume-page:12`), which become internal GoTo links to that page
of the merged volume. Links inside a paper or inside the front matter that go to
a named destination are resolved to the page itself, since the merged volume
does not carry over each document's table of names.

Memory: qpdf copies the structure of each page into the volume but reads the
stream data (text, fonts, images) from the paper's file only while writing, so
the papers stay open until then and their bytes are never all in memory at once.

Stamps are a few hundred bytes of content stream per page in a standard font
(Helvetica, WinAnsi), drawn after the page's own content, which is wrapped in
q/Q so it cannot shift or recolour them. Everything that comes from people (the
volume's names, paper titles, author names) goes into stamps as hex strings and
into bookmarks as PDF text strings: never as markup or PDF syntax.

WeasyPrint may fetch nothing: its URL fetcher serves `data:` URLs and refuses
every other URL (files, HTTP, anything), logging each refusal (logger
`submissions.proceedings`).

Free of Django imports (import-linter keeps it so).
"""

from __future__ import annotations

import base64
import errno
import hashlib
import html
import io
import logging
import math
import os
import re
import resource
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pikepdf
from pikepdf import Array, Dictionary, Name
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("submissions.proceedings")

PAGE_HREF = "volume-page:"

STAGE_STAMPING = "Stamping papers"
STAGE_FRONT_MATTER = "Front matter"
STAGE_WRITING = "Writing the volume"

_FONT_KEY = "/MLSecStamp"
_FOOTER_SIZE = 8.0
_MIN_SIZE = 5.0
_MARGIN = 54.0  # points from the left and right edge of the visible page (0.75 in)
_FOOTER_BASELINE = 22.0  # points above the bottom edge
_LINE_GAP = 11.0  # from the footer's baseline up to the "Proceedings of ..." line's
_HASH_CHUNK = 1024 * 1024
_DRAFT_SIZE = 110.0  # the faint DRAFT across a draft's pages, smaller on narrow pages


# --- the API --------------------------------------------------------------------


@dataclass(frozen=True)
class PaperEntry:
    pdf: Path | None  # the camera-ready PDF on disk; None in a draft: a placeholder page stands in
    title: str
    authors: tuple[str, ...]  # names as printed
    label: str  # how a failure names it to the organizer, e.g. "#12 “Poisoning…”"


@dataclass(frozen=True)
class TocEntry:
    """One paper in the table of contents; `href` links to its first page."""

    title: str
    authors: tuple[str, ...]
    first_page: int
    last_page: int
    href: str


@dataclass(frozen=True)
class IndexEntry:
    """One author in the author index: the first pages of their papers, ascending."""

    name: str
    pages: tuple[int, ...]
    hrefs: tuple[str, ...]


@dataclass(frozen=True)
class Volume:
    short_name: str  # "MLSec 2027": the footer of every paper page
    name: str  # "Machine Learning and Computer Security Workshop"
    year: int


@dataclass(frozen=True)
class BuiltVolume:
    path: Path
    sha256: str
    pages: int
    front_pages: int
    ranges: tuple[tuple[int, int], ...]  # (first, last) page of each paper, in order, numbered from 1


class VolumeError(Exception):
    """Why the volume could not be built, worded for the organizer; `paper` is the label of the paper at fault."""

    def __init__(self, message: str, *, paper: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.paper = paper


def page_href(page: int) -> str:
    """The href that links the front matter or the index to arabic page `page` of the volume."""
    return f"{PAGE_HREF}{page}"


Progress = Callable[[str, int, int], None]


def build_volume(
    *,
    papers: Sequence[PaperEntry],
    volume: Volume,
    front_matter: Callable[[list[TocEntry]], str],
    author_index: Callable[[list[IndexEntry], int], str],
    out: Path,
    progress: Progress | None = None,
    draft: bool = False,
) -> BuiltVolume:
    """Merge `papers` into one volume at `out` (replaced only once the new one is complete).

    A `draft` is for proof-reading: every page carries "DRAFT, not for publication"
    (and a large faint DRAFT across it), and a paper without its PDF gets a placeholder
    page; without `draft` every paper needs its PDF.

    `progress(stage, done, total)` is called once per paper while stamping, after
    the front matter and after the author index ("Front matter", of 2), and as the
    file is written ("Writing the volume", percent of 100, ending at 100).
    Raises `VolumeError` when a paper cannot be read or the volume cannot be
    rendered or written; no file is left behind then.
    """
    if not papers:
        raise VolumeError("There are no papers to put in the volume.")
    missing = next((paper for paper in papers if paper.pdf is None), None)
    if missing is not None and not draft:
        raise VolumeError(f"The final PDF of {missing.label} is missing; only a draft stands a placeholder in for it.",
                          paper=missing.label)
    out = Path(out)
    report: Progress = progress or _ignore
    _allow_open_files(len(papers) + _SPARE_FILES)
    opened: list[pikepdf.Pdf] = []
    merged = pikepdf.new()
    try:
        stamper = _Stamper(merged, volume)
        ranges: list[tuple[int, int]] = []
        versions = [merged.pdf_version]
        for done, paper in enumerate(papers, start=1):
            source = _placeholder(paper) if paper.pdf is None else _open_paper(paper)
            opened.append(source)
            versions.append(source.pdf_version)
            first = ranges[-1][1] + 1 if ranges else 1
            _append_paper(merged, source, paper, stamper, first)
            ranges.append((first, first + len(source.pages) - 1))
            report(STAGE_STAMPING, done, len(papers))

        paper_pages = ranges[-1][1]
        toc = [
            TocEntry(paper.title, tuple(paper.authors), first, last, page_href(first))
            for paper, (first, last) in zip(papers, ranges, strict=True)
        ]
        front = _render(front_matter(toc), what="front matter")
        opened.append(front)
        report(STAGE_FRONT_MATTER, 1, 2)
        index = _render(author_index(_index_entries(papers, ranges), paper_pages + 1), what="author index")
        opened.append(index)
        report(STAGE_FRONT_MATTER, 2, 2)
        versions += [front.pdf_version, index.pdf_version]

        front_pages = len(front.pages)
        front_map = _insert_pages(merged, front, at=0)
        index_map = _insert_pages(merged, index, at=len(merged.pages))
        last_page = paper_pages + len(index.pages)

        def volume_page(number: int) -> pikepdf.Object | None:
            return merged.pages[front_pages + number - 1].obj if 1 <= number <= last_page else None

        for source, page_map in ((front, front_map), (index, index_map)):
            _fix_links(page_map.values(), source=source, page_map=page_map, volume_page=volume_page)

        if draft:
            for page in merged.pages:
                stamper.mark_draft(page.obj)
        _finish_catalogue(merged, volume, papers, ranges, front_pages, paper_pages, draft=draft)
        sha256 = _write(merged, out, max(versions, key=_version_key), report)
        return BuiltVolume(
            path=out,
            sha256=sha256,
            pages=front_pages + last_page,
            front_pages=front_pages,
            ranges=tuple(ranges),
        )
    finally:
        merged.close()
        for source in opened:
            source.close()


def _ignore(stage: str, done: int, total: int) -> None:
    pass


_SPARE_FILES = 256  # for WeasyPrint's fonts, the output and whatever else the worker has open


def _allow_open_files(count: int) -> None:
    """Raise this process's soft limit on open files towards `count` (every paper stays open until the write)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < count:
        wanted = count if hard == resource.RLIM_INFINITY else min(count, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            logger.warning("Could not raise the open-file limit from %d to %d", soft, wanted)


# --- papers -----------------------------------------------------------------------


def _open_paper(paper: PaperEntry) -> pikepdf.Pdf:
    def refuse(reason: str) -> VolumeError:
        return VolumeError(f"The PDF of {paper.label} could not be read: {reason}.", paper=paper.label)

    try:
        # Read through a file handle, not a memory map: mapped pages of every paper
        # would count towards the process's memory once the volume is written.
        source = pikepdf.open(paper.pdf, access_mode=pikepdf.AccessMode.stream)
    except pikepdf.PasswordError:
        raise refuse("it is password-protected") from None
    except FileNotFoundError:
        raise refuse("the file is missing") from None
    except IsADirectoryError:
        raise refuse("the file is missing") from None
    except OSError as error:
        if error.errno == errno.EMFILE:
            raise VolumeError(
                "Too many papers for this server to keep open at once; "
                "please ask its administrator to raise the worker's open-file limit (ulimit -n)."
            ) from None
        logger.warning("Cannot open %s (%s): %s", paper.pdf, paper.label, error)
        raise refuse("the file could not be opened") from None
    except Exception as error:  # pikepdf.PdfError and whatever qpdf raises on a broken file
        logger.warning("Cannot parse %s (%s): %s", paper.pdf, paper.label, error)
        raise refuse("it is damaged") from None
    if source.is_encrypted:
        source.close()
        raise refuse("it is encrypted")
    try:
        count = len(source.pages)
    except Exception:
        source.close()
        raise refuse("it is damaged") from None
    if count == 0:
        source.close()
        raise refuse("it has no pages")
    return source


def _placeholder(paper: PaperEntry) -> pikepdf.Pdf:
    """One page standing in for a paper whose final PDF is not there yet (drafts only)."""
    names = ", ".join(_plain(name) for name in paper.authors)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><style>@page { size: A4; margin: 30mm 25mm; }'
        ' body { font-family: "DejaVu Serif", serif; font-size: 12pt; color: #111; } h1 { font-size: 18pt; }'
        ' .missing { margin-top: 20mm; padding: 6mm; border: 1pt dashed #888; font-family: "DejaVu Sans", sans-serif; }'
        f"</style></head><body><h1>{html.escape(_plain(paper.title))}</h1><p>{html.escape(names)}</p>"
        '<p class="missing">Placeholder: the final PDF of this paper is not uploaded yet.</p></body></html>'
    )
    return _render(page, what=f"placeholder of {paper.label}")


def _append_paper(merged: pikepdf.Pdf, source: pikepdf.Pdf, paper: PaperEntry, stamper: _Stamper, first: int) -> None:
    try:
        page_map = _insert_pages(merged, source, at=len(merged.pages))
        last = first + len(page_map) - 1
        for offset, page in enumerate(page_map.values()):
            number = first + offset
            if not stamper.stamp(page, number, (first, last) if number == first else None):
                raise _BadPage(offset)
        _fix_links(page_map.values(), source=source, page_map=page_map, volume_page=None)
        _carry_layers(merged, source)
    except _BadPage as bad:
        raise VolumeError(
            f"The PDF of {paper.label} could not be read: its page {bad.index + 1} has no valid size.",
            paper=paper.label,
        ) from None
    except VolumeError:
        raise
    except Exception as error:
        logger.warning("Cannot copy the pages of %s (%s): %s", paper.pdf, paper.label, error)
        raise VolumeError(f"The PDF of {paper.label} could not be read: it is damaged.", paper=paper.label) from None


def _insert_pages(merged: pikepdf.Pdf, source: pikepdf.Pdf, *, at: int) -> dict[tuple[int, int], pikepdf.Object]:
    """Copy every page of `source` into `merged` at position `at`; {source page objgen: its copy}."""
    originals = [page.obj for page in source.pages]
    for offset, page in enumerate(source.pages):
        merged.pages.insert(at + offset, page)
    return {original.objgen: merged.pages[at + offset].obj for offset, original in enumerate(originals)}


def _carry_layers(merged: pikepdf.Pdf, source: pikepdf.Pdf) -> None:
    """List the paper's optional content groups (layers) in the volume, the hidden ones hidden.

    Without /OCProperties a viewer ignores the groups and shows everything,
    including what the paper hid. Each paper's groups keep their default
    visibility; they are listed flat (the paper's own /Order nesting, /AS and
    /RBGroups are not carried).
    """
    properties = source.Root.get("/OCProperties")
    groups = properties.get("/OCGs") if isinstance(properties, Dictionary) else None
    if not isinstance(groups, Array):
        return
    config = properties.get("/D")
    config = config if isinstance(config, Dictionary) else Dictionary()

    def listed(key: str) -> set[tuple[int, int]]:
        value = config.get(key)
        return {group.objgen for group in value if group.is_indirect} if isinstance(value, Array) else set()

    groups = [group for group in groups if isinstance(group, Dictionary) and group.is_indirect]
    if config.get("/BaseState") == Name.OFF:
        shown = listed("/ON")
        hidden = [group for group in groups if group.objgen not in shown]
    else:
        off = listed("/OFF")
        hidden = [group for group in groups if group.objgen in off]
    if not isinstance(merged.Root.get("/OCProperties"), Dictionary):
        merged.Root.OCProperties = Dictionary(OCGs=Array(), D=Dictionary(Order=Array(), OFF=Array()))
    target = merged.Root.OCProperties
    copies = [merged.copy_foreign(group) for group in groups]  # the copies the pages already use
    target.OCGs.extend(copies)
    target.D.Order.extend(copies)
    target.D.OFF.extend(merged.copy_foreign(group) for group in hidden)


# --- stamps -------------------------------------------------------------------------


class _BadPage(Exception):
    def __init__(self, index: int) -> None:
        self.index = index


class _Stamper:
    """Draws the footer (and the first page's "Proceedings of ..." line) on volume pages."""

    def __init__(self, merged: pikepdf.Pdf, volume: Volume) -> None:
        self.font = merged.make_indirect(
            Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)
        )
        self.opening = pikepdf.Stream(merged, b"q\n")  # shared by every page: it only saves the state
        self.draft_state: pikepdf.Object | None = None
        self.merged = merged
        self.short_name = _winansi(volume.short_name)
        self.proceedings = f"Proceedings of {_plain(volume.name)} {volume.year}, "

    def stamp(self, page: pikepdf.Object, number: int, paper_range: tuple[int, int] | None) -> bool:
        """Stamp one page; False if it has no usable page size."""
        box = _visible_box(page)
        if box is None:
            return False
        font = self._font_key(page)
        width, height, matrix = _display_space(box, _rotation(page))
        margin = min(_MARGIN, width * 0.1)
        baseline = min(_FOOTER_BASELINE, height * 0.05)
        usable = width - 2 * margin
        lines = []
        number_text = str(number).encode("ascii")
        number_width = _text_width(number_text, _FOOTER_SIZE)
        lines.append((number_text, _FOOTER_SIZE, width - margin - number_width, baseline))
        name, size = _fit(self.short_name, usable - number_width - 2 * _FOOTER_SIZE, _FOOTER_SIZE)
        lines.append((name, size, margin, baseline))
        if paper_range is not None:
            first, last = paper_range
            pages = f"pages {first}\u2013{last}" if last > first else f"page {first}"
            text, size = _fit(_winansi(self.proceedings + pages), usable, _FOOTER_SIZE)
            lines.append((text, size, margin, baseline + _LINE_GAP))
        body = [b"\nQ\nq\n", _numbers(matrix) + b" cm\n", b"BT\n0 g 0 Tr 0 Tc 0 Tw 100 Tz 0 Ts\n"]
        for text, size, x, y in lines:
            body.append(b"%s %s Tf 1 0 0 1 %s Tm <%s> Tj\n" % (font, _num(size), _numbers((x, y)), text.hex().encode()))
        body.append(b"ET\nQ\n")
        wrapped = pikepdf.Page(page)
        wrapped.contents_add(self.opening, prepend=True)
        wrapped.contents_add(pikepdf.Stream(self.merged, b"".join(body)), prepend=False)
        return True

    def mark_draft(self, page: pikepdf.Object) -> None:
        """"DRAFT, not for publication" at the top of the page as displayed and a faint DRAFT
        across it, drawn after the page's own content (wrapped in q/Q once, as `stamp` does)."""
        box = _visible_box(page)
        if box is None:
            return
        font, state = self._font_key(page), self._draft_state_key(page)
        width, height, matrix = _display_space(box, _rotation(page))
        line = _winansi("DRAFT, not for publication")
        size = min(_DRAFT_SIZE, width * 0.7 / _text_width(b"DRAFT", 1))
        diagonal = math.atan2(height, width)  # corner to corner
        cos, sin = math.cos(diagonal), math.sin(diagonal)
        half = _text_width(b"DRAFT", size) / 2, size * 0.35  # half its width, half a capital's height
        origin = (width / 2 - half[0] * cos + half[1] * sin, height / 2 - half[0] * sin - half[1] * cos)
        body = b"".join([
            b"\nq\n", _numbers(matrix), b" cm\n", b"/", state, b" gs BT 0.75 0 0 rg 0 Tr 0 Tc 0 Tw 100 Tz 0 Ts\n",
            b"%s %s Tf %s Tm <%s> Tj ET\n" % (font, _num(size), _numbers((cos, sin, -sin, cos, *origin)),
                                             b"DRAFT".hex().encode()),
            b"Q\nq\n", _numbers(matrix), b" cm\n",  # the line at full opacity
            b"BT 0.6 0 0 rg 0 Tr 0 Tc 0 Tw 100 Tz 0 Ts %s %s Tf 1 0 0 1 %s Tm <%s> Tj ET\nQ\n" % (
                font, _num(_FOOTER_SIZE + 1), _numbers(((width - _text_width(line, _FOOTER_SIZE + 1)) / 2,
                                                        height - min(_FOOTER_BASELINE, height * 0.05) - 4)),
                line.hex().encode()),
        ])
        wrapped = pikepdf.Page(page)
        if not self._wrapped(page):
            wrapped.contents_add(self.opening, prepend=True)
            body = b"\nQ" + body
        wrapped.contents_add(pikepdf.Stream(self.merged, body), prepend=False)

    def _wrapped(self, page: pikepdf.Object) -> bool:
        """Whether `stamp` already wrapped the page's own content in q/Q."""
        contents = page.get("/Contents")
        return isinstance(contents, Array) and len(contents) > 0 and contents[0].objgen == self.opening.objgen

    def _draft_state_key(self, page: pikepdf.Object) -> bytes:
        """A graphics state with 15% opacity, so the large DRAFT never hides the text under it."""
        if self.draft_state is None:
            self.draft_state = self.merged.make_indirect(Dictionary(Type=Name.ExtGState, ca=0.15, CA=0.15))
        resources = page.Resources
        if not isinstance(resources.get("/ExtGState"), Dictionary):
            resources.ExtGState = Dictionary()
        states = resources.ExtGState
        key, suffix = "/MLSecDraft", 0
        while key in states and states[key].objgen != self.draft_state.objgen:
            suffix += 1
            key = f"/MLSecDraft{suffix}"
        states[key] = self.draft_state
        return key[1:].encode()

    def _font_key(self, page: pikepdf.Object) -> bytes:
        if not isinstance(page.get("/Resources"), Dictionary):
            page.Resources = Dictionary()
        resources = page.Resources
        if not isinstance(resources.get("/Font"), Dictionary):
            resources.Font = Dictionary()
        fonts = resources.Font
        key, suffix = _FONT_KEY, 0
        while key in fonts:
            existing = fonts[key]
            if existing.is_indirect and existing.objgen == self.font.objgen:
                return key.encode()
            suffix += 1
            key = f"{_FONT_KEY}{suffix}"
        fonts[key] = self.font
        return key.encode()


def _box(value: object) -> tuple[float, float, float, float] | None:
    if not isinstance(value, Array) or len(value) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x0 == x1 or y0 == y1:
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _visible_box(page: pikepdf.Object) -> tuple[float, float, float, float] | None:
    """The crop box within the media box: what viewers show."""
    media = _box(page.get("/MediaBox"))
    if media is None:
        return None
    crop = _box(page.get("/CropBox"))
    if crop is None:
        return media
    x0, y0 = max(media[0], crop[0]), max(media[1], crop[1])
    x1, y1 = min(media[2], crop[2]), min(media[3], crop[3])
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else media


def _rotation(page: pikepdf.Object) -> int:
    try:
        rotate = int(page.get("/Rotate", 0)) % 360
    except (TypeError, ValueError):
        return 0
    return rotate if rotate in (0, 90, 180, 270) else 0


def _display_space(box: tuple[float, float, float, float], rotate: int) -> tuple[float, float, tuple[float, ...]]:
    """(width, height, matrix): the page as displayed, its origin at the bottom left.

    The matrix maps those display coordinates to the page's user space, given
    its visible box and /Rotate (clockwise, as viewers apply it).
    """
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    if rotate == 90:
        return height, width, (0, 1, -1, 0, x1, y0)
    if rotate == 180:
        return width, height, (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return height, width, (0, -1, 1, 0, x0, y1)
    return width, height, (1, 0, 0, 1, x0, y0)


def _num(value: float) -> bytes:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode()


def _numbers(values: Iterable[float]) -> bytes:
    return b" ".join(_num(value) for value in values)


# --- text -------------------------------------------------------------------------

# Bidirectional embeddings, overrides and isolates (they could reorder what a reader
# sees) and the soft hyphen: dropped from everything we print or show as a bookmark.
_INVISIBLE = dict.fromkeys([0x00AD, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _plain(text: str) -> str:
    """`text` as one line of plain text: control characters and runs of white space become one space."""
    text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in str(text))
    return " ".join(text.translate(_INVISIBLE).split())


# Letters that Unicode does not decompose into a WinAnsi letter and an accent.
_LATIN = str.maketrans("ŁłĐđıĦħŦŧ‐‑−", "LlDdiHhTt---")


def _winansi(text: str) -> bytes:
    """`text` in WinAnsiEncoding (cp1252): accents dropped where needed, "?" for what it cannot show."""
    encoded = bytearray()
    for char in _plain(text).translate(_LATIN):
        try:
            encoded += char.encode("cp1252")
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                encoded += base.encode("cp1252") if base else b"?"
            except UnicodeEncodeError:
                encoded += b"?"
    return bytes(encoded)


# Helvetica's advance widths (1/1000 em) for WinAnsi codes 32-255, 0 where the code is
# unused; from Adobe's Helvetica.afm (Core 14 AFM files, Adobe Systems Incorporated).
_HELVETICA_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
)  # fmt: skip
_ELLIPSIS = b"\x85"


def _text_width(text: bytes, size: float) -> float:
    return sum(_HELVETICA_WIDTHS[byte - 32] for byte in text if byte >= 32) * size / 1000


def _fit(text: bytes, width: float, size: float) -> tuple[bytes, float]:
    """`text` and a font size at which it fits `width`: smaller down to 5 pt, then cut with an ellipsis."""
    natural = _text_width(text, size)
    if natural <= width:
        return text, size
    size = max(_MIN_SIZE, size * width / natural)
    if _text_width(text, size) <= width:
        return text, size
    while text and _text_width(text + _ELLIPSIS, size) > width:
        text = text[:-1]
    return text.rstrip() + _ELLIPSIS, size


# --- front matter and author index ------------------------------------------------------


class _DataOnlyFetcher(URLFetcher):
    """Serves `data:` URLs and refuses every other URL without opening anything."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if not url.lower().startswith("data:"):
            logger.warning("Refused to fetch %.200r for the proceedings: only data: URLs are allowed.", url)
            raise ValueError("The proceedings fetch no URLs (only data: URLs are allowed).")
        header, comma, payload = url[5:].partition(",")
        if not comma:
            raise ValueError("Malformed data: URL.")
        media_type, _, parameters = header.partition(";")
        data = unquote_to_bytes(payload)
        if parameters.lower().split(";")[-1] == "base64":
            data = base64.b64decode(data + b"=" * (-len(data) % 4))
        content_type = media_type or "text/plain"
        return URLFetcherResponse(url, body=data, headers={"Content-Type": content_type})


def _render(html: str, *, what: str) -> pikepdf.Pdf:
    try:
        data = HTML(string=html, base_url=None, url_fetcher=_DataOnlyFetcher()).write_pdf()
        document = pikepdf.open(io.BytesIO(data))
    except Exception:
        logger.exception("Could not render the %s of the proceedings", what)
        raise VolumeError(f"The {what} could not be rendered; please check its template.") from None
    if len(document.pages) == 0:
        document.close()
        raise VolumeError(f"The {what} came out empty; please check its template.")
    return document


def _index_entries(papers: Sequence[PaperEntry], ranges: Sequence[tuple[int, int]]) -> list[IndexEntry]:
    """One entry per name as printed (white space and case aside), sorted by surname then name."""
    shown: dict[str, str] = {}
    pages: dict[str, set[int]] = {}
    for paper, (first, _last) in zip(papers, ranges, strict=True):
        for author in paper.authors:
            name = _plain(author)
            if name:
                key = name.casefold()
                shown.setdefault(key, name)
                pages.setdefault(key, set()).add(first)
    entries = []
    for key in sorted(shown, key=lambda key: _sort_key(shown[key])):
        firsts = tuple(sorted(pages[key]))
        entries.append(IndexEntry(shown[key], firsts, tuple(page_href(page) for page in firsts)))
    return entries


def _sort_key(name: str) -> tuple[str, str]:
    def fold(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()

    return fold(name.split()[-1]), fold(name)


# --- links -------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


def _fix_links(
    pages: Iterable[pikepdf.Object],
    *,
    source: pikepdf.Pdf,
    page_map: dict[tuple[int, int], pikepdf.Object],
    volume_page: Callable[[int], pikepdf.Object | None] | None,
) -> None:
    """Make the link annotations on `pages` (copied from `source`) work in the volume.

    Named destinations become explicit ones (to the copy of their page), and with
    `volume_page`, `volume-page:N` URI links become GoTo links to page N; a link
    to a page or name that does not exist is removed rather than left dangling.
    """
    lookup = _named_destinations(source)
    if lookup is None and volume_page is None:
        return
    for page in pages:
        annotations = page.get("/Annots")
        if not isinstance(annotations, Array):
            continue
        kept, changed = [], False
        for annotation in annotations:
            if isinstance(annotation, Dictionary) and annotation.get("/Subtype") == Name.Link:
                keep = _fix_link(annotation, lookup, page_map, volume_page)
                changed = changed or not keep
                if not keep:
                    continue
            kept.append(annotation)
        if changed:
            page.Annots = Array(kept)


def _fix_link(
    annotation: pikepdf.Object,
    lookup: Callable[[pikepdf.Object], pikepdf.Object | None] | None,
    page_map: dict[tuple[int, int], pikepdf.Object],
    volume_page: Callable[[int], pikepdf.Object | None] | None,
) -> bool:
    """Rewrite one link annotation in place; False if it should be removed."""
    action = annotation.get("/A")
    if isinstance(action, Dictionary):
        kind = action.get("/S")
        if kind == Name.URI and volume_page is not None:
            uri = action.get("/URI")
            target = bytes(uri).decode("latin-1") if isinstance(uri, pikepdf.String) else ""
            if not target.startswith(PAGE_HREF):
                return True
            number = target[len(PAGE_HREF) :]
            page = volume_page(int(number)) if _PAGE_NUMBER.fullmatch(number) else None
            if page is None:
                return False
            annotation.A = Dictionary(S=Name.GoTo, D=Array([page, Name.Fit]))
            return True
        if kind == Name.GoTo and lookup is not None and isinstance(action.get("/D"), (pikepdf.String, Name)):
            explicit = _explicit(lookup(action.D), page_map)
            if explicit is None:
                return False
            action.D = explicit
        return True
    if lookup is not None and isinstance(annotation.get("/Dest"), (pikepdf.String, Name)):
        explicit = _explicit(lookup(annotation.Dest), page_map)
        if explicit is None:
            return False
        annotation.Dest = explicit
    return True


def _named_destinations(source: pikepdf.Pdf) -> Callable[[pikepdf.Object], pikepdf.Object | None] | None:
    """Look up a named destination of `source` (name tree or the old /Dests dictionary)."""
    names = source.Root.get("/Names")
    tree = names.get("/Dests") if isinstance(names, Dictionary) else None
    table = pikepdf.NameTree(tree) if isinstance(tree, Dictionary) else None
    old = source.Root.get("/Dests")
    old = old if isinstance(old, Dictionary) else None
    if table is None and old is None:
        return None

    def lookup(key: pikepdf.Object) -> pikepdf.Object | None:
        try:
            if isinstance(key, pikepdf.String) and table is not None:
                return table.get(str(key))
            if isinstance(key, Name) and old is not None:
                return old.get(str(key))
        except Exception:  # a damaged name tree: the link goes nowhere
            return None
        return None

    return lookup


def _explicit(destination: pikepdf.Object | None, page_map: dict[tuple[int, int], pikepdf.Object]) -> Array | None:
    """An explicit destination ([page /XYZ ...]) pointing at the volume's copy of its page."""
    if isinstance(destination, Dictionary):
        destination = destination.get("/D")
    if not isinstance(destination, Array) or len(destination) == 0:
        return None
    target = destination[0]
    if not isinstance(target, Dictionary) or not target.is_indirect or target.objgen not in page_map:
        return None
    rest = [value for value in list(destination)[1:] if not isinstance(value, (Dictionary, Array, pikepdf.Stream))]
    return Array([page_map[target.objgen], *rest])


# --- the catalogue and the file ---------------------------------------------------------


def _finish_catalogue(
    merged: pikepdf.Pdf,
    volume: Volume,
    papers: Sequence[PaperEntry],
    ranges: Sequence[tuple[int, int]],
    front_pages: int,
    paper_pages: int,
    *,
    draft: bool = False,
) -> None:
    merged.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.r), front_pages, Dictionary(S=Name.D, St=1)]))
    with merged.open_outline() as outline:
        outline.root.clear()
        outline.root.append(pikepdf.OutlineItem("Front matter", 0))
        for number, (paper, (first, _last)) in enumerate(zip(papers, ranges, strict=True), start=1):
            outline.root.append(pikepdf.OutlineItem(_plain(paper.title) or f"Paper {number}", front_pages + first - 1))
        outline.root.append(pikepdf.OutlineItem("Author index", front_pages + paper_pages))
    merged.Root.PageMode = Name.UseOutlines
    title = f"Proceedings of {_plain(volume.name)} {volume.year}"
    merged.docinfo.Title = pikepdf.String(f"DRAFT, not for publication: {title}" if draft else title)


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (0,)


def _write(merged: pikepdf.Pdf, out: Path, version: str, report: Progress) -> str:
    """Write to a temporary file beside `out`, then rename it into place; the file's SHA-256."""
    last = -1

    def written(percent: int) -> None:
        nonlocal last
        if percent // 10 != last and percent < 100:
            last = percent // 10
            report(STAGE_WRITING, percent, 100)

    try:
        handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    except OSError as error:
        raise VolumeError(f"The volume could not be written: {error.strerror or error}.") from None
    os.close(handle)
    temporary = Path(name)
    try:
        # The /ID from the content, not random: the same papers make the same volume, byte for byte.
        merged.save(temporary, min_version=version, progress=written, deterministic_id=True)
        digest = hashlib.sha256()
        with temporary.open("rb") as written_file:
            while chunk := written_file.read(_HASH_CHUNK):
                digest.update(chunk)
        temporary.chmod(0o644)  # as Django stores uploads (mkstemp makes it private)
        os.replace(temporary, out)
    except OSError as error:
        raise VolumeError(f"The volume could not be written: {error.strerror or error}.") from None
    except Exception:
        logger.exception("Could not write the proceedings volume")
        raise VolumeError("The volume could not be written: a paper's PDF may be damaged.") from None
    finally:
        temporary.unlink(missing_ok=True)
    report(STAGE_WRITING, 100, 100)
    return digest.hexdigest()
