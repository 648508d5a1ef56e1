"""Good and bad PDFs built in memory for the PDF checks (no binary fixtures in git).

Papers are rendered with WeasyPrint so they have real fonts and extractable
text; the hostile variants are derived from them with pypdf's writer or by
splicing raw objects in.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    NameObject,
    TextStringObject,
)
from pypdf.xmp import XmpInformation

MB = 1024 * 1024
AUTHOR = "Alice Smith"
AUTHOR_EMAIL = "alice.smith@uni.edu"

_PARAGRAPH = (
    "Adversarial examples remain a central concern for deployed classifiers. We study "
    "poisoning attacks against malware detectors trained on crowd-sourced labels and show "
    "that a small fraction of flipped labels suffices to open a backdoor. "
)


@functools.cache
def paper(
    body_pages: int = 3,
    *,
    reference_pages: int = 1,
    references_mid_page: bool = False,
    byline: str = "Anonymous Authors",
) -> bytes:
    """A paper with `body_pages` pages of main text, then the references.

    With `references_mid_page` the References heading follows a few paragraphs of
    main text on the same page instead of starting a new page.
    """
    page_break = '<div style="break-after: page"></div>'
    body = "".join(f"<h2>{n + 1} Section</h2>" + f"<p>{_PARAGRAPH * 4}</p>" * 3 + page_break for n in range(body_pages))
    if references_mid_page:
        body += f"<p>{_PARAGRAPH * 3}</p>"
    references = "<h2>References</h2>" + "".join(
        f"<p>[{n}] A. Author. A cited work. In Proceedings, 2024.</p>" for n in range(28 * reference_pages)
    )
    if reference_pages == 0:
        references = ""
    html = f"""<html><head><title>Poisoning Malware Detectors</title>
        <style>@page {{ size: A4; margin: 2cm }} body {{ font-size: 11pt }}</style></head>
        <body><h1>Poisoning Malware Detectors</h1><p>{byline}</p>{body}{references}</body></html>"""
    import weasyprint  # slow to import; only needed when a paper is rendered

    return weasyprint.HTML(string=html).write_pdf()


def _edit(base: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_metadata(base: bytes | None = None, *, author: str = AUTHOR) -> bytes:
    """Info dictionary and XMP both naming the author, as Word or LaTeX would."""

    def change(writer: PdfWriter) -> None:
        writer.add_metadata({"/Author": author, "/Creator": "LaTeX with hyperref", "/Producer": "pdfTeX-1.40"})
        xmp = XmpInformation.create()
        xmp.dc_creator = [author]
        xmp.xmp_creator_tool = "LaTeX"
        writer.xmp_metadata = xmp

    return _edit(base or paper(), change)


def with_author_on_first_page() -> bytes:
    return paper(byline=f"{AUTHOR}, University of Somewhere, {AUTHOR_EMAIL}")


def encrypted() -> bytes:
    # RC4 needs no optional crypto dependency, unlike AES.
    return _edit(paper(), lambda writer: writer.encrypt("secret", algorithm="RC4-128"))


def with_javascript() -> bytes:
    return _edit(paper(), lambda writer: writer.add_open_action(JavaScript("app.alert('hi');")))


def with_launch_open_action() -> bytes:
    def change(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
        )

    return _edit(paper(), change)


def with_goto_open_action() -> bytes:
    """What LaTeX's hyperref emits: open on page 1, fitted. Harmless."""

    def change(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/OpenAction")] = ArrayObject(
            [writer.pages[0].indirect_reference, NameObject("/Fit")]
        )

    return _edit(paper(), change)


def with_page_additional_action() -> bytes:
    def change(writer: PdfWriter) -> None:
        uri = DictionaryObject({NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("x")})
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): uri})

    return _edit(paper(), change)


def with_attachment() -> bytes:
    return _edit(paper(), lambda writer: writer.add_attachment("data.csv", b"secret,data\n1,2\n"))


def zeros_deflated(size: int) -> bytes:
    """A zlib stream inflating to `size` zero bytes (a multiple of 1 MiB), built quickly.

    Compressing 200 MB takes a second; instead one full-flushed block for 1 MiB
    of zeros is repeated, which is valid because a full flush makes each block
    independent of the data before it.
    """
    compressor = zlib.compressobj(9)
    megabyte = bytes(MB)
    first = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(size // MB):
        checksum = zlib.adler32(megabyte, checksum)
    final_empty_block = b"\x03\x00"
    return first + block * (size // MB - 1) + final_empty_block + struct.pack(">I", checksum)


def bomb(*, inflated: int = 210 * MB, layers: int = 1) -> bytes:
    """A page content stream of ~200 KB that inflates to `inflated` bytes.

    With `layers=2` the compressed data is compressed again (two FlateDecode
    filters), which makes the file tiny.
    """
    data = zeros_deflated(inflated)
    for _ in range(layers - 1):
        data = zlib.compress(data, 9)

    def change(writer: PdfWriter) -> None:
        stream = EncodedStreamObject()
        stream._data = data  # already encoded: set the raw bytes, not set_data()
        stream[NameObject("/Filter")] = ArrayObject([NameObject("/FlateDecode")] * layers)
        page = writer.pages[0]
        page[NameObject("/Contents")] = ArrayObject([page.raw_get("/Contents"), writer._add_object(stream)])

    return _edit(paper(), change)


def truncated(fraction: float = 0.6) -> bytes:
    data = paper()
    return data[: int(len(data) * fraction)]


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    )


def docx() -> bytes:
    """Enough of a .docx for file-type sniffing."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def hand_written(*objects: bytes) -> bytes:
    """A PDF from raw object bodies (object 1 must be the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"


def lying_page_count() -> bytes:
    """One page, but the page tree claims 100000."""
    return hand_written(_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 100000 >>", _PAGE)


def deeply_nested() -> bytes:
    """An array nested far deeper than Python's recursion limit."""
    return hand_written(
        b"<< /Type /Catalog /Pages 2 0 R /Deep 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        _PAGE,
        b"[" * 50_000 + b"]" * 50_000,
    )
