"""Validate uploaded paper PDFs and strip identifying metadata.

Deliberately free of Django imports so it can be tested on its own and reused
from a management command or a worker.

Every byte string either yields a `PdfInfo` or raises `PdfRejected` carrying a
stable `code` and a message that can be shown to the author as is; nothing else
escapes `inspect_pdf` or `scrub_metadata`.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject, StreamObject

MB = 1024 * 1024
DEFAULT_INFLATE_BUDGET = 200 * MB
FIRST_PAGE_TEXT_CHARS = 10_000
_METADATA_VALUE_CHARS = 1_000
_MAGIC_WINDOW = 1024  # PDF readers tolerate junk before the header, up to about this much
_INFLATE_OUT_CHUNK = 1 * MB
_INFLATE_IN_CHUNK = 64 * 1024

_RETRY = "Please export your paper to PDF again and upload the new file."

_MESSAGES = {
    "empty": "The uploaded file is empty. Please choose your PDF again and re-upload it.",
    "not_pdf": "This file is not a PDF{kind}. " + _RETRY,
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
    "page_limit_not_found": (
        "Your PDF has {count} pages; the limit is {limit} pages excluding references and "
        "appendices, and we found no References or Appendix heading on pages 1-{searched}. "
        "Please shorten the main text and upload it again. If your references do start "
        "within the limit, please contact the workshop chairs."
    ),
}


class PdfRejected(Exception):
    """An upload we refuse; `message` is written for the author, `code` for programs."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class PdfInfo:
    sha256: str
    size: int
    page_count: int
    # (field, value) pairs such as ("Author", "Alice Smith") or ("dc:creator", "Alice Smith");
    # `dict(info.metadata)` gives a mapping.
    metadata: tuple[tuple[str, str], ...]
    first_page_text: str


class _TooSlow(BaseException):
    """Raised at checkpoints once the time budget is spent.

    A BaseException so that pypdf's internal `except Exception` fallbacks (text
    extraction has several) cannot swallow it and keep working.
    """


class _Deadline:
    # Cooperative checkpoints rather than signal.alarm: signals only work on the main
    # thread, and Django views may run in worker threads.
    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def check(self, *_args: object) -> None:
        if time.monotonic() >= self._end:
            raise _TooSlow


def inspect_pdf(
    data: bytes,
    *,
    max_bytes: int,
    max_pages: int | None,
    page_limit: int | None,
    time_budget: float = 10.0,
    inflate_budget: int = DEFAULT_INFLATE_BUDGET,
) -> PdfInfo:
    """Check that `data` is a safe, readable PDF within the limits, or raise PdfRejected.

    `max_pages` caps the total page count; `page_limit` is the rule for the main
    text, excluding references and appendices (see `_check_page_limit`).
    `inflate_budget` caps the total decompressed size of the streams we might decode.
    """
    _check_envelope(data, max_bytes)
    deadline = _Deadline(time_budget)
    try:
        with _limits(inflate_budget):
            return _inspect(data, deadline, max_pages, page_limit, inflate_budget)
    except PdfRejected:
        raise
    except _TooSlow:
        raise PdfRejected(_MESSAGES["too_slow"].format(seconds=time_budget), "too_slow") from None
    except LimitReachedError:
        raise PdfRejected(_MESSAGES["too_complex"], "bomb") from None
    except Exception:  # hostile input can make pypdf raise anything
        # (PdfReadError, KeyError, ValueError, RecursionError, MemoryError, ...); an upload
        # must never turn into a server error.
        raise PdfRejected(_MESSAGES["malformed"], "malformed") from None


def scrub_metadata(data: bytes) -> bytes:
    """Return a copy of the PDF without document info, XMP or annotation authors.

    Pages are copied object for object (streams are not re-encoded), so the page
    count and the text are unchanged. Call `inspect_pdf` first: the limits here
    only guard against surprises, not against hostile files.
    """
    try:
        with _limits(DEFAULT_INFLATE_BUDGET):
            reader = PdfReader(io.BytesIO(data))
            # Edited before cloning, because the clone copies only what is reachable:
            # removing a key afterwards would still write the orphaned object out.
            for obj in list(_walk(reader.root_object)):
                # XMP may also sit on pages, images and fonts; PieceInfo is editor-private data.
                for key in ("/Metadata", "/PieceInfo"):
                    obj.pop(key, None)
                if "/Rect" in obj and _get(obj, "/Subtype") not in (None, "/Widget"):
                    # /T of an annotation (a comment) is its author; on form widgets it is
                    # the field name, which the form needs.
                    obj.pop("/T", None)
            writer = PdfWriter(clone_from=reader)
            writer.metadata = None  # drops /Info, including the "Producer: pypdf" it would add
            out = io.BytesIO()
            writer.write(out)
            return out.getvalue()
    except Exception:  # same contract as inspect_pdf
        raise PdfRejected(_MESSAGES["malformed"], "malformed") from None


def identity_leaks(info: PdfInfo, *, names: list[str], emails: list[str]) -> list[str]:
    """Warnings about author names or emails visible in the metadata or on page 1.

    Names match as whole words, case- and accent-insensitively, also as
    "Smith, Alice" and "A. Smith"; a surname alone only counts in metadata (on
    page 1 it is most likely a citation) and only if it has at least 4 letters.
    """
    places = [(f'The PDF metadata field "{field}" contains', value, True) for field, value in info.metadata]
    places.append(("The first page mentions", info.first_page_text, False))
    warnings: list[str] = []
    for prefix, text, is_metadata in places:
        haystack = _normalise(text)
        needles = [[(email, _EMAIL_EDGES)] for email in emails if "@" in email]
        needles += [[(v, _WORD_EDGES) for v in _name_variants(name, with_surname=is_metadata)] for name in names]
        for variants in needles:
            # The most specific variant wins so each person is reported once per place.
            hit = next((shown for shown, edges in variants if _contains(haystack, shown, edges)), None)
            if hit is not None and f'{prefix} "{hit}".' not in warnings:
                warnings.append(f'{prefix} "{hit}".')
    return warnings


# --- checks -----------------------------------------------------------------

_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a Word document or ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Word (.doc) document"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
)


def _check_envelope(data: bytes, max_bytes: int) -> None:
    if not data:
        raise PdfRejected(_MESSAGES["empty"], "empty")
    if len(data) > max_bytes:
        message = _MESSAGES["too_large"].format(size=_mb(len(data), math.ceil), cap=_mb(max_bytes, math.floor))
        raise PdfRejected(message, "too_large")
    if data.find(b"%PDF-", 0, _MAGIC_WINDOW) == -1:
        kind = next((f" (it looks like {name})" for magic, name in _SIGNATURES if data.startswith(magic)), "")
        raise PdfRejected(_MESSAGES["not_pdf"].format(kind=kind), "not_pdf")


def _inspect(
    data: bytes, deadline: _Deadline, max_pages: int | None, page_limit: int | None, inflate_budget: int
) -> PdfInfo:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise PdfRejected(_MESSAGES["encrypted"], "encrypted")

    # Object streams are decoded whole and cached by pypdf as soon as any object inside
    # is needed, so they are measured before anything else is resolved.
    budget = _InflateBudget(inflate_budget, deadline)
    for stream_number in sorted({number for number, _ in reader.xref_objStm.values()}):
        budget.spend(reader.get_object(stream_number))

    page_count = len(reader.pages)  # counts the page tree; /Count may lie
    if page_count == 0:
        raise PdfRejected(_MESSAGES["no_pages"], "malformed")
    if max_pages is not None and page_count > max_pages:
        raise PdfRejected(_MESSAGES["max_pages"].format(count=page_count, cap=max_pages), "too_many_pages")

    found: set[str] = set()
    for obj in _walk(reader.trailer, deadline):
        found |= _active_content(obj)
        if isinstance(obj, StreamObject) and _get(obj, "/Subtype") != "/Image":
            # Images are never decoded here (only copied), and legitimate figures can
            # inflate to tens of MB, so they do not count against the budget.
            budget.spend(obj)
    if found:
        labels = [label for label in _ACTIVE_LABELS if label in found]
        raise PdfRejected(_MESSAGES["active_content"].format(found=_join(labels)), "active_content")

    texts = _PageTexts(reader, deadline)
    if page_limit is not None and page_count > page_limit:
        _check_page_limit(texts, page_count, page_limit)

    return PdfInfo(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        page_count=page_count,
        metadata=_metadata(reader),
        first_page_text=texts[0][:FIRST_PAGE_TEXT_CHARS],
    )


def _limits(inflate_budget: int) -> AbstractContextManager[object]:
    # pypdf's own limits back up our pre-scan for filters we do not measure (LZW,
    # RunLength, ...). The configuration lives in a ContextVar, so it is per thread.
    per_stream = min(inflate_budget, 50 * MB)
    return apply_configuration(
        zlib_maximum_output_length=per_stream,
        lzw_maximum_output_length=per_stream,
        run_length_maximum_output_length=per_stream,
        brotli_maximum_output_length=per_stream,
        jbig2_maximum_output_length=per_stream,
        array_based_stream_maximum_output_length=per_stream,
        image_maximum_buffer_size=per_stream,
        stream_decoding_work_maximum_length=2 * per_stream,
        # pypdf retries corrupt Flate data byte by byte; at ~1 us per byte keep that short.
        zlib_maximum_recovery_input_length=1 * MB,
        page_tree_maximum_entries=20_000,
        # Parsing a content stream is one uninterruptible call at roughly 5 us per token;
        # this keeps it near a second. Bigger pages (huge vector plots) just yield no text.
        stream_parsing_work_maximum_count=300_000,
        jbig2dec_binary=None,  # never spawn external decoders from a web worker
    )


def _walk(start: PdfObject, deadline: _Deadline | None = None) -> Iterator[DictionaryObject]:
    """Yield every dictionary (streams included) reachable from `start`, each once.

    Iterative with a seen-set: PDFs are graphs with cycles (/Parent) and can be
    nested deeper than Python's recursion limit.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [start]
    while stack:
        if deadline:
            deadline.check()
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            yield obj
            stack.extend(obj.values())  # raw values: references stay unresolved until popped
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


_ACTIVE_LABELS = (
    "JavaScript",
    "an action that runs when the document is opened (OpenAction)",
    "a Launch action (which can start other programs)",
    "additional actions triggered by viewing or clicking (AA)",
    "an embedded file attachment",
)
_JS, _OPEN, _LAUNCH, _AA, _FILE = _ACTIVE_LABELS


def _get(obj: DictionaryObject, key: str) -> PdfObject | None:
    # dict.get bypasses DictionaryObject.__getitem__, which is what resolves references.
    value = obj.get(key)
    return value.get_object() if isinstance(value, PdfObject) else value


def _active_content(obj: DictionaryObject) -> set[str]:
    found = set()
    action = _get(obj, "/S")
    if "/JS" in obj or "/JavaScript" in obj or action == "/JavaScript":
        found.add(_JS)
    if action == "/Launch":
        found.add(_LAUNCH)
    if "/AA" in obj:
        found.add(_AA)
    # An OpenAction that is a destination array, or a GoTo, just picks the first view
    # (LaTeX's hyperref emits one by default); anything else runs on opening. Actions
    # chained through /Next are reached by the walk itself.
    open_action = _get(obj, "/OpenAction")
    if isinstance(open_action, DictionaryObject) and _get(open_action, "/S") != "/GoTo":
        found.add(_OPEN)
    if (
        "/EmbeddedFiles" in obj
        or "/EF" in obj
        or _get(obj, "/Type") == "/EmbeddedFile"
        or _get(obj, "/Subtype") == "/FileAttachment"
    ):
        found.add(_FILE)
    return found


class _InflateBudget:
    """Total decompressed size of Flate streams, measured without keeping the output."""

    def __init__(self, limit: int, deadline: _Deadline) -> None:
        self.remaining = limit
        self.limit = limit
        self.deadline = deadline

    def spend(self, stream: PdfObject | None) -> None:
        if not isinstance(stream, StreamObject):
            return
        filters = _get(stream, "/Filter")
        filters = [f.get_object() for f in filters] if isinstance(filters, ArrayObject) else [filters]
        layers = 0
        # Only the leading run of Flate filters is measured: stacked Flate filters are the
        # classic amplifier, and what follows (DCT, ...) is image data we never decode.
        while layers < len(filters) and filters[layers] in ("/FlateDecode", "/Fl"):
            layers += 1
        if not layers:
            return
        chunks: Iterator[bytes] = _chunked(stream._data)
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
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header, like pypdf
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
        return  # corrupt data is pypdf's problem, within its own per-stream limits


class _PageTexts:
    """Lazily extracted page texts; extraction failures read as no text."""

    def __init__(self, reader: PdfReader, deadline: _Deadline) -> None:
        self._reader = reader
        self._deadline = deadline
        self._cache: dict[int, str] = {}

    def __getitem__(self, index: int) -> str:
        if index not in self._cache:
            self._deadline.check()
            try:
                page = self._reader.pages[index]
                self._cache[index] = page.extract_text(visitor_operand_before=self._deadline.check)
            except Exception:
                # Includes LimitReachedError for pages with huge vector figures: a page we
                # cannot read is no reason to refuse a paper (the limits were checked above).
                self._cache[index] = ""
        return self._cache[index]


# The start of a heading line: optional section number, then the word. Title case or
# capitals only, so running text ("references to prior work") does not count. Spaces
# are removed first because small capitals often extract as "R EFERENCES".
_BACK_MATTER = re.compile(
    r"(?:[0-9]+|[IVX]+)?[.:]?(References|REFERENCES|Bibliography|BIBLIOGRAPHY"
    r"|Appendix|APPENDIX|Appendices|APPENDICES)"
)
_HEADING_TOP_CHARS = 200  # less text than this above the heading is a running header


def _check_page_limit(texts: _PageTexts, page_count: int, page_limit: int) -> None:
    """Refuse if the main text (before References/Appendix) runs past `page_limit` pages.

    Only called when the PDF has more pages than the limit. The split is a
    heuristic, so it errs on the side of accepting: back matter found anywhere
    up to the first page over the limit passes, and a PDF without extractable
    text is let through for the chairs to judge.
    """
    first_over = texts[page_limit]  # index page_limit is page page_limit + 1
    heading = _find_back_matter(first_over)
    if heading is not None and heading[1] < _HEADING_TOP_CHARS:
        return  # back matter starts at the top of the first page over the limit
    # Scanning backwards finds the usual case (references starting a page or two
    # before the limit) after extracting only a page or two.
    chars = _visible_chars(first_over)
    for index in range(page_limit - 1, -1, -1):
        if _find_back_matter(texts[index]) is not None:
            return
        chars += _visible_chars(texts[index])
    if heading is not None:
        message = _MESSAGES["page_limit_found"].format(
            count=page_count, limit=page_limit, heading=heading[0], page=page_limit + 1
        )
        raise PdfRejected(message, "too_many_pages")
    if chars >= 500 * (page_limit + 1):  # the text is there, so the heading really is missing
        message = _MESSAGES["page_limit_not_found"].format(count=page_count, limit=page_limit, searched=page_limit + 1)
        raise PdfRejected(message, "too_many_pages")


def _visible_chars(text: str) -> int:
    return len("".join(text.split()))


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


# --- metadata ---------------------------------------------------------------

_XMP_FIELDS = (
    ("dc:creator", "dc_creator"),
    ("dc:contributor", "dc_contributor"),
    ("dc:publisher", "dc_publisher"),
    ("dc:rights", "dc_rights"),
    ("dc:title", "dc_title"),
    ("dc:subject", "dc_subject"),
    ("dc:description", "dc_description"),
    ("pdf:Keywords", "pdf_keywords"),
    ("pdf:Producer", "pdf_producer"),
    ("xmp:CreatorTool", "xmp_creator_tool"),
)
_SKIPPED_INFO = {"/CreationDate", "/ModDate", "/Trapped"}


def _metadata(reader: PdfReader) -> tuple[tuple[str, str], ...]:
    fields: list[tuple[str, str]] = []
    info = _get(reader.trailer, "/Info")
    if isinstance(info, DictionaryObject):
        for key, value in list(info.items())[:64]:
            value = value.get_object()
            if key not in _SKIPPED_INFO and isinstance(value, (str, bytes)):
                text = value if isinstance(value, str) else value.decode("latin-1")
                fields.append((str(key).lstrip("/"), text))
    try:
        xmp = reader.xmp_metadata
    except Exception:  # unreadable XMP only means we cannot report it; scrub removes it
        xmp = None
    for label, attribute in _XMP_FIELDS if xmp is not None else ():
        try:
            value = getattr(xmp, attribute)
        except Exception:  # one broken property should not hide the others
            value = None
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            value = "; ".join(str(item) for item in value)
        if value:
            fields.append((label, str(value)))
    return tuple((field, value.strip()[:_METADATA_VALUE_CHARS]) for field, value in fields if value.strip())


# --- matching ---------------------------------------------------------------


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
    if len(parts) == 1:  # a mononym is as specific as it gets, but not a single letter
        return parts if len(parts[0]) >= 4 else []
    first, last = parts[0], parts[-1]
    variants = [" ".join(parts), f"{first} {last}", f"{last}, {first}", f"{first[0]}. {last}"]
    if with_surname and len(last) >= 4:
        variants.append(last)
    return list(dict.fromkeys(variants))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _mb(size: int, rounding: Callable[[float], int]) -> str:
    # Rounded outwards (file size up, cap down) so "20 MB; the maximum is 20 MB" never happens.
    return f"{rounding(size * 10 / MB) / 10:.1f}".removesuffix(".0")
