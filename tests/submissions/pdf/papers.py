"""Ordinary papers as authors make them, generated: text, two columns, vector figures, photos with
EXIF, scans, text drawn as outlines, and digital signatures.

Every one must be accepted with a faithful reviewer copy that names nobody
(tests/submissions/pdf/test_papers.py). Text comes from WeasyPrint, as in
`pdf_corpus.paper`; scans are PDFium renders of those pages put back as images;
outlines are DejaVu Sans glyphs drawn as paths through fontTools.
"""

from __future__ import annotations

import functools
import io

import pikepdf

from tests.submissions import pdf_corpus as corpus

AUTHOR, AUTHOR_EMAIL = corpus.AUTHOR, corpus.AUTHOR_EMAIL
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_PARAGRAPH = corpus._PARAGRAPH


def _html(body: str, *, style: str = "") -> bytes:
    import weasyprint

    html = f"""<html><head><title>Poisoning Malware Detectors</title>
        <style>@page {{ size: A4; margin: 2cm }} body {{ font-size: 10pt }} {style}</style></head>
        <body><h1>Poisoning Malware Detectors</h1><p>Anonymous Authors</p>{body}</body></html>"""
    return weasyprint.HTML(string=html).write_pdf()


@functools.cache
def two_columns(pages: int = 6) -> bytes:
    body = "".join(f"<h2>{n + 1} Section</h2>" + f"<p>{_PARAGRAPH * 5}</p>" * 4 for n in range(pages - 1))
    body += "<h2>References</h2>" + "".join(f"<p>[{n}] A. Author. A cited work. 2024.</p>" for n in range(30))
    return _html(body, style="body { columns: 2; column-gap: 1cm }")


@functools.cache
def vector_figures() -> bytes:
    """Plots as SVG: axes, bars and a curve, drawn as PDF paths."""
    bars = "".join(f'<rect x="{20 + 30 * i}" y="{150 - 12 * i}" width="20" height="{12 * i}" fill="#4a7"/>'
                   for i in range(1, 9))
    figure = (f'<svg width="300" height="170" xmlns="http://www.w3.org/2000/svg">'
              f'<line x1="10" y1="160" x2="290" y2="160" stroke="black"/>{bars}'
              f'<path d="M10 150 Q 150 0 290 140" stroke="#c33" fill="none" stroke-width="2"/></svg>')
    body = "".join(f"<h2>{n + 1} Results</h2><p>{_PARAGRAPH * 3}</p>{figure}<p>Figure {n + 1}: accuracy.</p>"
                   for n in range(4))
    body += "<h2>References</h2><p>[1] A. Author. A cited work. 2024.</p>"
    return _html(body)


@functools.cache
def with_photo_exif() -> bytes:
    """A photo whose EXIF, XMP, IPTC and comment name the author."""
    return corpus.with_image_metadata()


@functools.cache
def text_paper(body_pages: int, reference_pages: int) -> bytes:
    return corpus.paper(body_pages, reference_pages=reference_pages)


@functools.cache
def scanned(body_pages: int = 3, reference_pages: int = 1, dpi: int = 100) -> bytes:
    """The text paper printed and scanned: each page one greyscale JPEG, no text layer."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(text_paper(body_pages, reference_pages))
    try:
        images = [document[index].render(scale=dpi / 72, grayscale=True).to_pil() for index in range(len(document))]
    finally:
        document.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi, quality=80)
    return out.getvalue()


@functools.cache
def outlined(pages: int = 4) -> bytes:
    """Text converted to outlines (as some journals' tools and "print as image" exports do): paths, no fonts."""
    from fontTools.pens.basePen import BasePen
    from fontTools.ttLib import TTFont

    font = TTFont(_FONT)
    glyphs, cmap, units = font.getGlyphSet(), font.getBestCmap(), font["head"].unitsPerEm

    class PdfPen(BasePen):
        def __init__(self, ops: list[str], scale: float, x: float, y: float) -> None:
            super().__init__(glyphs)
            self.ops, self.scale, self.x, self.y = ops, scale, x, y

        def _point(self, point) -> str:
            return f"{self.x + point[0] * self.scale:.2f} {self.y + point[1] * self.scale:.2f}"

        def _moveTo(self, p):
            self.ops.append(f"{self._point(p)} m")

        def _lineTo(self, p):
            self.ops.append(f"{self._point(p)} l")

        def _curveToOne(self, p1, p2, p3):
            self.ops.append(f"{self._point(p1)} {self._point(p2)} {self._point(p3)} c")

        def _closePath(self):
            self.ops.append("h")

    def line(ops: list[str], text: str, x: float, y: float, size: float) -> None:
        scale = size / units
        for char in text:
            name = cmap.get(ord(char), ".notdef")
            glyphs[name].draw(PdfPen(ops, scale, x, y))
            x += glyphs[name].width * scale
        ops.append("f")

    pdf = pikepdf.new()
    words = _PARAGRAPH.split()
    for number in range(pages):
        ops = ["0 g"]
        y = 790.0
        if number == 0:
            line(ops, "Poisoning Malware Detectors", 60, y, 18)
            y -= 30
        heading = "References" if number == pages - 1 else f"{number + 1} Section"
        line(ops, heading, 60, y, 13)
        y -= 22
        for row in range(24):
            text = " ".join(words[(row * 7 + k) % len(words)] for k in range(12))
            line(ops, text if number < pages - 1 else f"[{row}] A. Author. A cited work. 2024.", 60, y, 10)
            y -= 28
        pdf.add_blank_page(page_size=(595, 842))
        pdf.pages[-1].obj.Contents = pdf.make_stream("\n".join(ops).encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _signature_blob(name: str, email: str) -> bytes:
    """Stands in for the PKCS#7 blob: DER with the signer's certificate subject, as real ones carry."""
    subject = b"\x0c" + bytes([len(name)]) + name.encode() + b"\x16" + bytes([len(email)]) + email.encode()
    return (b"\x30\x82\x01\x00\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02" + subject).ljust(512, b"\0")


def _appearance(pdf: pikepdf.Pdf, text: str, width: float, height: float) -> pikepdf.Stream:
    content = f"q 0.9 g 0 0 {width} {height} re f Q BT /Helv 9 Tf 0 g 4 {height / 2 - 3} Td ({text}) Tj ET"
    return pdf.make_stream(content.encode(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                           BBox=[0, 0, width, height],
                           Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(
                               Helv=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                       BaseFont=pikepdf.Name.Helvetica))))


@functools.cache
def signed(signer: str = AUTHOR, email: str = AUTHOR_EMAIL) -> bytes:
    """The text paper signed by its author: a signature field with a visible stamp on page 1."""

    def change(pdf: pikepdf.Pdf) -> None:
        value = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Sig, Filter=pikepdf.Name("/Adobe.PPKLite"),
            SubFilter=pikepdf.Name("/adbe.pkcs7.detached"),
            Name=pikepdf.String(signer), ContactInfo=pikepdf.String(email), M=pikepdf.String("D:20261201120000Z"),
            ByteRange=[0, 0, 0, 0], Contents=pikepdf.String(_signature_blob(signer, email)),
        ))
        widget = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig, F=4,
            T=pikepdf.String("Signature1"), V=value, Rect=[60, 40, 300, 70], P=pdf.pages[0].obj,
            AP=pikepdf.Dictionary(N=_appearance(pdf, f"Digitally signed by {signer}", 240, 30)),
        ))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([widget]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]), SigFlags=3)
        pdf.Root.Perms = pikepdf.Dictionary(DocMDP=value)

    return corpus._pike_edit(text_paper(3, 1), change)


@functools.cache
def field_showing(shown: str = AUTHOR, value: str = "n/a") -> bytes:
    """A filled-in text field whose appearance shows `shown` while its value says `value`."""

    def change(pdf: pikepdf.Pdf) -> None:
        widget = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, F=4,
            T=pikepdf.String("contact"), V=pikepdf.String(value), Rect=[60, 40, 300, 60], P=pdf.pages[0].obj,
            AP=pikepdf.Dictionary(N=_appearance(pdf, shown, 240, 20)),
        ))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([widget]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]))

    return corpus._pike_edit(text_paper(3, 1), change)


def with_drawing_added(data: bytes, page: int = 0) -> bytes:
    """The same file with a grey band drawn across a page (what a faulty copy could add)."""

    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[page].contents_add(pdf.make_stream(b"q 0.6 g 0 600 595 40 re f Q"), prepend=False)

    return corpus._pike_edit(data, change)
