"""When qpdf cannot read a file that PDFium opens: a new file from the pages PDFium reads.

qpdf 12 refuses some real files that viewers open (object numbers far beyond what
the file's size allows, trailers it cannot find); PDFium, the engine of Chrome's
viewer, reads them. Its pages are imported into a new document, which qpdf reads,
and every check then runs on that. Document-level parts (bookmarks, the form,
the catalog's actions) do not survive the import, so the upload's own bytes are
also searched for active content.
"""

from __future__ import annotations

import io
import re
import zlib

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from submissions.pdf.budget import Deadline
from submissions.pdf.structure import AA, FILE, JS, LAUNCH, OPEN
from submissions.pdf.viewer import PDFIUM_LOCK

_STREAM = re.compile(rb"stream\r?\n")
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE_NAMES = {b"JavaScript": JS, b"JS": JS, b"Launch": LAUNCH, b"AA": AA, b"EmbeddedFile": FILE,
                 b"EmbeddedFiles": FILE, b"FileAttachment": FILE}
_OPEN_ACTION = re.compile(rb"/OpenAction\s*<<(.{0,400}?)>>", re.DOTALL)
_GOTO = re.compile(rb"/S\s*/GoTo\b")


def rebuilt(data: bytes) -> tuple[bytes, dict[str, str], set[str]] | None:
    """(the new file, the upload's document information, active content PDFium reports), or None."""
    with PDFIUM_LOCK:
        try:
            source = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return None
        try:
            if not len(source):
                return None
            active = set()
            if pdfium_c.FPDFDoc_GetJavaScriptActionCount(source.raw) > 0:
                active.add(JS)
            if source.count_attachments() > 0:
                active.add(FILE)
            info = {key: value for key, value in source.get_metadata_dict(skip_empty=True).items()}
            target = pdfium.PdfDocument.new()
            try:
                target.import_pages(source)
                out = io.BytesIO()
                target.save(out)
            finally:
                target.close()
        finally:
            source.close()
    return out.getvalue(), info, active


def raw_active_content(data: bytes, *, budget: int, deadline: Deadline) -> set[str]:
    """Active content named anywhere in the bytes, compressed streams included (up to `budget` bytes)."""
    found = _names_in(data)
    spent = 0
    for match in _STREAM.finditer(data):
        if spent > budget:
            break
        deadline.check()
        end = data.find(b"endstream", match.end())
        body = data[match.end() : end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        try:
            decoded = inflater.decompress(body, max(budget - spent, 0) + 1)
        except zlib.error:
            continue
        spent += len(decoded)
        found |= _names_in(decoded)
    return found


def _names_in(data: bytes) -> set[str]:
    found = set()
    for match in _NAME.finditer(data):
        name = _ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), match.group(1))
        if name in _ACTIVE_NAMES:
            found.add(_ACTIVE_NAMES[name])
    for match in _OPEN_ACTION.finditer(data):
        if not _GOTO.search(match.group(1)):
            found.add(OPEN)
    return found
