"""PDFium, the engine of Chrome's viewer: what a reader sees of the upload and of the copy.

PDFium is not thread-safe: every use of pypdfium2 here holds `PDFIUM_LOCK`, and
every PDFium object is closed before the lock is released.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from submissions.pdf.budget import Deadline, TooSlow

logger = logging.getLogger("submissions.pdf")

PDFIUM_LOCK = threading.Lock()
_MAX_PAGE_OBJECTS = 2_000_000  # PDFium page objects visited when counting images
# Renders for comparison: about 200 pixels wide (25 dpi for A4), in grey. Identical content
# draws identical pixels in one engine; a lost figure, band or paragraph changes hundreds.
_RENDER_WIDTH = 200
_MAX_RENDER_PIXELS = 400_000
_INK = 250  # a pixel darker than this is ink
_CHANGED = 24  # a pixel whose grey level moved more than this changed
_CHANGED_PIXELS = 20  # more changed pixels than this make a different page (a word is about 80)
_BLANK_SHARE = 0.0005  # of the page: less ink than this is a blank page


@contextmanager
def opened(data: bytes, *, forms: bool = False) -> Iterator[pdfium.PdfDocument]:
    """The document, under the lock; the caller closes what it opens inside.

    With `forms`, form fields are drawn as a viewer draws them (Chrome sets up the
    form environment; without it PDFium leaves every widget out of the picture).
    """
    with PDFIUM_LOCK:
        document = _open(data, forms=forms)
        try:
            yield document
        finally:
            document.close()


def _open(data: bytes, *, forms: bool) -> pdfium.PdfDocument:
    document = pdfium.PdfDocument(data)
    if forms:
        try:
            document.init_forms()
        except Exception:
            document.close()
            raise
    return document


@dataclass
class UploadView:
    page_count: int
    texts: dict[int, str | None]  # page index -> text; None when the page could not be read
    first_page_has_content: bool


def read_upload(data: bytes, indices: range, deadline: Deadline, sha256: str) -> UploadView:
    """The upload as PDFium reads it: page count and the text of the pages asked for.

    Raises pdfium.PdfiumError when PDFium cannot open the document.
    """
    texts: dict[int, str | None] = {}
    has_content = False
    with opened(data) as document:
        page_count = len(document)
        for index in indices:
            if index >= page_count:
                break
            deadline.check()
            try:
                text, objects = page_text(document, index)
            except TooSlow:
                raise
            except Exception:
                # A page we cannot read is no reason to refuse a paper; the checks that
                # need its text say so.
                logger.warning("PDF page %d unreadable: sha256=%s", index + 1, sha256, exc_info=True)
                text, objects = None, 1
            texts[index] = text
            if index == 0:
                has_content = objects > 0
    return UploadView(page_count=page_count, texts=texts, first_page_has_content=has_content)


def page_text(document: pdfium.PdfDocument, index: int) -> tuple[str, int]:
    """(text, number of page objects) of one page; the caller holds the lock."""
    page = document[index]
    try:
        return _text(page), pdfium_c.FPDFPage_CountObjects(page.raw)
    finally:
        page.close()


def _text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range()
    finally:
        textpage.close()


def ink_shares(data: bytes, indices: list[int], deadline: Deadline) -> dict[int, float | None]:
    """How much of each page is ink (0-1), as drawn; None for a page PDFium cannot draw."""
    shares: dict[int, float | None] = {}
    with opened(data, forms=True) as document:
        for index in indices:
            deadline.check()
            try:
                page = document[index]
            except pdfium.PdfiumError:
                shares[index] = None
                continue
            try:
                shares[index] = float((_render(page) < _INK).mean())
            finally:
                page.close()
    return shares


def unviewable_pages(data: bytes, page_count: int, deadline: Deadline) -> list[int]:
    """Page numbers (from 1, up to qpdf's `page_count`) that PDFium cannot load."""
    missing = []
    with opened(data) as document:
        for index in range(min(len(document), page_count)):
            if index % 50 == 0:
                deadline.check()
            try:
                document[index].close()
            except pdfium.PdfiumError:
                missing.append(index + 1)
    return missing


def appearance_texts(
    data: bytes, indices: list[int], hidden: dict[int, list[int]], deadline: Deadline
) -> dict[int, tuple[str, str]]:
    """(the page's own text, its text with the annotations' appearances drawn in) per page.

    `hidden` lists, per page, the positions in /Annots of annotations left out
    (the signature widgets, which the copy drops).
    """
    texts = {}
    with opened(data, forms=True) as document:
        for index in indices:
            deadline.check()
            page = document[index]
            try:
                plain = _text(page)
            finally:
                page.close()
            page = _flattened_page(document, index, hidden.get(index, []))
            try:
                texts[index] = (plain, _text(page))
            finally:
                page.close()
    return texts


def _flattened_page(document: pdfium.PdfDocument, index: int, hidden: list[int]) -> pdfium.PdfPage:
    page = document[index]
    for position in sorted(hidden, reverse=True):
        pdfium_c.FPDFPage_RemoveAnnot(page.raw, position)
    pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY)
    page.close()
    return document[index]  # PDFium reads a flattened page's new content only when loaded again


@dataclass(frozen=True)
class Difference:
    page: int  # from 1; 0 when the page counts differ
    what: str  # a key of messages.DIFFERENCES ("count" when the page counts differ)
    details: dict


def compare(
    upload: bytes,
    copy: bytes,
    *,
    known_texts: dict[int, str | None],
    flattened: set[int],
    hidden: dict[int, list[int]],
    deadline: Deadline,
    drawing_deadline: Deadline,
) -> Difference | None:
    """The first difference between upload and copy as PDFium shows them, or None.

    The copy has the upload's annotation appearances drawn into its pages (the
    pages in `flattened`) and its signature widgets (`hidden`) removed, so the
    upload's pages are prepared the same way, in memory, before they are compared.
    Pages are drawn and compared pixel by pixel until `drawing_deadline`; past it
    (a long paper with heavy figures), only their size, text and images are, so
    the time budget refuses no real paper.
    """
    with PDFIUM_LOCK:
        before = _open(upload, forms=True)
        try:
            after = _open(copy, forms=True)
            try:
                if len(after) != len(before):
                    return Difference(0, "count", {"copy": len(after)})
                undrawn = 0
                for index in range(len(before)):
                    deadline.check()
                    draw = drawing_deadline.left() > 0
                    undrawn += not draw
                    difference = _compare_page(before, after, index, known_texts, flattened, hidden, draw)
                    if difference is not None:
                        return difference
                if undrawn:
                    logger.info("PDF copy compared without drawing %d of %d pages (time)", undrawn, len(before))
                return None
            finally:
                after.close()
        finally:
            before.close()


def _compare_page(before, after, index, known_texts, flattened, hidden, draw: bool) -> Difference | None:
    number = index + 1
    try:
        if index in flattened:
            page_before = _flattened_page(before, index, hidden.get(index, []))
            text_before = None
        else:
            page_before = before[index]
            text_before = known_texts.get(index)
    except pdfium.PdfiumError:
        return Difference(number, "upload_unviewable", {})
    try:
        try:
            page_after = after[index]
        except pdfium.PdfiumError:
            return Difference(number, "copy_unviewable", {})
        try:
            return _page_difference(page_before, page_after, number, text_before, draw)
        finally:
            page_after.close()
    finally:
        page_before.close()


def _page_difference(before: pdfium.PdfPage, after: pdfium.PdfPage, number: int, text_before: str | None,
                     draw: bool) -> Difference | None:
    size_before, size_after = _size(before), _size(after)
    if size_before != size_after:
        return Difference(number, "size", {"upload": _points(size_before), "copy": _points(size_after)})
    if draw:
        difference = _drawing_difference(_render(before), _render(after), number)
        if difference is not None:
            return difference
    text_before = _text(before) if text_before is None else text_before
    if " ".join(text_before.split()) != " ".join(_text(after).split()):
        return Difference(number, "text", {})
    images_before, images_after = count_images(before), count_images(after)
    if images_before != images_after:
        return Difference(number, "images", {"upload": images_before, "copy": images_after})
    return None


def _drawing_difference(drawn_before: numpy.ndarray, drawn_after: numpy.ndarray, number: int) -> Difference | None:
    changed = numpy.abs(drawn_before.astype(numpy.int16) - drawn_after) > _CHANGED
    if changed.sum() <= _CHANGED_PIXELS:
        return None
    if (drawn_before < _INK).mean() < _BLANK_SHARE:
        return Difference(number, "upload_blank", {})
    if (drawn_after < _INK).mean() < _BLANK_SHARE:
        return Difference(number, "copy_blank", {})
    return Difference(number, "drawing", {"percent": _percent(float(changed.mean()))})


def _size(page: pdfium.PdfPage) -> tuple[float, float]:
    width, height = page.get_size()
    return round(width, 2), round(height, 2)


def _points(size: tuple[float, float]) -> str:
    return f"{size[0]:g} x {size[1]:g} pt"


def _percent(share: float) -> str:
    return f"about {round(share * 100)} %" if share >= 0.005 else "less than 1 %"


def _render(page: pdfium.PdfPage) -> numpy.ndarray:
    width, height = page.get_size()
    scale = _RENDER_WIDTH / max(width, 1.0)
    if width * height * scale * scale > _MAX_RENDER_PIXELS:  # a very tall page
        scale = (_MAX_RENDER_PIXELS / max(width * height, 1.0)) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True, draw_annots=True, may_draw_forms=True)
    try:
        drawn = bitmap.to_numpy()
        return (drawn if drawn.ndim == 2 else drawn[..., 0]).copy()
    finally:
        bitmap.close()


def count_images(page: pdfium.PdfPage) -> int:
    """Image objects on the page, in form XObjects too (without decoding them)."""
    images = 0
    visited = 0
    containers: list[tuple[object, int]] = [(None, 0)]  # (form object or None for the page, depth)
    while containers:
        form, depth = containers.pop()
        if form is None:
            count = pdfium_c.FPDFPage_CountObjects(page.raw)
        else:
            count = pdfium_c.FPDFFormObj_CountObjects(form)
        for i in range(max(count, 0)):
            visited += 1
            if visited > _MAX_PAGE_OBJECTS:
                return images
            if form is None:
                obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
            else:
                obj = pdfium_c.FPDFFormObj_GetObject(form, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 16:
                containers.append((obj, depth + 1))
    return images
