"""`check_pdf`: the one call an upload goes through, in the order the checks must run."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from submissions.pdf import forms, page_limit, rebuild, viewer
from submissions.pdf.budget import (
    DEFAULT_INFLATE_BUDGET,
    Deadline,
    InflateBudget,
    TooSlow,
    inflates_whole,
    stream_filters,
)
from submissions.pdf.copy import make_copy
from submissions.pdf.envelope import Envelope, inspect_envelope
from submissions.pdf.errors import PdfRejected
from submissions.pdf.identity import identity_warnings, people
from submissions.pdf.messages import DIFFERENCES, MESSAGES, page_list, plural
from submissions.pdf.metadata import clean, metadata_fields
from submissions.pdf.structure import refuse_active, refuse_damage, walk

logger = logging.getLogger("submissions.pdf")

FIRST_PAGE_TEXT_CHARS = 10_000
HARD_MAX_PAGES = 2_000  # applies even when the caller passes max_pages=None
MAX_OBJECTS = 250_000  # objects in the cross-reference table
# Of the time left when the copy is compared, the share spent drawing pages (the rest compares what is left
# by size, text and images): drawing is what a heavy figure makes slow.
_DRAWING_SHARE = 0.6
# Refusals that may mean a good PDF was refused: worth a look by the admins.
_LOGGED = {"malformed", "bomb", "too_complex", "not_pdf", "polyglot"}


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
    chair_flags: tuple[str, ...] = ()  # keys of messages.CHAIR_FLAGS: what the checks could not establish


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
    text, excluding references and appendices (see `page_limit.outcome`). With
    `over_limit="warn"` (the chairs allow extra pages) a PDF over `page_limit` is
    accepted with a note instead of refused. `names` and `emails` are the authors',
    looked for in the metadata, on page 1, in annotations, form fields and their
    appearances when `check_anonymity` is set. `inflate_budget` caps the total
    decompressed size of the streams that may be decoded; `time_budget` (seconds)
    is checked between steps.
    """
    if over_limit not in ("refuse", "warn"):
        raise ValueError(f"over_limit must be 'refuse' or 'warn', not {over_limit!r}")
    sha256 = hashlib.sha256(data).hexdigest()
    deadline = Deadline(time_budget)
    try:
        envelope = inspect_envelope(data, max_bytes)
        check = _Check(
            data,
            sha256=sha256,
            deadline=deadline,
            max_pages=HARD_MAX_PAGES if max_pages is None else min(max_pages, HARD_MAX_PAGES),
            page_limit=page_limit,
            over_limit=over_limit,
            names=[name for name in names if name and name.strip()],
            emails=[email for email in emails if email and "@" in email],
            make_copy=make_copy,
            check_anonymity=check_anonymity,
            inflate_budget=inflate_budget,
        )
        return check.run(envelope)
    except PdfRejected as rejected:
        if rejected.code in _LOGGED:
            # Found by our own checks, so there is no exception to log; the file is still
            # worth a look (was a good PDF refused?).
            _log_refusal(rejected.code, sha256, len(data), exc_info=False)
        raise
    except TooSlow:
        raise PdfRejected(MESSAGES["too_slow"].format(seconds=time_budget), "too_slow") from None
    except MemoryError:
        _log_refusal("too_complex", sha256, len(data))
        raise PdfRejected(MESSAGES["too_complex"], "too_complex") from None
    except Exception:
        # Hostile or damaged input can make qpdf or PDFium raise anything (PdfError,
        # DataDecodingError, PdfiumError, RecursionError, ...); an upload must never turn
        # into a server error.
        _log_refusal("malformed", sha256, len(data))
        raise PdfRejected(MESSAGES["malformed"], "malformed") from None


def _log_refusal(code: str, sha256: str, size: int, *, exc_info: bool = True) -> None:
    # The file's hash and size identify it for the admins; never its content or names.
    logger.warning("PDF refused (%s): sha256=%s size=%d", code, sha256, size, exc_info=exc_info)


@dataclass
class _Rebuilt:
    info: dict[str, str] = field(default_factory=dict)
    active: set[str] = field(default_factory=set)


class _Check:
    def __init__(self, data: bytes, *, sha256: str, deadline: Deadline, max_pages: int, page_limit: int | None,
                 over_limit: str, names: list[str], emails: list[str], make_copy: bool, check_anonymity: bool,
                 inflate_budget: int) -> None:
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
        self.inflate_budget = inflate_budget
        self.budget = InflateBudget(inflate_budget, deadline)
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.chair_flags: list[str] = []
        self.rebuilt: _Rebuilt | None = None

    def run(self, envelope: Envelope) -> PdfResult:
        self.deadline.check()
        pdf = self._open()
        try:
            return self._run(pdf, envelope)
        finally:
            pdf.close()

    def _open(self) -> pikepdf.Pdf:
        try:
            # An empty password opens files that are only "protected" by an owner
            # password (or have an empty user password): every viewer opens those
            # without asking, and the copy is written unencrypted.
            return pikepdf.open(io.BytesIO(self.data), password="")
        except pikepdf.PasswordError:
            raise self._encrypted() from None
        except pikepdf.PdfError:
            if _pdfium_wants_password(self.data):
                raise self._encrypted() from None
            rebuilt = self._open_rebuilt()
            if rebuilt is None:
                raise  # neither reader can: refused as damaged, and logged with qpdf's reason
            logger.info("PDF rebuilt from PDFium, qpdf could not read it: sha256=%s", self.sha256, exc_info=True)
            return rebuilt

    def _open_rebuilt(self) -> pikepdf.Pdf | None:
        made = rebuild.rebuilt(self.data)
        if made is None:
            return None
        data, info, active = made
        active |= rebuild.raw_active_content(self.data, budget=self.inflate_budget, deadline=self.deadline)
        self.rebuilt = _Rebuilt(info=info, active=active)
        return pikepdf.open(io.BytesIO(data))

    def _encrypted(self) -> PdfRejected:
        _log_refusal("encrypted", self.sha256, len(self.data), exc_info=False)
        return PdfRejected(MESSAGES["encrypted"], "encrypted")

    def _run(self, pdf: pikepdf.Pdf, envelope: Envelope) -> PdfResult:
        xref = pdf.get_xref_table()
        if len(xref) > MAX_OBJECTS:
            raise PdfRejected(MESSAGES["too_complex"], "too_complex")
        # qpdf decodes an object stream whole as soon as any object in it is needed, so
        # they are measured before anything else is resolved.
        for number in sorted({entry.obj_stream_number for entry in xref.values() if entry.type == 2}):
            self.budget.spend(pdf.get_object((number, 0)))

        pages = list(pdf.pages)  # qpdf counts the page tree; /Count may lie
        page_count = len(pages)
        if page_count == 0:
            raise PdfRejected(MESSAGES["no_pages"], "malformed")
        if page_count > self.max_pages:
            raise PdfRejected(MESSAGES["max_pages"].format(count=page_count, cap=self.max_pages), "too_many_pages")

        found = walk(pdf, self.deadline, self.budget)
        refuse_active(found.active | (self.rebuilt.active if self.rebuilt else set()))
        refuse_damage(pdf)
        metadata = metadata_fields(pdf) + self._rebuilt_metadata()
        self._envelope_notes(envelope, page_count)
        self._damaged_stream_note(pages)

        try:
            view = viewer.read_upload(self.data, self._pages_to_read(page_count), self.deadline, self.sha256)
        except pdfium.PdfiumError as error:
            if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:  # qpdf opened it without one; viewers ask
                raise self._encrypted() from None
            raise  # the upload is refused as damaged
        signature_widgets = forms.signature_widgets(pages)
        if self.check_anonymity:
            self._anonymity(pdf, pages, metadata, view, found, signature_widgets)
        if self.page_limit is not None and page_count > self.page_limit:
            self._page_limit(view, page_count)

        copy, copy_problem = None, None
        if self.make_copy:
            flattened = {index for index, page in enumerate(pages) if forms.has_annotations(page)}
            made = make_copy(pdf, pages, found, signature_widgets=signature_widgets, names=self.names,
                             emails=self.emails, deadline=self.deadline)
            copy = made.data
            self.notes += made.notes
            copy_problem = self._compare(copy, page_count, view, flattened, signature_widgets)
        else:
            if view.page_count != page_count:
                self.notes.append(MESSAGES["viewers_disagree_note"].format(qpdf=page_count, pdfium=view.page_count))
            unviewable = viewer.unviewable_pages(self.data, page_count, self.deadline)
            if unviewable:
                self.notes.append(MESSAGES["page_unviewable"].format(**page_list(unviewable)))
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
            chair_flags=tuple(self.chair_flags),
        )

    def _pages_to_read(self, page_count: int) -> range:
        # Page 1 for the anonymity check, and up to the first page over the limit for the
        # page-limit rule; the copy check reads the rest later, page by page.
        last = 1 if self.check_anonymity else 0
        if self.page_limit is not None and page_count > self.page_limit:
            last = max(last, self.page_limit + 1)
        return range(min(last, page_count))

    def _rebuilt_metadata(self) -> tuple[tuple[str, str], ...]:
        if self.rebuilt is None:
            return ()
        return tuple((key, clean(value.strip()[:1000])) for key, value in sorted(self.rebuilt.info.items())
                     if key not in ("CreationDate", "ModDate", "Trapped") and value.strip())

    def _envelope_notes(self, envelope: Envelope, page_count: int) -> None:
        if self.rebuilt is not None:
            self.notes.append(MESSAGES["rebuilt"].format(count=plural(page_count, "page")))
        if envelope.junk:
            self.notes.append(MESSAGES["leading_junk"].format(count=envelope.junk))
        if not envelope.has_end_marker:
            self.notes.append(MESSAGES["no_end_marker"].format(count=plural(page_count, "page")))

    def _damaged_stream_note(self, pages: list[pikepdf.Page]) -> None:
        damaged = []
        for number, page in enumerate(pages, start=1):
            contents = page.obj.get("/Contents")
            streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            if any(_damaged_flate(stream, self.deadline) for stream in streams[:100]):
                damaged.append(number)
        if damaged:
            self.notes.append(MESSAGES["damaged_stream"].format(**page_list(damaged)))

    # --- double-blind checks ----------------------------------------------------

    def _anonymity(self, pdf, pages, metadata, view, found, signature_widgets) -> None:
        places = [(f'The PDF metadata field "{name}" contains', value, True) for name, value in metadata]
        first_page = view.texts.get(0)
        if first_page is None or (not first_page.strip() and view.first_page_has_content):
            self.warnings.append(MESSAGES["unreadable_first_page"])
        else:
            places.append(("The first page mentions", first_page[:FIRST_PAGE_TEXT_CHARS], False))
        places += forms.annotation_texts(pages, self.deadline)
        places += [("A form field mentions", text, False) for text in forms.form_field_texts(pdf, self.deadline)]
        for signature in found.signatures:  # one place per signature, so each person is named once
            places.append(("The digital signature mentions", "\n".join(forms.signature_texts(signature)), True))
        for message in identity_warnings(places, self.names, self.emails):
            if message not in self.warnings:
                self.warnings.append(message)
        if found.signatures:
            self.warnings.append(forms.signed_warning(found.signatures))
        self._appearance_warnings(pages, signature_widgets)

    def _appearance_warnings(self, pages: list[pikepdf.Page], signature_widgets: dict[int, list[int]]) -> None:
        """Names drawn by annotation and form-field appearances, which the page's own text leaves out.

        The signature widgets are left out: the copy drops them, and the signature
        has its own warning.
        """
        annotated = [index for index, page in enumerate(pages) if forms.has_annotations(page)][:200]
        if not annotated or not (self.names or self.emails):
            return
        try:
            texts = viewer.appearance_texts(self.data, annotated, signature_widgets, self.deadline)
        except TooSlow:
            raise
        except Exception:
            logger.warning("PDF annotations unreadable: sha256=%s", self.sha256, exc_info=True)
            return
        for index, (plain, drawn) in texts.items():
            already = set(people([plain], self.names, self.emails, with_surname=False))
            for hit in people([drawn], self.names, self.emails, with_surname=False):
                # Only what no other warning names already (a field's value is usually what it shows).
                if hit not in already and not any(f'"{hit}"' in warning for warning in self.warnings):
                    self.warnings.append(f'An annotation or form field on page {index + 1} shows "{hit}".')

    def _page_limit(self, view: viewer.UploadView, page_count: int) -> None:
        outcome = page_limit.outcome(
            view.texts, page_count, self.page_limit, self.over_limit,
            ink=lambda indices: viewer.ink_shares(self.data, indices, self.deadline),
        )
        if outcome.note:
            self.notes.append(outcome.note)
        if outcome.unchecked:
            self.chair_flags.append("page_limit_unchecked")

    # --- the reviewer copy ------------------------------------------------------

    def _compare(self, copy: bytes, page_count: int, upload: viewer.UploadView, flattened: set[int],
                 hidden: dict[int, list[int]]) -> str | None:
        """Why the copy does not show what the upload shows, as PDFium reads both; or None."""
        if upload.page_count != page_count:
            return MESSAGES["copy_viewers_disagree"].format(qpdf=page_count, pdfium=upload.page_count)
        try:
            difference = viewer.compare(self.data, copy, known_texts=upload.texts, flattened=flattened,
                                        hidden=hidden, deadline=self.deadline,
                                        drawing_deadline=Deadline(self.deadline.left() * _DRAWING_SHARE))
        except TooSlow:
            raise
        except Exception:
            logger.warning("PDF copy unreadable: sha256=%s size=%d", self.sha256, len(self.data), exc_info=True)
            return MESSAGES["copy_unreadable"]
        if difference is None:
            return None
        if difference.what == "count":
            return MESSAGES["copy_page_count"].format(copy=difference.details["copy"], upload=page_count)
        what = DIFFERENCES[difference.what].format(**difference.details)
        return MESSAGES["copy_page"].format(page=difference.page, what=what)


def _damaged_flate(stream: object, deadline: Deadline) -> bool:
    # Content streams only ever carry Flate here when they are compressed at all; other
    # filters (LZW, ASCII85 first) are rare enough to leave to the viewers.
    if not isinstance(stream, pikepdf.Stream) or stream_filters(stream) != ["/FlateDecode"]:
        return False
    return not inflates_whole(stream.read_raw_bytes(), deadline)


def _pdfium_wants_password(data: bytes) -> bool:
    try:
        with viewer.opened(data):
            return False
    except pdfium.PdfiumError as error:
        return error.err_code == pdfium_c.FPDF_ERR_PASSWORD
