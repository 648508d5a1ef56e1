"""The document information dictionary and XMP packets: what they say, read without any risk."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pikepdf

from submissions.pdf.budget import stream_filters

MB = 1024 * 1024
_METADATA_VALUE_CHARS = 1_000
_FIELD_TEXT_CHARS = 10_000
_XMP_PARSE_BYTES = 2 * MB

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


def metadata_fields(pdf: pikepdf.Pdf) -> tuple[tuple[str, str], ...]:
    fields: list[tuple[str, str]] = []
    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary):
        # items(), not get(): pikepdf cannot look up a key that is not UTF-8. Sorted, as
        # qpdf keeps no order.
        for key, value in sorted(info.items(), key=lambda item: item[0])[:64]:
            if key not in _SKIPPED_INFO and isinstance(value, pikepdf.String):
                fields.append((clean(key.lstrip("/")), pdf_text(value)))
    fields += _xmp_fields(xmp_bytes(pdf.Root.get("/Metadata")))
    return tuple((name, clean(value.strip()[:_METADATA_VALUE_CHARS])) for name, value in fields if value.strip())


def xmp_bytes(stream: object) -> bytes:
    # Counted against the inflate budget by the walk, like every non-image stream; other
    # filters than Flate (which the budget does not measure) are not decoded.
    if not isinstance(stream, pikepdf.Stream) or set(stream_filters(stream)) - {"/FlateDecode", "/Fl"}:
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
    if _DOCTYPE.search(decode_text(xml)) or (b"\x00" in xml and not xml.startswith(_UTF16_BOMS)):
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


def xmp_text(stream: object) -> str:
    return decode_text(xmp_bytes(stream))


def decode_text(data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


def text_of(value: object) -> str:
    if isinstance(value, pikepdf.String):
        return pdf_text(value)[:_FIELD_TEXT_CHARS]
    return ""


def pdf_text(value: pikepdf.String) -> str:
    """A PDF text string as text, whatever its bytes (broken UTF-16 included)."""
    try:
        return clean(str(value))
    except Exception:  # undecodable: the raw bytes still show ASCII names
        return bytes(value).decode("latin-1")


def clean(text: str) -> str:
    # Lone surrogates (from bytes that were not UTF-8) cannot be stored or shown.
    return text.encode("utf-8", errors="replace").decode("utf-8")
