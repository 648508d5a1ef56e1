"""Check uploaded paper PDFs and make the reviewer copy.

One structural reader and writer: qpdf (through pikepdf) parses the upload once,
repairing damage the way viewers do, and everything structural is decided on
that parse: page count, limits, active content, metadata, and the reviewer copy,
which is the same parse with the identifying parts removed and written out again
(only objects reachable from the document are written). PDFium (through
pypdfium2, the engine of Chrome's viewer) reads the text, as reviewers' viewers
would, and reads both the upload and the copy back to check that the copy shows
the same pages.

Deliberately free of Django imports so it can be tested on its own and reused
from a management command or a worker.

Every byte string either yields a `PdfResult` or raises `PdfRejected` carrying a
stable `code` and a message that can be shown to the author as is; nothing else
escapes `check_pdf`. Refusals caused by an exception are logged (logger
`submissions.pdf`) with the file's SHA-256 and size, never its content.

PDFium is not thread-safe: every use of pypdfium2 here holds `_PDFIUM_LOCK`, and
every PDFium object is closed before the lock is released.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import threading
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from workshop.errors import Refused

logger = logging.getLogger("submissions.pdf")

MB = 1024 * 1024
DEFAULT_INFLATE_BUDGET = 200 * MB
FIRST_PAGE_TEXT_CHARS = 10_000
HARD_MAX_PAGES = 2_000  # applies even when the caller passes max_pages=None
MAX_OBJECTS = 250_000  # objects in the cross-reference table
_MAX_WALK_ITEMS = 3_000_000  # values visited while walking the document, direct ones included
_MAX_ANNOTATIONS = 20_000
_MAX_FORM_FIELDS = 20_000
_MAX_PAGE_OBJECTS = 2_000_000  # PDFium page objects visited when counting images
_METADATA_VALUE_CHARS = 1_000
_FIELD_TEXT_CHARS = 10_000
_XMP_PARSE_BYTES = 2 * MB
_MAGIC_WINDOW = 1024  # PDF readers tolerate whitespace before the header, up to about this much
_EOF_WINDOW = 1024  # the %%EOF marker must be this close to the end (trailing whitespace aside)
_INFLATE_OUT_CHUNK = 1 * MB
_INFLATE_IN_CHUNK = 64 * 1024

# qpdf's limits are process-wide. They back up our own measuring for the streams qpdf
# itself decodes before we can look at them (cross-reference and object streams), so
# they are set once, here, unless the application has already chosen its own values.
_QPDF_BACKSTOPS = {
    "flate_max_memory": (0, 64 * MB),  # (qpdf's default, ours): one decoded stream
    "parser_max_container_size": (2**32 - 1, 1_000_000),  # items in one array or dictionary
}


def _set_qpdf_backstops() -> None:
    current = pikepdf.settings.get_qpdf_limits()
    pikepdf.settings.set_qpdf_limits(
        **{name: ours for name, (default, ours) in _QPDF_BACKSTOPS.items() if current.get(name) == default}
    )


_set_qpdf_backstops()

_PDFIUM_LOCK = threading.Lock()

_RETRY = "Please export your paper to PDF again and upload the new file."
_COPY_FIX = (
    "please export your PDF again (printing it to a new PDF usually works) and upload the new file. "
    "Until then we cannot give reviewers a copy of your paper."
)

_MESSAGES = {
    "empty": "The uploaded file is empty. Please choose your PDF again and re-upload it.",
    "not_pdf": "This file is not a PDF{kind}. " + _RETRY,
    "polyglot": (
        "Your file is a PDF and at the same time a ZIP archive, which PDF exports never produce. "
        "To keep reviewers safe we only accept plain PDFs. " + _RETRY
    ),
    "too_large": (
        "Your file is {size} MB; the maximum is {cap} MB. Please make it smaller "
        "(for example by compressing large images) and upload it again."
    ),
    "encrypted": (
        "Your PDF is password-protected or encrypted. Please remove the protection "
        "(for example by printing it to a new PDF) and upload it again."
    ),
    "active_content": (
        "Your PDF contains {found}. To keep reviewers safe we only accept PDFs without "
        "scripts, automatic actions or attached files. Please export the paper again without "
        "them (printing to a new PDF usually works) and upload the new file."
    ),
    "malformed": (
        "We could not read your PDF: it seems to be damaged or incomplete "
        "(for example, the upload was cut off). " + _RETRY
    ),
    "no_pages": "Your PDF does not contain any pages. " + _RETRY,
    "bomb": (
        "Your PDF contains compressed data that expands to more than {budget} MB, so we cannot "
        "process it safely. " + _RETRY
    ),
    "too_complex": (
        "Your PDF has an unusually large or complex internal structure, so we cannot process it safely. " + _RETRY
    ),
    "too_slow": (
        "Your PDF took too long to check (more than {seconds:g} seconds); it may be unusually "
        "complex. " + _RETRY + " If the problem persists, please contact the workshop chairs."
    ),
    "max_pages": (
        "Your PDF has {count} pages; we accept at most {cap} pages in total, including references and appendices."
    ),
    "page_limit_found": (
        "Your PDF has {count} pages; the limit is {limit} pages excluding references and "
        "appendices, and your main text continues onto page {page} (the {heading} heading is "
        "part-way down that page). Please shorten the main text and upload it again."
    ),
    "page_limit_unknown": (
        "Your PDF has {count} pages; the limit is {limit} pages excluding references and "
        "appendices, and we could not find where your references or appendices start (we found "
        "no References, Bibliography or Appendix heading on pages 1-{searched}). Please shorten "
        "the main text and upload it again. If your references do start within the limit, "
        "please contact the workshop chairs."
    ),
    # Notes: accepted, but the author should know.
    "over_limit_found": (
        "Your PDF has {count} pages and your main text seems to continue onto page {page} (the "
        "{heading} heading is part-way down that page), past the {limit}-page limit. We accepted it "
        "because extra pages are allowed; please make sure the main text fits the limit."
    ),
    "over_limit_unknown": (
        "Your PDF has {count} pages, more than the {limit}-page limit, and we could not find where "
        "your references or appendices start (we found no References, Bibliography or Appendix "
        "heading on pages 1-{searched}). We accepted it because extra pages are allowed; please "
        "make sure the main text fits the limit."
    ),
    "image_metadata": ("We removed hidden image metadata (EXIF/XMP) from {count} in the copy reviewers get{found}."),
    "other_metadata": (
        "We removed hidden XMP metadata from {count} of the PDF (pages, fonts or figures) in the "
        "copy reviewers get{found}."
    ),
    "viewers_disagree_note": (
        "PDF readers disagree about how many pages your PDF has ({qpdf} or {pdfium}); please check "
        "it in several viewers."
    ),
    # Anonymity warnings beyond "field X contains" / "page mentions".
    "unreadable_first_page": (
        "We could not read the text of page 1, so we could not check it for your names or email "
        "addresses. Please make sure the first page does not identify the authors."
    ),
    # Copy problems: the caller withholds the copy from reviewers.
    "copy_viewers_disagree": (
        "PDF readers disagree about how many pages your upload has ({qpdf} or {pdfium}), so we "
        "cannot make a faithful copy for reviewers; " + _COPY_FIX
    ),
    "copy_page_count": ("The copy for reviewers has {copy} pages where your upload has {upload}; " + _COPY_FIX),
    "copy_page": "The copy for reviewers differs from your upload on page {page} ({what}); " + _COPY_FIX,
    "copy_unreadable": "We could not read back the copy for reviewers; " + _COPY_FIX,
}


class PdfRejected(Refused):
    """An upload we refuse; `message` is written for the author, `code` for programs."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PdfResult:
    sha256: str  # of the upload
    size: int
    page_count: int
    # (field, value) pairs such as ("Author", "Alice Smith") or ("dc:creator", "Alice Smith")
    # from the document information dictionary and the document's XMP; `dict()` gives a mapping.
    metadata: tuple[tuple[str, str], ...]
    anonymity_warnings: list[str]  # for the author: names or emails found, or places we could not check
    notes: list[str]  # other author-facing notes
    reviewer_copy: bytes | None  # None when make_copy=False
    reviewer_sha256: str  # "" and 0 when there is no copy
    reviewer_size: int
    copy_problem: str | None  # author-facing; when set, the copy must not go to reviewers


def check_pdf(
    data: bytes,
    *,
    max_bytes: int,
    max_pages: int | None = 200,
    page_limit: int | None = None,
    over_limit: str = "refuse",
    names: Sequence[str] = (),
    emails: Sequence[str] = (),
    make_copy: bool = True,
    check_anonymity: bool = True,
    time_budget: float = 10.0,
    inflate_budget: int = DEFAULT_INFLATE_BUDGET,
) -> PdfResult:
    """Check that `data` is a safe, readable PDF within the limits, or raise PdfRejected.

    `max_pages` caps the total page count; `page_limit` is the rule for the main
    text, excluding references and appendices (see `_page_limit_note`). With
    `over_limit="warn"` (the chairs allow extra pages) a PDF over `page_limit` is
    accepted with a note instead of refused. `names` and `emails` are the authors',
    looked for in the metadata, on page 1, in annotations and in form fields when
    `check_anonymity` is set. `inflate_budget` caps the total decompressed size of
    the streams that may be decoded; `time_budget` (seconds) is checked between steps.
    """
    if over_limit not in ("refuse", "warn"):
        raise ValueError(f"over_limit must be 'refuse' or 'warn', not {over_limit!r}")
    _check_envelope(data, max_bytes)
    sha256 = hashlib.sha256(data).hexdigest()
    check = _Check(
        data,
        sha256=sha256,
        deadline=_Deadline(time_budget),
        max_pages=HARD_MAX_PAGES if max_pages is None else min(max_pages, HARD_MAX_PAGES),
        page_limit=page_limit,
        over_limit=over_limit,
        names=[name for name in names if name and name.strip()],
        emails=[email for email in emails if email and "@" in email],
        make_copy=make_copy,
        check_anonymity=check_anonymity,
        inflate_budget=inflate_budget,
    )
    try:
        return check.run()
    except PdfRejected as rejected:
        if rejected.code in ("malformed", "bomb", "too_complex"):
            # Found by our own checks, so there is no exception to log; the file is still
            # worth a look (was a good PDF refused?).
            _log_refusal(rejected.code, sha256, len(data), exc_info=False)
        raise
    except _TooSlow:
        raise PdfRejected(_MESSAGES["too_slow"].format(seconds=time_budget), "too_slow") from None
    except MemoryError:
        _log_refusal("too_complex", sha256, len(data))
        raise PdfRejected(_MESSAGES["too_complex"], "too_complex") from None
    except Exception:
        # Hostile or damaged input can make qpdf or PDFium raise anything (PdfError,
        # DataDecodingError, PdfiumError, RecursionError, ...); an upload must never turn
        # into a server error.
        _log_refusal("malformed", sha256, len(data))
        raise PdfRejected(_MESSAGES["malformed"], "malformed") from None


def _log_refusal(code: str, sha256: str, size: int, *, exc_info: bool = True) -> None:
    # The file's hash and size identify it for the admins; never its content or names.
    logger.warning("PDF refused (%s): sha256=%s size=%d", code, sha256, size, exc_info=exc_info)


class _TooSlow(BaseException):
    """Raised at checkpoints once the time budget is spent.

    A BaseException so that the `except Exception` fallbacks (a page whose text
    cannot be read, ...) cannot swallow it and keep working.
    """


class _Deadline:
    # Cooperative checkpoints rather than signal.alarm: signals only work on the main
    # thread, and Django views may run in worker threads.
    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() >= self._end:
            raise _TooSlow


# --- before parsing -----------------------------------------------------------

_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a Word document or ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Word (.doc) document"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
    (b"<", "a web page or XML file"),
)
_LEADING_JUNK = b"\x00\t\n\x0c\r "


def _check_envelope(data: bytes, max_bytes: int) -> None:
    if not data:
        raise PdfRejected(_MESSAGES["empty"], "empty")
    if len(data) > max_bytes:
        message = _MESSAGES["too_large"].format(size=_mb(len(data), math.ceil), cap=_mb(max_bytes, math.floor))
        raise PdfRejected(message, "too_large")
    # Only whitespace may precede the header: anything else (an HTML page with a script,
    # a ZIP header) makes the file something else too, depending on who opens it.
    if not data[:_MAGIC_WINDOW].lstrip(_LEADING_JUNK).startswith(b"%PDF-"):
        start = data[: 2 * _MAGIC_WINDOW].lstrip(_LEADING_JUNK)
        kind = next((f" (it looks like {name})" for magic, name in _SIGNATURES if start.startswith(magic)), "")
        raise PdfRejected(_MESSAGES["not_pdf"].format(kind=kind), "not_pdf")
    if _is_zip(data):
        raise PdfRejected(_MESSAGES["polyglot"], "polyglot")
    if b"%%EOF" not in data[-64 * 1024 :].rstrip(_LEADING_JUNK)[-_EOF_WINDOW:]:
        # Every PDF writer ends the file so; without it the upload was most likely cut off.
        raise PdfRejected(_MESSAGES["malformed"], "malformed")


def _is_zip(data: bytes) -> bool:
    # is_zipfile alone only finds an end-of-archive signature, which four random bytes
    # of compressed data near the end could imitate; a real archive also has a readable
    # directory with at least one entry.
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        return False
    try:
        with zipfile.ZipFile(buffer) as archive:
            return bool(archive.infolist())
    except Exception:  # not a readable archive after all
        return False


# --- the check ----------------------------------------------------------------


@dataclass
class _Found:
    """What the walk through the upload's objects collected."""

    active: set[str] = field(default_factory=set)
    xmp_holders: list[pikepdf.Object] = field(default_factory=list)  # objects with /Metadata, catalog excepted
    jpegs: list[pikepdf.Object] = field(default_factory=list)  # image streams with only /DCTDecode
    annotation_authors: list[pikepdf.Object] = field(default_factory=list)  # non-widget annotations with /T
    piece_info: list[pikepdf.Object] = field(default_factory=list)


class _Check:
    def __init__(
        self,
        data: bytes,
        *,
        sha256: str,
        deadline: _Deadline,
        max_pages: int,
        page_limit: int | None,
        over_limit: str,
        names: list[str],
        emails: list[str],
        make_copy: bool,
        check_anonymity: bool,
        inflate_budget: int,
    ) -> None:
        self.data = data
        self.sha256 = sha256
        self.deadline = deadline
        self.max_pages = max_pages
        self.page_limit = page_limit
        self.over_limit = over_limit
        self.names = names
        self.emails = emails
        self.make_copy = make_copy
        self.check_anonymity = check_anonymity
        self.budget = _InflateBudget(inflate_budget, deadline)
        self.warnings: list[str] = []
        self.notes: list[str] = []

    def run(self) -> PdfResult:
        self.deadline.check()
        pdf = self._open()
        try:
            return self._run(pdf)
        finally:
            pdf.close()

    def _open(self) -> pikepdf.Pdf:
        try:
            # An empty password opens files that are only "protected" by an owner
            # password (or have an empty user password): every viewer opens those
            # without asking, and the copy is written unencrypted.
            return pikepdf.open(io.BytesIO(self.data), password="")
        except pikepdf.PasswordError:
            _log_refusal("encrypted", self.sha256, len(self.data))
            raise PdfRejected(_MESSAGES["encrypted"], "encrypted") from None

    def _run(self, pdf: pikepdf.Pdf) -> PdfResult:
        xref = pdf.get_xref_table()
        if len(xref) > MAX_OBJECTS:
            raise PdfRejected(_MESSAGES["too_complex"], "too_complex")
        # qpdf decodes an object stream whole as soon as any object in it is needed, so
        # they are measured before anything else is resolved.
        for number in sorted({entry.obj_stream_number for entry in xref.values() if entry.type == 2}):
            self.budget.spend(pdf.get_object((number, 0)))

        pages = list(pdf.pages)  # qpdf counts the page tree; /Count may lie
        page_count = len(pages)
        if page_count == 0:
            raise PdfRejected(_MESSAGES["no_pages"], "malformed")
        if page_count > self.max_pages:
            raise PdfRejected(_MESSAGES["max_pages"].format(count=page_count, cap=self.max_pages), "too_many_pages")

        found = self._walk(pdf)
        if found.active:
            labels = [label for label in _ACTIVE_LABELS if label in found.active]
            raise PdfRejected(_MESSAGES["active_content"].format(found=_join(labels)), "active_content")
        self._refuse_damage(pdf)
        metadata = _metadata(pdf)

        view = _read_upload(self.data, self._pages_to_read(page_count), self.deadline, self.sha256)
        if self.check_anonymity:
            self._anonymity(pdf, pages, metadata, view)
        if self.page_limit is not None and page_count > self.page_limit:
            note = _page_limit_note(view.texts, page_count, self.page_limit, self.over_limit)
            if note:
                self.notes.append(note)

        copy, copy_problem = None, None
        if self.make_copy:
            copy = self._copy(pdf, found)
            copy_problem = self._compare(copy, page_count, view)
        elif view.page_count != page_count:
            self.notes.append(_MESSAGES["viewers_disagree_note"].format(qpdf=page_count, pdfium=view.page_count))
        return PdfResult(
            sha256=self.sha256,
            size=len(self.data),
            page_count=page_count,
            metadata=metadata,
            anonymity_warnings=self.warnings,
            notes=self.notes,
            reviewer_copy=copy,
            reviewer_sha256=hashlib.sha256(copy).hexdigest() if copy is not None else "",
            reviewer_size=len(copy) if copy is not None else 0,
            copy_problem=copy_problem,
        )

    def _pages_to_read(self, page_count: int) -> range:
        # Page 1 for the anonymity check, and up to the first page over the limit for the
        # page-limit rule; the copy check reads the rest later, page by page.
        last = 1 if self.check_anonymity else 0
        if self.page_limit is not None and page_count > self.page_limit:
            last = max(last, self.page_limit + 1)
        return range(min(last, page_count))

    # --- structure ------------------------------------------------------------

    def _walk(self, pdf: pikepdf.Pdf) -> _Found:
        """Check and collect every dictionary and stream reachable from the trailer."""
        found = _Found()
        catalog = pdf.Root.objgen
        for obj in _reachable(pdf, self.deadline):
            found.active |= _active_content(obj)
            is_stream = isinstance(obj, pikepdf.Stream)
            is_image = is_stream and _name(obj.get("/Subtype")) == "/Image"
            if is_stream and not is_image:
                # Images are never decoded here (only copied, or their JPEG headers
                # edited), and legitimate figures can inflate to tens of MB, so they
                # do not count against the budget; everything else may be decoded by
                # PDFium when it reads the text.
                self.budget.spend(obj)
            if "/Metadata" in obj and obj.objgen != catalog:
                found.xmp_holders.append(obj)
            if is_image and _filters(obj) == ["/DCTDecode"]:
                found.jpegs.append(obj)
            if "/PieceInfo" in obj:
                found.piece_info.append(obj)
            if "/T" in obj and "/Rect" in obj and _name(obj.get("/Subtype")) not in (None, "/Widget"):
                # /T of an annotation (a comment) is its author; on form widgets it is the
                # field name, which the form needs.
                found.annotation_authors.append(obj)
        return found

    def _refuse_damage(self, pdf: pikepdf.Pdf) -> None:
        # qpdf repairs what viewers repair (a wrong cross-reference table, a bad stream
        # length, a misplaced page tree) and so do we. An object defined through itself
        # has no value at all, and data nested past qpdf's limit was dropped: readers
        # would each show something different.
        for warning in pdf.get_warnings():
            if "loop detected" in warning or "limits error" in warning:
                raise PdfRejected(_MESSAGES["malformed"], "malformed")
            if "memory limit exceeded" in warning:  # qpdf's own backstop (see _QPDF_BACKSTOPS)
                budget = _mb(_QPDF_BACKSTOPS["flate_max_memory"][1], math.floor)
                raise PdfRejected(_MESSAGES["bomb"].format(budget=budget), "bomb")

    # --- double-blind checks ----------------------------------------------------

    def _anonymity(
        self,
        pdf: pikepdf.Pdf,
        pages: list[pikepdf.Page],
        metadata: tuple[tuple[str, str], ...],
        view: _UploadView,
    ) -> None:
        places = [(f'The PDF metadata field "{name}" contains', value, True) for name, value in metadata]
        first_page = view.texts.get(0)
        if first_page is None or (not first_page.strip() and view.first_page_has_content):
            self.warnings.append(_MESSAGES["unreadable_first_page"])
        else:
            places.append(("The first page mentions", first_page[:FIRST_PAGE_TEXT_CHARS], False))
        places += _annotation_texts(pages, self.deadline)
        places += [("A form field mentions", text, False) for text in _form_field_texts(pdf, self.deadline)]
        for message in _identity_warnings(places, self.names, self.emails):
            if message not in self.warnings:
                self.warnings.append(message)

    # --- the reviewer copy ------------------------------------------------------

    def _copy(self, pdf: pikepdf.Pdf, found: _Found) -> bytes:
        # The trailer keeps only /Root and /Size: /Info goes (with it every object only it used,
        # because qpdf writes only what is reachable), and so does /ID, whose first half
        # qpdf would otherwise keep and which can tie the copy to a published preprint.
        for key in list(pdf.trailer.keys()):
            if key not in ("/Root", "/Size"):
                del pdf.trailer[key]
        for key in ("/Metadata", "/PieceInfo"):
            if key in pdf.Root:
                del pdf.Root[key]
        for obj in found.piece_info:
            if "/PieceInfo" in obj:
                del obj["/PieceInfo"]
        for obj in found.annotation_authors:
            del obj["/T"]

        image_hits: list[str] = []
        other_hits: list[str] = []
        others = 0
        stripped: set[tuple[int, int]] = set()
        for obj in found.jpegs:
            self.deadline.check()
            raw = obj.read_raw_bytes()
            edited = _strip_jpeg(raw)
            if edited is not None:
                jpeg, removed = edited
                obj.write(jpeg, filter=pikepdf.Name.DCTDecode, decode_parms=obj.get("/DecodeParms"))
                image_hits += _people(_segment_texts(removed), self.names, self.emails)
                stripped.add(obj.objgen)
        for obj in found.xmp_holders:
            self.deadline.check()
            text = _xmp_text(obj.get("/Metadata"))
            is_image = _name(obj.get("/Subtype")) == "/Image"
            del obj["/Metadata"]
            hits = _people([text], self.names, self.emails)
            if is_image:
                image_hits += hits
                stripped.add(obj.objgen)
            else:
                other_hits += hits
                others += 1
        images = len(stripped)
        if images:
            self.notes.append(
                _MESSAGES["image_metadata"].format(
                    count=_plural(images, "image"), found=_contained(image_hits, several=images > 1)
                )
            )
        if others:
            self.notes.append(
                _MESSAGES["other_metadata"].format(
                    count=_plural(others, "other part"), found=_contained(other_hits, several=others > 1)
                )
            )

        self.deadline.check()
        out = io.BytesIO()
        pdf.save(
            out,
            # Streams are copied byte for byte: nothing is decoded or recompressed (only
            # uncompressed ones, and the object streams qpdf writes, get compressed).
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            compress_streams=True,
            encryption=False,
            deterministic_id=True,  # a new /ID computed from the copy itself
            fix_metadata_version=False,
            preserve_pdfa=False,
        )
        self.deadline.check()
        return out.getvalue()

    def _compare(self, copy: bytes, page_count: int, upload: _UploadView) -> str | None:
        """Why the copy does not show what the upload shows, as PDFium reads both; or None."""
        if upload.page_count != page_count:
            return _MESSAGES["copy_viewers_disagree"].format(qpdf=page_count, pdfium=upload.page_count)
        try:
            difference = _compare_in_viewer(self.data, copy, upload.texts, self.deadline)
        except _TooSlow:
            raise
        except Exception:
            logger.warning("PDF copy unreadable: sha256=%s size=%d", self.sha256, len(self.data), exc_info=True)
            return _MESSAGES["copy_unreadable"]
        if difference is None:
            return None
        if difference[0] == 0:
            return _MESSAGES["copy_page_count"].format(copy=difference[1], upload=page_count)
        return _MESSAGES["copy_page"].format(page=difference[0], what=difference[1])


def _reachable(pdf: pikepdf.Pdf, deadline: _Deadline) -> Iterator[pikepdf.Object]:
    """Yield every dictionary and stream reachable from the trailer, each once.

    Iterative with a seen-set: PDFs are graphs with cycles (/Parent) and can be
    nested deeply. The encryption dictionary is qpdf's business.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [value for key, value in pdf.trailer.items() if key != "/Encrypt"]
    visited = 0
    while stack:
        visited += 1
        if visited % 1000 == 0:
            deadline.check()
            if visited > _MAX_WALK_ITEMS:
                raise PdfRejected(_MESSAGES["too_complex"], "too_complex")
        obj = stack.pop()
        if not isinstance(obj, pikepdf.Object):
            continue  # numbers and booleans arrive as Python values
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            yield obj
            stack.extend(obj.values())
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)


def _name(value: object) -> str | None:
    if not isinstance(value, pikepdf.Name):
        return None
    try:
        return str(value)
    except UnicodeDecodeError:  # not UTF-8, so not a name we look for
        return value.unparse().decode("latin-1")


def _filters(stream: pikepdf.Object) -> list[str]:
    value = stream.get("/Filter")
    items = list(value) if isinstance(value, pikepdf.Array) else [value]
    return [name for name in map(_name, items) if name is not None]


_ACTIVE_LABELS = (
    "JavaScript",
    "an action that runs when the document is opened (OpenAction)",
    "a Launch action (which can start other programs)",
    "additional actions triggered by viewing or clicking (AA)",
    "an embedded file attachment",
)
_JS, _OPEN, _LAUNCH, _AA, _FILE = _ACTIVE_LABELS


def _active_content(obj: pikepdf.Object) -> set[str]:
    found = set()
    action = _name(obj.get("/S"))
    if "/JS" in obj or "/JavaScript" in obj or action == "/JavaScript":
        found.add(_JS)
    if action == "/Launch":
        found.add(_LAUNCH)
    if "/AA" in obj:
        found.add(_AA)
    # An OpenAction that is a destination array, or a GoTo, just picks the first view
    # (LaTeX's hyperref emits one by default); anything else runs on opening. Actions
    # chained through /Next are reached by the walk itself.
    open_action = obj.get("/OpenAction")
    if isinstance(open_action, pikepdf.Dictionary) and _name(open_action.get("/S")) != "/GoTo":
        found.add(_OPEN)
    if (
        "/EmbeddedFiles" in obj
        or "/EF" in obj
        or _name(obj.get("/Type")) == "/EmbeddedFile"
        or _name(obj.get("/Subtype")) == "/FileAttachment"
    ):
        found.add(_FILE)
    return found


class _InflateBudget:
    """Total decompressed size of Flate streams, measured without keeping the output."""

    def __init__(self, limit: int, deadline: _Deadline) -> None:
        self.remaining = limit
        self.limit = limit
        self.deadline = deadline
        self.measured: set[tuple[int, int]] = set()

    def spend(self, stream: pikepdf.Object | None) -> None:
        if not isinstance(stream, pikepdf.Stream):
            return
        if stream.is_indirect:
            if stream.objgen in self.measured:
                return
            self.measured.add(stream.objgen)
        filters = _filters(stream)
        layers = 0
        # Only the leading run of Flate filters is measured: stacked Flate filters are the
        # classic amplifier, and what follows (DCT, ...) is image data we never decode.
        while layers < len(filters) and filters[layers] in ("/FlateDecode", "/Fl"):
            layers += 1
        if not layers:
            return
        chunks: Iterator[bytes] = _chunked(stream.read_raw_bytes())
        for _ in range(layers):
            chunks = _inflate(chunks, self.deadline)
        for chunk in chunks:
            self.remaining -= len(chunk)
            if self.remaining < 0:
                raise PdfRejected(_MESSAGES["bomb"].format(budget=_mb(self.limit, math.floor)), "bomb")


def _chunked(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), _INFLATE_IN_CHUNK):
        yield data[start : start + _INFLATE_IN_CHUNK]


def _inflate(chunks: Iterator[bytes], deadline: _Deadline) -> Iterator[bytes]:
    # max_length keeps memory at one output chunk however well the data compresses.
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header
    try:
        for chunk in chunks:
            while chunk and not inflater.eof:
                out = inflater.decompress(chunk, _INFLATE_OUT_CHUNK)
                chunk = inflater.unconsumed_tail
                deadline.check()
                if out:
                    yield out
            if inflater.eof:
                return
    except zlib.error:
        return  # corrupt data decodes to nothing more than what came out so far


# --- metadata ---------------------------------------------------------------

_XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XMP_FIELDS = (
    "dc:creator",
    "dc:contributor",
    "dc:publisher",
    "dc:rights",
    "dc:title",
    "dc:subject",
    "dc:description",
    "pdf:Keywords",
    "pdf:Producer",
    "xmp:CreatorTool",
)
_SKIPPED_INFO = {"/CreationDate", "/ModDate", "/Trapped"}


def _metadata(pdf: pikepdf.Pdf) -> tuple[tuple[str, str], ...]:
    fields: list[tuple[str, str]] = []
    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary):
        # items(), not get(): pikepdf cannot look up a key that is not UTF-8. Sorted, as
        # qpdf keeps no order.
        for key, value in sorted(info.items(), key=lambda item: item[0])[:64]:
            if key not in _SKIPPED_INFO and isinstance(value, pikepdf.String):
                fields.append((_clean(key.lstrip("/")), _text(value)))
    fields += _xmp_fields(_xmp_bytes(pdf.Root.get("/Metadata")))
    return tuple((name, _clean(value.strip()[:_METADATA_VALUE_CHARS])) for name, value in fields if value.strip())


def _xmp_bytes(stream: object) -> bytes:
    # Counted against the inflate budget by the walk, like every non-image stream; other
    # filters than Flate (which the budget does not measure) are not decoded.
    if not isinstance(stream, pikepdf.Stream) or set(_filters(stream)) - {"/FlateDecode", "/Fl"}:
        return b""
    try:
        return stream.read_bytes()
    except Exception:  # an undecodable packet only means we cannot report it; the copy drops it
        return b""


def _xmp_fields(xml: bytes) -> list[tuple[str, str]]:
    if not xml.strip() or len(xml) > _XMP_PARSE_BYTES:
        return []
    # XMP never has a document type declaration; without one there are no entities to
    # expand or fetch, which is what makes XML parsers dangerous. UTF-16 without a byte
    # order mark would hide one from this test, so it is not parsed either.
    if _DOCTYPE.search(_decode_text(xml)) or (b"\x00" in xml and not xml.startswith(_UTF16_BOMS)):
        return []
    try:
        root = ElementTree.fromstring(xml)  # noqa: S314 -- no DTD, see above
    except Exception:  # ParseError or worse: unreadable XMP is not reported, only removed
        return []
    fields = []
    for label in _XMP_FIELDS:
        prefix, local = label.split(":")
        tag = f"{{{_XMP_NAMESPACES[prefix]}}}{local}"
        values = []
        for element in root.iter(tag):
            items = [item.text or "" for item in element.iter(f"{_RDF}li")]
            values += items if items else [element.text or ""]
        for description in root.iter(f"{_RDF}Description"):  # simple properties may be attributes
            if tag in description.attrib:
                values.append(description.attrib[tag])
        values = [value.strip() for value in values if value and value.strip()]
        if values:
            fields.append((label, "; ".join(values)))
    return fields


_DOCTYPE = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_UTF16_BOMS = (b"\xfe\xff", b"\xff\xfe")


def _xmp_text(stream: object) -> str:
    return _decode_text(_xmp_bytes(stream))


def _decode_text(data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


# --- JPEG metadata ----------------------------------------------------------

# Kept: APP0 (JFIF), APP2 (ICC colour profile), APP14 (Adobe colour transform), which
# decoding may need. Dropped: APP1 (EXIF, XMP), APP3-APP13 (APP13: IPTC, Photoshop),
# APP15 and comments.
_JPEG_DROPPED = {0xE1, *range(0xE3, 0xEE), 0xEF, 0xFE}


def _strip_jpeg(data: bytes) -> tuple[bytes, list[bytes]] | None:
    """The JPEG without metadata segments and the removed payloads; None if nothing to do.

    Only marker segments are rewritten; the entropy-coded data is copied untouched.
    None too for data we cannot follow (then the image is left as it is).
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    out = bytearray(b"\xff\xd8")
    removed: list[bytes] = []
    pos, size = 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            return None
        while pos < size and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= size:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # end of image; whatever trails it is hidden data too
            out += b"\xff\xd9"
            if data[pos:].strip(b"\x00\r\n\t "):
                removed.append(data[pos:])
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out += bytes((0xFF, marker))
            continue
        if pos + 2 > size:
            return None
        length = int.from_bytes(data[pos : pos + 2], "big")
        end = pos + length
        if length < 2 or end > size:
            return None
        if marker == 0xDA:  # start of scan: header, then entropy-coded data up to the next marker
            end = _scan_end(data, end)
            out += b"\xff\xda" + data[pos:end]
        elif marker in _JPEG_DROPPED:
            removed.append(data[pos + 2 : end])
        else:
            out += bytes((0xFF, marker)) + data[pos:end]
        pos = end
    if not removed:
        return None
    return bytes(out), removed


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at `pos` ends: the 0xFF of the next marker."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos == -1 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1  # stuffed byte, restart marker or fill byte: still scan data
            continue
        return pos


def _segment_texts(payloads: list[bytes]) -> list[str]:
    # EXIF and IPTC strings are ASCII or Latin-1, XMP is UTF-8, Windows' XPAuthor is UTF-16.
    texts = []
    for payload in payloads:
        texts += [payload.decode("latin-1"), payload.decode("utf-8", errors="replace")]
        texts += [payload[offset:].decode("utf-16-le", errors="replace") for offset in (0, 1)]
    return texts


# --- PDFium -----------------------------------------------------------------


@dataclass
class _UploadView:
    page_count: int
    texts: dict[int, str | None]  # page index -> text; None when the page could not be read
    first_page_has_content: bool


def _read_upload(data: bytes, indices: range, deadline: _Deadline, sha256: str) -> _UploadView:
    """The upload as PDFium reads it: page count and the text of the pages asked for."""
    texts: dict[int, str | None] = {}
    has_content = False
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            if error.err_code != pdfium_c.FPDF_ERR_PASSWORD:
                raise  # the upload is refused as damaged
            # qpdf opened it without a password, but viewers would ask for one.
            _log_refusal("encrypted", sha256, len(data))
            raise PdfRejected(_MESSAGES["encrypted"], "encrypted") from None
        try:
            page_count = len(document)
            for index in indices:
                if index >= page_count:
                    break
                deadline.check()
                try:
                    text, objects = _page_text(document, index)
                except _TooSlow:
                    raise
                except Exception:
                    # A page we cannot read is no reason to refuse a paper; the checks
                    # that need its text say so.
                    logger.warning("PDF page %d unreadable: sha256=%s", index + 1, sha256, exc_info=True)
                    text, objects = None, 1
                texts[index] = text
                if index == 0:
                    has_content = objects > 0
        finally:
            document.close()
    return _UploadView(page_count=page_count, texts=texts, first_page_has_content=has_content)


def _page_text(document: pdfium.PdfDocument, index: int) -> tuple[str, int]:
    """(text, number of page objects) of one page; the caller holds the lock."""
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return textpage.get_text_range(), pdfium_c.FPDFPage_CountObjects(page.raw)
        finally:
            textpage.close()
    finally:
        page.close()


def _compare_in_viewer(
    upload: bytes, copy: bytes, known_texts: dict[int, str | None], deadline: _Deadline
) -> tuple[int, str | int] | None:
    """The first difference between upload and copy as PDFium shows them, or None.

    (0, copy page count) when the page counts differ, else (page number, what differs).
    """
    with _PDFIUM_LOCK:
        before = pdfium.PdfDocument(upload)
        try:
            after = pdfium.PdfDocument(copy)
            try:
                if len(after) != len(before):
                    return 0, len(after)
                for index in range(len(before)):
                    deadline.check()
                    shown = _page_view(before, index, known_text=known_texts.get(index))
                    shown_after = _page_view(after, index)
                    for what, was, now in zip(_PAGE_ASPECTS, shown, shown_after, strict=True):
                        if was != now:
                            return index + 1, what
                return None
            finally:
                after.close()
        finally:
            before.close()


_PAGE_ASPECTS = ("page size differs", "text differs", "number of images differs")


def _page_view(document: pdfium.PdfDocument, index: int, known_text: str | None = None) -> tuple[object, ...]:
    """(size, text, images) of one page as PDFium shows it; None for what it cannot read.

    The caller holds the lock.
    """
    try:
        page = document[index]
    except pdfium.PdfiumError:
        return None, None, None
    try:
        width, height = page.get_size()
        text = known_text
        if text is None:
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
            except pdfium.PdfiumError:
                text = None
        return (round(width, 2), round(height, 2)), text, _count_images(page)
    finally:
        page.close()


def _count_images(page: pdfium.PdfPage) -> int:
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


# --- page limit -------------------------------------------------------------

# The start of a heading line: optional section number, then the word. Title case or
# capitals only, so running text ("references to prior work") does not count. Spaces
# are removed first because small capitals often extract as "R EFERENCES".
_BACK_MATTER = re.compile(
    r"(?:[0-9]+|[IVX]+)?[.:]?(References|REFERENCES|Bibliography|BIBLIOGRAPHY"
    r"|Appendix|APPENDIX|Appendices|APPENDICES)"
)
_HEADING_TOP_CHARS = 200  # less text than this above the heading is a running header


def _page_limit_note(texts: dict[int, str | None], page_count: int, page_limit: int, over_limit: str) -> str | None:
    """Refuse (or, with over_limit="warn", note) a main text running past `page_limit` pages.

    Only called when the PDF has more pages than the limit. The main text ends
    where the References, Bibliography or Appendix heading is: found on a page up
    to the limit, or at the top of the first page over it, the PDF passes. Found
    part-way down that page, or not found at all (so the length of the main text
    cannot be established), it does not.
    """
    first_over = texts.get(page_limit) or ""  # index page_limit is page page_limit + 1
    heading = _find_back_matter(first_over)
    if heading is not None and heading[1] < _HEADING_TOP_CHARS:
        return None  # back matter starts at the top of the first page over the limit
    if any(_find_back_matter(texts.get(index) or "") is not None for index in range(page_limit)):
        return None
    if heading is not None:
        details = {"count": page_count, "limit": page_limit, "heading": heading[0], "page": page_limit + 1}
        if over_limit == "warn":
            return _MESSAGES["over_limit_found"].format(**details)
        raise PdfRejected(_MESSAGES["page_limit_found"].format(**details), "too_many_pages")
    details = {"count": page_count, "limit": page_limit, "searched": page_limit + 1}
    if over_limit == "warn":
        return _MESSAGES["over_limit_unknown"].format(**details)
    raise PdfRejected(_MESSAGES["page_limit_unknown"].format(**details), "too_many_pages")


def _find_back_matter(text: str) -> tuple[str, int] | None:
    """The quoted heading word and how many visible characters precede it, if found."""
    chars_above = 0
    for line in text.splitlines():
        compact = "".join(line.split())
        match = _BACK_MATTER.match(compact)
        # Short lines only: a heading may carry a title ("Appendix A: Proofs") or be run
        # together with the first entry, but a long line starting so is running text.
        if match and len(line) <= 80:
            return f'"{match.group(1).capitalize()}"', chars_above
        chars_above += len(compact)
    return None


# --- annotations and forms ----------------------------------------------------


def _string(value: object) -> str:
    if isinstance(value, pikepdf.String):
        return _text(value)[:_FIELD_TEXT_CHARS]
    return ""


def _text(value: pikepdf.String) -> str:
    """A PDF text string as text, whatever its bytes (broken UTF-16 included)."""
    try:
        return _clean(str(value))
    except Exception:  # undecodable: the raw bytes still show ASCII names
        return bytes(value).decode("latin-1")


def _clean(text: str) -> str:
    # Lone surrogates (from bytes that were not UTF-8) cannot be stored or shown.
    return text.encode("utf-8", errors="replace").decode("utf-8")


def _annotation_texts(pages: list[pikepdf.Page], deadline: _Deadline) -> list[tuple[str, str, bool]]:
    """(prefix, text, is-an-author-field) for what comments and other annotations say."""
    places = []
    seen = 0
    for number, page in enumerate(pages, start=1):
        annotations = page.obj.get("/Annots")
        if not isinstance(annotations, pikepdf.Array):
            continue
        deadline.check()
        for annotation in annotations:
            seen += 1
            if seen > _MAX_ANNOTATIONS:
                return places
            if not isinstance(annotation, pikepdf.Dictionary) or _name(annotation.get("/Subtype")) == "/Widget":
                continue
            prefix = f"An annotation on page {number} mentions"
            places.append((prefix, _string(annotation.get("/T")), True))
            texts = [_string(annotation.get("/Contents")), _string(annotation.get("/RC"))]
            rich = annotation.get("/RC")
            if isinstance(rich, pikepdf.Stream):  # counted against the budget by the walk
                texts.append(_xmp_text(rich)[:_FIELD_TEXT_CHARS])
            places += [(prefix, text, False) for text in texts if text]
    return [place for place in places if place[1]]


def _form_field_texts(pdf: pikepdf.Pdf, deadline: _Deadline) -> list[str]:
    """Values, tooltips and export names of the interactive form's fields."""
    form = pdf.Root.get("/AcroForm")
    fields = form.get("/Fields") if isinstance(form, pikepdf.Dictionary) else None
    if not isinstance(fields, pikepdf.Array):
        return []
    texts = []
    seen: set[tuple[int, int]] = set()
    stack = list(fields)
    visited = 0
    while stack and visited < _MAX_FORM_FIELDS:
        visited += 1
        if visited % 1000 == 0:
            deadline.check()
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        for key in ("/V", "/TU", "/TM"):
            value = node.get(key)
            values = list(value) if isinstance(value, pikepdf.Array) else [value]
            texts += [text for text in map(_string, values[:100]) if text]
        kids = node.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
    return texts


# --- matching ---------------------------------------------------------------


def _identity_warnings(places: list[tuple[str, str, bool]], names: list[str], emails: list[str]) -> list[str]:
    """Warnings about author names or emails in each (prefix, text, is-an-author-field) place.

    Names match as whole words, case- and accent-insensitively, also as
    "Smith, Alice" and "A. Smith"; a surname alone only counts in author fields
    such as metadata (in running text it is most likely a citation) and only if it
    has at least 4 letters.
    """
    warnings: list[str] = []
    for prefix, text, is_author_field in places:
        for hit in _people([text], names, emails, with_surname=is_author_field):
            if f'{prefix} "{hit}".' not in warnings:
                warnings.append(f'{prefix} "{hit}".')
    return warnings


def _people(texts: list[str], names: Sequence[str], emails: Sequence[str], *, with_surname: bool = True) -> list[str]:
    """The emails and names (as found: the most specific variant) that occur in `texts`."""
    haystacks = [_normalise(text) for text in texts if text]
    needles = [[(email, _EMAIL_EDGES)] for email in emails if "@" in email]
    needles += [[(v, _WORD_EDGES) for v in _name_variants(name, with_surname=with_surname)] for name in names]
    hits = []
    for variants in needles:
        # The most specific variant wins so each person is reported once per place.
        hit = next(
            (shown for shown, edges in variants if any(_contains(haystack, shown, edges) for haystack in haystacks)),
            None,
        )
        if hit is not None and hit not in hits:
            hits.append(hit)
    return hits


def _normalise(text: str) -> str:
    # Accent-, case- and ligature-insensitive, with all whitespace runs as one space.
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


# (before, after) patterns that must not touch a match: names are whole words; an
# email must not be the tail of a longer address or the head of a longer domain.
_WORD_EDGES = (r"(?<!\w)", r"(?!\w)")
_EMAIL_EDGES = (r"(?<![\w.+-])", r"(?![\w-]|\.\w)")


def _contains(haystack: str, needle: str, edges: tuple[str, str]) -> bool:
    needle = _normalise(needle)
    return bool(needle) and re.search(edges[0] + re.escape(needle) + edges[1], haystack) is not None


def _name_variants(name: str, *, with_surname: bool) -> list[str]:
    parts = name.split()
    if not parts:
        return []
    if len(parts) == 1:  # a mononym is as specific as it gets, but not a short one
        return parts if len(parts[0]) >= 4 else []
    first, last = parts[0], parts[-1]
    variants = [" ".join(parts), f"{first} {last}", f"{last}, {first}", f"{first[0]}. {last}"]
    if with_surname and len(last) >= 4:
        variants.append(last)
    return list(dict.fromkeys(variants))


# --- wording ----------------------------------------------------------------


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _contained(hits: list[str], *, several: bool) -> str:
    hits = list(dict.fromkeys(hits))
    if not hits:
        return ""
    return f"; {'they' if several else 'it'} contained " + _join([f'"{hit}"' for hit in hits])


def _mb(size: int, rounding: Callable[[float], int]) -> str:
    # Rounded outwards (file size up, cap down) so "20 MB; the maximum is 20 MB" never happens.
    return f"{rounding(size * 10 / MB) / 10:.1f}".removesuffix(".0")
