"""Good and bad PDFs built in memory for the PDF checks.

Papers are rendered with WeasyPrint so they have real fonts and extractable
text; the hostile variants are derived from them with pypdf's or pikepdf's
writer or by splicing raw objects in. Files from other projects' test suites
are in `pdf_cases/` (see its README).
"""

from __future__ import annotations

import functools
import io
import pathlib
import struct
import zipfile
import zlib

import pikepdf
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
CASES = pathlib.Path(__file__).parent / "pdf_cases"


def case(name: str) -> bytes:
    """A file from pdf_cases/."""
    return (CASES / name).read_bytes()


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


# --- built with pikepdf ------------------------------------------------------


def _pike_edit(base: bytes, change, **save_options) -> bytes:
    with pikepdf.open(io.BytesIO(base)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out, **save_options)
        return out.getvalue()


def with_damaged_content(page: int) -> bytes:
    """Page `page`'s content stream compressed, then cut and patched with garbage half-way."""

    def change(pdf: pikepdf.Pdf) -> None:
        contents = pdf.pages[page - 1].obj.Contents
        stream = contents[0] if isinstance(contents, pikepdf.Array) else contents
        packed = zlib.compress(stream.read_bytes())
        stream.write(packed[: len(packed) // 2] + b"\xff" * 64, filter=pikepdf.Name.FlateDecode)

    return _pike_edit(paper(), change)


def owner_password_only() -> bytes:
    """Encrypted, but with an empty user password: every viewer opens it without asking."""
    return _pike_edit(paper(), lambda pdf: None, encryption=pikepdf.Encryption(owner="x", user=""))


def with_id(base: bytes, first: bytes = b"preprint-id-0001", second: bytes = b"revision-id-0002") -> bytes:
    """The file with a trailer /ID, as most writers (and arXiv's) produce."""

    def change(pdf: pikepdf.Pdf) -> None:
        pdf.trailer.ID = pikepdf.Array([pikepdf.String(first), pikepdf.String(second)])

    return _pike_edit(base, change, static_id=True)


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def exif_artist(artist: str) -> bytes:
    """An APP1 EXIF payload whose only tag is Artist (0x013B)."""
    value = artist.encode() + b"\0"
    ifd = struct.pack(">H", 1) + struct.pack(">HHII", 0x013B, 2, len(value), 26) + struct.pack(">I", 0)
    return b"Exif\0\0" + b"MM\0\x2a" + struct.pack(">I", 8) + ifd + value


def xmp_packet(creator: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


@functools.cache
def plain_jpeg(size: int = 16) -> bytes:
    """A small baseline JPEG (red), with only the JFIF APP0 segment."""
    from PIL import Image  # Pillow comes with WeasyPrint

    out = io.BytesIO()
    Image.new("RGB", (size, size), (220, 20, 20)).save(out, "JPEG", quality=90)
    return out.getvalue()


def jpeg_with_metadata(author: str = AUTHOR) -> bytes:
    """The plain JPEG with EXIF (Artist), XMP (dc:creator), IPTC (APP13) and a comment added."""
    jpeg = plain_jpeg()
    assert jpeg[2:4] == b"\xff\xe0"
    app0_end = 4 + struct.unpack(">H", jpeg[4:6])[0]
    added = (
        _jpeg_segment(0xE1, exif_artist(author))
        + _jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp_packet(author))
        + _jpeg_segment(0xED, b"Photoshop 3.0\0" + b"8BIM\x04\x04\0\0" + b"\x1c\x02\x50" + author.encode())
        + _jpeg_segment(0xFE, f"Photo by {author}".encode())
    )
    return jpeg[:app0_end] + added + jpeg[app0_end:]


def _add_image(pdf: pikepdf.Pdf, page: pikepdf.Page, jpeg: bytes, *, name: str = "/Im9") -> pikepdf.Stream:
    image = pdf.make_stream(
        jpeg,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=16,
        Height=16,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    if "/Resources" not in page.obj:
        page.obj.Resources = pikepdf.Dictionary()
    if "/XObject" not in page.obj.Resources:
        page.obj.Resources.XObject = pikepdf.Dictionary()
    page.obj.Resources.XObject[name] = image
    page.contents_add(pdf.make_stream(f"q 100 0 0 100 300 300 cm {name} Do Q".encode()), prepend=False)
    return image


def with_image_metadata(jpeg: bytes | None = None) -> bytes:
    """A paper whose page 2 shows a photo carrying the author's name in its JPEG metadata."""
    return _pike_edit(paper(), lambda pdf: _add_image(pdf, pdf.pages[1], jpeg or jpeg_with_metadata()))


def with_xmp_on_objects(author: str = AUTHOR) -> bytes:
    """XMP packets naming the author on a page, a font and an image (not the catalog)."""

    def change(pdf: pikepdf.Pdf) -> None:
        image = _add_image(pdf, pdf.pages[0], plain_jpeg())
        page = pdf.pages[0]
        font = next(iter(page.obj.Resources.Font.values()))
        for holder in (page.obj, font, image):
            holder.Metadata = pdf.make_stream(xmp_packet(author), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)

    return _pike_edit(paper(), change)


def scanned_first_page() -> bytes:
    """Page 1 is only a picture (as a scan would be); page 2 has text."""

    def change(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[0]
        page.obj.Contents = pdf.make_stream(b"")
        _add_image(pdf, page, plain_jpeg())

    return _pike_edit(paper(1, reference_pages=0), change)


def with_comments_and_form(author: str = AUTHOR, email: str = AUTHOR_EMAIL) -> bytes:
    """A sticky-note comment by the author on page 2 and a filled-in form field on page 1."""

    def change(pdf: pikepdf.Pdf) -> None:
        note = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Text,
                Rect=[100, 100, 120, 120],
                T=pikepdf.String(author),
                Contents=pikepdf.String(f"{author}: please double-check this table"),
            )
        )
        pdf.pages[1].obj.Annots = pdf.make_indirect(pikepdf.Array([note]))
        field = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Widget,
                FT=pikepdf.Name.Tx,
                Rect=[100, 700, 300, 720],
                T=pikepdf.String("contact"),
                V=pikepdf.String(email),
                P=pdf.pages[0].obj,
            )
        )
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([field]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))

    return _pike_edit(paper(), change)


@functools.cache
def sparse_paper(pages: int) -> bytes:
    """Slides-like pages with a line of text each and no References heading."""
    body = (
        "".join(f'<p style="break-after: page">Figure {n + 1}: results of run {n + 1}.</p>' for n in range(pages - 1))
        + f"<p>Figure {pages}: the last results.</p>"
    )
    import weasyprint

    return weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def html_prefixed() -> bytes:
    """A web page that is also a PDF: browsers run the script, PDF readers skip to %PDF-."""
    return b"<html><script>alert(document.cookie)</script></html>\n" + paper()


def zip_with_pdf() -> bytes:
    """A ZIP archive storing the paper uncompressed, so %PDF- is within its first kilobyte."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("paper.pdf", paper())
    return out.getvalue()


def pdf_with_zip_appended() -> bytes:
    """A PDF that is also a ZIP archive (readers find the archive's directory at the end)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.js", "alert(1)")
    return paper() + out.getvalue()


def xref_stream_bomb(inflated: int = 300 * MB) -> bytes:
    """A one-page PDF whose cross-reference stream inflates to `inflated` bytes.

    qpdf decodes it while opening the file, before any of our measuring.
    """
    data = zeros_deflated(inflated)
    out = bytearray(b"%PDF-1.7\n")
    for number, body in enumerate((_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _PAGE), start=1):
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 1] /Root 1 0 R /Filter /FlateDecode /Length %d >>\n" % len(data)
    out += b"stream\n" + data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def object_stream_bomb(inflated: int = 30 * MB) -> bytes:
    """A one-page PDF whose page resources sit in an object stream padded to `inflated` bytes."""
    header = b"6 0 "
    compressor = zlib.compressobj(9)
    data = compressor.compress(header + b"<< >> ")
    for _ in range(inflated // MB):
        data += compressor.compress(bytes(MB))
    data += compressor.flush()
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    bodies = (
        _CATALOG,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources 6 0 R >>",
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(header), len(data), data),
    )
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    rows = b"\x00" + bytes(4) + b"\xff"
    rows += b"".join(b"\x01" + offset.to_bytes(4, "big") + b"\x00" for offset in offsets)
    rows += b"\x01" + xref.to_bytes(4, "big") + b"\x00"  # 5: this cross-reference stream
    rows += b"\x02" + (4).to_bytes(4, "big") + b"\x00"  # 6: first object in object stream 4
    out += b"5 0 obj\n<< /Type /XRef /Size 7 /W [1 4 1] /Root 1 0 R /Length %d >>\nstream\n" % len(rows)
    out += rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
