"""Annotations, form fields and signatures: what they say and which widgets are signatures."""

from __future__ import annotations

import pikepdf

from submissions.pdf.budget import Deadline, name_of
from submissions.pdf.jpeg import segment_texts
from submissions.pdf.messages import MESSAGES, join
from submissions.pdf.metadata import pdf_text, text_of, xmp_text

_MAX_ANNOTATIONS = 20_000
_MAX_FORM_FIELDS = 20_000
_MAX_PARENTS = 32  # a field's /Parent chain; deeper chains are hostile
_FIELD_TEXT_CHARS = 10_000
_SIGNATURE_BLOB_BYTES = 64 * 1024  # a PKCS#7 signature with its certificate chain is a few kilobytes


def annotation_texts(pages: list[pikepdf.Page], deadline: Deadline) -> list[tuple[str, str, bool]]:
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
            if not isinstance(annotation, pikepdf.Dictionary) or name_of(annotation.get("/Subtype")) == "/Widget":
                continue
            prefix = f"An annotation on page {number} mentions"
            places.append((prefix, text_of(annotation.get("/T")), True))
            texts = [text_of(annotation.get("/Contents")), text_of(annotation.get("/RC"))]
            rich = annotation.get("/RC")
            if isinstance(rich, pikepdf.Stream):  # counted against the budget by the walk
                texts.append(xmp_text(rich)[:_FIELD_TEXT_CHARS])
            places += [(prefix, text, False) for text in texts if text]
    return [place for place in places if place[1]]


def form_field_texts(pdf: pikepdf.Pdf, deadline: Deadline) -> list[str]:
    """Names, values, defaults, options, tooltips and export names of the interactive form's fields.

    A value is whatever type the field keeps it in: a text string, a text stream,
    a name (check boxes) or an array (choices); a signature's value is read by
    `signature_texts`.
    """
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
        for key in ("/T", "/V", "/DV", "/RV", "/TU", "/TM", "/Opt"):
            texts += _value_texts(node.get(key))
        kids = node.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
    return [text for text in texts if text]


def _value_texts(value: object, depth: int = 0) -> list[str]:
    if isinstance(value, pikepdf.String):
        return [text_of(value)]
    if isinstance(value, pikepdf.Name):
        return [(name_of(value) or "").lstrip("/")]
    if isinstance(value, pikepdf.Stream):  # a text stream; counted against the budget by the walk
        return [xmp_text(value)[:_FIELD_TEXT_CHARS]]
    if isinstance(value, pikepdf.Array) and depth < 2:
        return [text for item in list(value)[:100] for text in _value_texts(item, depth + 1)]
    return []  # a dictionary is a signature's value: the signature has its own warning


def signature_texts(signature: pikepdf.Object) -> list[str]:
    """What a signature dictionary says of its signer: the fields, and the certificate's names."""
    texts = [text_of(signature.get(key)) for key in ("/Name", "/Reason", "/Location", "/ContactInfo")]
    blob = signature.get("/Contents")
    if isinstance(blob, pikepdf.String):
        # DER: the certificates' subject names are plain ASCII, UTF-8 or UTF-16 strings inside.
        texts += segment_texts([bytes(blob)[:_SIGNATURE_BLOB_BYTES]])
    return [text for text in texts if text]


def signers(signatures: list[pikepdf.Object]) -> list[str]:
    names = [pdf_text(signature["/Name"]).strip() for signature in signatures
             if isinstance(signature.get("/Name"), pikepdf.String)]
    return list(dict.fromkeys(name for name in names if name))


def signed_warning(signatures: list[pikepdf.Object]) -> str:
    names = signers(signatures)
    several = len(signatures) > 1
    by = " (signed by " + join([f'"{name}"' for name in names]) + ")" if names else ""
    return MESSAGES["signed"].format(by=by, it="them" if several else "it", its="their" if several else "its")


def signature_widgets(pages: list[pikepdf.Page]) -> dict[int, list[int]]:
    """Page index -> positions in the page's /Annots of the widgets of signature fields."""
    found: dict[int, list[int]] = {}
    for index, page in enumerate(pages):
        annotations = page.obj.get("/Annots")
        if not isinstance(annotations, pikepdf.Array):
            continue
        for position, annotation in enumerate(annotations):
            if isinstance(annotation, pikepdf.Dictionary) and _is_signature_widget(annotation):
                found.setdefault(index, []).append(position)
    return found


def _is_signature_widget(annotation: pikepdf.Dictionary) -> bool:
    if name_of(annotation.get("/Subtype")) != "/Widget":
        return False
    node: object = annotation
    for _ in range(_MAX_PARENTS):  # /FT is inherited from the field the widget belongs to
        if not isinstance(node, pikepdf.Dictionary):
            return False
        if "/FT" in node:
            return name_of(node.get("/FT")) == "/Sig"
        node = node.get("/Parent")
    return False


def is_signature_field(node: object) -> bool:
    return isinstance(node, pikepdf.Dictionary) and name_of(node.get("/FT")) == "/Sig"


def has_annotations(page: pikepdf.Page) -> bool:
    annotations = page.obj.get("/Annots")
    return isinstance(annotations, pikepdf.Array) and len(annotations) > 0
