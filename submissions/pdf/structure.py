"""One walk over every object qpdf reads: active content, and what the reviewer copy must change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf

from submissions.pdf.budget import QPDF_BACKSTOPS, Deadline, InflateBudget, name_of, stream_filters
from submissions.pdf.errors import PdfRejected
from submissions.pdf.messages import MESSAGES, cap_in_mb, join

MAX_WALK_ITEMS = 3_000_000  # values visited while walking the document, direct ones included

ACTIVE_LABELS = (
    "JavaScript",
    "an action that runs when the document is opened (OpenAction)",
    "a Launch action (which can start other programs)",
    "additional actions triggered by viewing or clicking (AA)",
    "an embedded file attachment",
)
JS, OPEN, LAUNCH, AA, FILE = ACTIVE_LABELS


@dataclass
class Found:
    """What the walk through the upload's objects collected."""

    active: set[str] = field(default_factory=set)
    xmp_holders: list[pikepdf.Object] = field(default_factory=list)  # objects with /Metadata, catalog excepted
    jpegs: list[pikepdf.Object] = field(default_factory=list)  # image streams with only /DCTDecode
    annotation_authors: list[pikepdf.Object] = field(default_factory=list)  # non-widget annotations with /T
    piece_info: list[pikepdf.Object] = field(default_factory=list)
    signatures: list[pikepdf.Object] = field(default_factory=list)  # signature values (/Type /Sig, ...)


def walk(pdf: pikepdf.Pdf, deadline: Deadline, budget: InflateBudget) -> Found:
    """Check and collect every dictionary and stream reachable from the trailer."""
    found = Found()
    catalog = pdf.Root.objgen
    for obj in reachable(pdf, deadline):
        found.active |= active_content(obj)
        is_stream = isinstance(obj, pikepdf.Stream)
        is_image = is_stream and name_of(obj.get("/Subtype")) == "/Image"
        if is_stream and not is_image:
            # Images are never decoded here (only copied, or their JPEG headers edited), and
            # legitimate figures can inflate to tens of MB, so they do not count against the
            # budget; everything else may be decoded by PDFium when it reads or draws a page.
            budget.spend(obj)
        if "/Metadata" in obj and obj.objgen != catalog:
            found.xmp_holders.append(obj)
        if is_image and stream_filters(obj) == ["/DCTDecode"]:
            found.jpegs.append(obj)
        if "/PieceInfo" in obj:
            found.piece_info.append(obj)
        if "/T" in obj and "/Rect" in obj and name_of(obj.get("/Subtype")) not in (None, "/Widget"):
            # /T of an annotation (a comment) is its author; on form widgets it is the
            # field name, which the form needs.
            found.annotation_authors.append(obj)
        if is_signature_value(obj):
            found.signatures.append(obj)
    return found


def is_signature_value(obj: pikepdf.Object) -> bool:
    # A signature dictionary names the signer (/Name, /ContactInfo, /Location) and holds the
    # PKCS#7 blob with their certificate chain; some producers omit its /Type.
    kind = name_of(obj.get("/Type"))
    return kind in ("/Sig", "/DocTimeStamp") or ("/ByteRange" in obj and "/Contents" in obj and "/Filter" in obj)


def reachable(pdf: pikepdf.Pdf, deadline: Deadline) -> Iterator[pikepdf.Object]:
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
            if visited > MAX_WALK_ITEMS:
                raise PdfRejected(MESSAGES["too_complex"], "too_complex")
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


def active_content(obj: pikepdf.Object) -> set[str]:
    found = set()
    action = name_of(obj.get("/S"))
    if "/JS" in obj or "/JavaScript" in obj or action == "/JavaScript":
        found.add(JS)
    if action == "/Launch":
        found.add(LAUNCH)
    if "/AA" in obj:
        found.add(AA)
    # An OpenAction that is a destination array, or a GoTo, just picks the first view
    # (LaTeX's hyperref emits one by default); anything else runs on opening. Actions
    # chained through /Next are reached by the walk itself.
    open_action = obj.get("/OpenAction")
    if isinstance(open_action, pikepdf.Dictionary) and name_of(open_action.get("/S")) != "/GoTo":
        found.add(OPEN)
    if (
        "/EmbeddedFiles" in obj
        or "/EF" in obj
        or name_of(obj.get("/Type")) == "/EmbeddedFile"
        or name_of(obj.get("/Subtype")) == "/FileAttachment"
    ):
        found.add(FILE)
    return found


def refuse_active(active: set[str]) -> None:
    if active:
        labels = [label for label in ACTIVE_LABELS if label in active]
        raise PdfRejected(MESSAGES["active_content"].format(found=join(labels)), "active_content")


_LOOP = "loop detected resolving object"
_RECOVERED_LENGTH = "recovered stream length"


def refuse_damage(pdf: pikepdf.Pdf) -> None:
    """Refuse what qpdf could only read by guessing what viewers would each guess differently.

    qpdf repairs what viewers repair (a wrong cross-reference table, a bad stream
    length, a misplaced page tree) and so do we. An object defined through itself
    has no value at all, unless it is a stream's /Length, which every reader recovers
    by finding `endstream`; and data nested past qpdf's limit was dropped.
    """
    warnings = pdf.get_warnings()
    for index, warning in enumerate(warnings):
        if _LOOP in warning and not any(_RECOVERED_LENGTH in later for later in warnings[index + 1 : index + 4]):
            raise PdfRejected(MESSAGES["malformed"], "malformed")
        if "limits error" in warning:
            raise PdfRejected(MESSAGES["malformed"], "malformed")
        if "memory limit exceeded" in warning:  # qpdf's own backstop (see budget.QPDF_BACKSTOPS)
            budget = cap_in_mb(QPDF_BACKSTOPS["flate_max_memory"][1])
            raise PdfRejected(MESSAGES["bomb"].format(budget=budget), "bomb")
