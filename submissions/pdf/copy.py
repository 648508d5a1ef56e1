"""The reviewer copy: the upload as qpdf read it, with everything that identifies people removed.

Removed: the document information, XMP on any object, image EXIF/XMP/IPTC, the
/ID, annotation authors, signatures (the values, their fields and their visible
stamps), and every catalog and page entry a viewer does not need. Annotation and form-field
appearances are drawn into the pages (flattened) so the copy is a static document
that shows what the upload shows, without hidden field values; links stay links.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf

from submissions.pdf.budget import Deadline, name_of
from submissions.pdf.forms import is_signature_field
from submissions.pdf.identity import people
from submissions.pdf.jpeg import segment_texts, strip_jpeg
from submissions.pdf.messages import MESSAGES, contained, plural
from submissions.pdf.metadata import xmp_text
from submissions.pdf.structure import Found

_MAX_FIELDS = 20_000
# What a viewer needs of the catalog and of a page (PDF 2.0, 7.7.2 and 7.7.3.3). Anything else
# (signature stores such as /Perms and /DSS, /Legal, vendors' private keys that carry, say, the
# text of an e-signature stamp) is left out of the copy.
_CATALOG_KEYS = frozenset({
    "/Type", "/Version", "/Extensions", "/Pages", "/PageLabels", "/Names", "/Dests", "/ViewerPreferences",
    "/PageLayout", "/PageMode", "/Outlines", "/Threads", "/OpenAction", "/URI", "/AcroForm", "/StructTreeRoot",
    "/MarkInfo", "/Lang", "/OutputIntents", "/OCProperties",
})
_PAGE_KEYS = frozenset({
    "/Type", "/Parent", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/BoxColorInfo",
    "/Contents", "/Rotate", "/Group", "/Thumb", "/B", "/Dur", "/Trans", "/Annots", "/StructParents", "/Tabs",
    "/UserUnit", "/VP", "/OutputIntents",
})


@dataclass
class Copy:
    data: bytes
    notes: list[str] = field(default_factory=list)


def make_copy(
    pdf: pikepdf.Pdf,
    pages: list[pikepdf.Page],
    found: Found,
    *,
    signature_widgets: dict[int, list[int]],
    names: list[str],
    emails: list[str],
    deadline: Deadline,
) -> Copy:
    notes = _strip_object_metadata(found, names, emails, deadline)
    _drop_document_data(pdf, found)
    _drop_signatures(pdf, pages, signature_widgets)
    deadline.check()
    _flatten_appearances(pdf, pages)
    deadline.check()
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
    deadline.check()
    return Copy(out.getvalue(), notes)


def _drop_document_data(pdf: pikepdf.Pdf, found: Found) -> None:
    # The trailer keeps only /Root and /Size: /Info goes (with it every object only it used,
    # because qpdf writes only what is reachable), and so does /ID, whose first half
    # qpdf would otherwise keep and which can tie the copy to a published preprint.
    for key in list(pdf.trailer.keys()):
        if key not in ("/Root", "/Size"):
            del pdf.trailer[key]
    _keep_only(pdf.Root, _CATALOG_KEYS)
    for page in pdf.pages:
        _keep_only(page.obj, _PAGE_KEYS)
    for obj in found.piece_info:
        if "/PieceInfo" in obj:
            del obj["/PieceInfo"]
    for obj in found.annotation_authors:
        del obj["/T"]


def _keep_only(dictionary: pikepdf.Object, keys: frozenset[str]) -> None:
    # items(), not keys(): pikepdf cannot look up a key that is not UTF-8, but can delete what it listed.
    for key in [key for key, _ in dictionary.items() if key not in keys]:
        del dictionary[key]


def _drop_signatures(pdf: pikepdf.Pdf, pages: list[pikepdf.Page], widgets: dict[int, list[int]]) -> None:
    """Signature widgets leave the pages and signature fields leave the form.

    Their appearance is the visible stamp ("Digitally signed by ..."); the field's
    value is the signature dictionary, which qpdf no longer writes once nothing
    refers to it.
    """
    for index, positions in widgets.items():
        annotations = pages[index].obj.Annots
        for position in sorted(positions, reverse=True):
            del annotations[position]
    form = pdf.Root.get("/AcroForm")
    if not isinstance(form, pikepdf.Dictionary):
        return
    if "/SigFlags" in form:
        del form["/SigFlags"]
    stack = [form.get("/Fields")]
    visited = 0
    while stack and visited < _MAX_FIELDS:
        visited += 1
        fields = stack.pop()
        if not isinstance(fields, pikepdf.Array):
            continue
        for position in reversed(range(len(fields))):
            node = fields[position]
            if is_signature_field(node):
                del fields[position]
            elif isinstance(node, pikepdf.Dictionary):
                stack.append(node.get("/Kids"))


def _flatten_appearances(pdf: pikepdf.Pdf, pages: list[pikepdf.Page]) -> None:
    """Draw every visible annotation appearance into its page, but keep links as links."""
    links: dict[int, list[pikepdf.Object]] = {}
    for index, page in enumerate(pages):
        annotations = page.obj.get("/Annots")
        if not isinstance(annotations, pikepdf.Array):
            continue
        kept = [a for a in annotations if isinstance(a, pikepdf.Dictionary) and _subtype(a) == "/Link"]
        if kept:
            links[index] = kept
            page.obj.Annots = pikepdf.Array([a for a in annotations if not _is_link(a)])
    form = pdf.Root.get("/AcroForm")
    saved_form = pikepdf.Dictionary({key: value for key, value in form.items()}) if isinstance(
        form, pikepdf.Dictionary) else None
    if isinstance(form, pikepdf.Dictionary) and form.get("/NeedAppearances") is True:
        pdf.generate_appearance_streams()  # otherwise qpdf leaves the fields unflattened
    pdf.flatten_annotations("screen")
    unflattened = []
    for index, page in enumerate(pages):
        annotations = page.obj.get("/Annots")
        remaining = list(annotations) if isinstance(annotations, pikepdf.Array) else []
        # A pop-up only shows its parent's text; with the parent drawn into the page it would
        # keep that text (and its author) reachable, for nothing.
        present = {a.objgen for a in remaining if isinstance(a, pikepdf.Dictionary) and a.is_indirect}
        remaining = [a for a in remaining if not _orphan_popup(a, present)]
        unflattened += [a for a in remaining if isinstance(a, pikepdf.Dictionary) and _subtype(a) == "/Widget"]
        remaining += links.get(index, [])
        if remaining:
            page.obj.Annots = pikepdf.Array(remaining)
        elif "/Annots" in page.obj:
            del page.obj["/Annots"]
    # qpdf drops the whole form, also when a field had no appearance to draw (viewers draw such a
    # field from its value); those fields stay fields, in a form of their own.
    if unflattened and saved_form is not None:
        saved_form.Fields = pikepdf.Array(_root_fields(unflattened))
        pdf.Root.AcroForm = saved_form


def _root_fields(widgets: list[pikepdf.Object]) -> list[pikepdf.Object]:
    roots: dict[tuple[int, int], pikepdf.Object] = {}
    for widget in widgets:
        node = widget
        for _ in range(32):
            parent = node.get("/Parent")
            if not isinstance(parent, pikepdf.Dictionary):
                break
            node = parent
        roots.setdefault(node.objgen, node)
    return list(roots.values())


def _subtype(annotation: pikepdf.Object) -> str | None:
    return name_of(annotation.get("/Subtype"))


def _is_link(annotation: object) -> bool:
    return isinstance(annotation, pikepdf.Dictionary) and _subtype(annotation) == "/Link"


def _orphan_popup(annotation: object, present: set[tuple[int, int]]) -> bool:
    if not isinstance(annotation, pikepdf.Dictionary) or _subtype(annotation) != "/Popup":
        return False
    parent = annotation.get("/Parent")
    return not (isinstance(parent, pikepdf.Dictionary) and parent.is_indirect and parent.objgen in present)


def _strip_object_metadata(found: Found, names: list[str], emails: list[str], deadline: Deadline) -> list[str]:
    """JPEG metadata segments and XMP packets on pages, fonts and images; notes saying what went."""
    image_hits: list[str] = []
    other_hits: list[str] = []
    others = 0
    stripped: set[tuple[int, int]] = set()
    for obj in found.jpegs:
        deadline.check()
        edited = strip_jpeg(obj.read_raw_bytes())
        if edited is not None:
            jpeg, removed = edited
            obj.write(jpeg, filter=pikepdf.Name.DCTDecode, decode_parms=obj.get("/DecodeParms"))
            image_hits += people(segment_texts(removed), names, emails)
            stripped.add(obj.objgen)
    for obj in found.xmp_holders:
        deadline.check()
        text = xmp_text(obj.get("/Metadata"))
        is_image = name_of(obj.get("/Subtype")) == "/Image"
        del obj["/Metadata"]
        hits = people([text], names, emails)
        if is_image:
            image_hits += hits
            stripped.add(obj.objgen)
        else:
            other_hits += hits
            others += 1
    notes = []
    images = len(stripped)
    if images:
        notes.append(MESSAGES["image_metadata"].format(
            count=plural(images, "image"), found=contained(image_hits, several=images > 1)))
    if others:
        notes.append(MESSAGES["other_metadata"].format(
            count=plural(others, "other part"), found=contained(other_hits, several=others > 1)))
    return notes
