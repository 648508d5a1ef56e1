"""Reading what the checks return: every copy checked for names, and PDFs as viewers show them."""

import io
import subprocess
import tempfile

import pikepdf
import pypdfium2 as pdfium
import pytest

from submissions.pdf import MB, PdfRejected, PdfResult, check_pdf
from submissions.pdf import viewer as viewer_module
from tests.submissions import pdf_corpus as corpus

LIMITS = {"max_bytes": 20 * MB, "max_pages": 30, "page_limit": 4}
AUTHORS = {"names": [corpus.AUTHOR, "Bob Jones"], "emails": [corpus.AUTHOR_EMAIL]}


def check(data: bytes, **overrides) -> PdfResult:
    result = check_pdf(data, **{**LIMITS, **overrides})
    if result.reviewer_copy is not None:
        # Every copy any test makes is checked for leftovers of the identifying data.
        named = [*overrides.get("names", ()), *overrides.get("emails", ())]
        assert_clean(result.reviewer_copy, [corpus.AUTHOR, corpus.AUTHOR_EMAIL, "Yury", *named])
    return result


def rejection(data: bytes, **overrides) -> PdfRejected:
    with pytest.raises(PdfRejected) as caught:
        check(data, **overrides)
    return caught.value


def decompressed(data: bytes) -> bytes:
    """Everything in a PDF, as qpdf --qdf would show it: every object, every stream decoded.

    Objects are taken from the cross-reference table, so unreferenced ones count too.
    """
    parts = [data]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                # Generalized filters (Flate, LZW, ...) are decoded; images stay as stored,
                # which for JPEG is where EXIF sits. Damaged data is taken as it is.
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes())
                parts.append(obj.stream_dict.unparse())
            elif isinstance(obj, pikepdf.Object):
                parts.append(obj.unparse())
        parts.append(pdf.trailer.unparse())
    return b"\n".join(parts)


def assert_clean(copy: bytes, needles: list[str]) -> None:
    everything = decompressed(copy)
    for needle in needles:
        for encoding in ("latin-1", "utf-8", "utf-16-be", "utf-16-le"):
            assert needle.encode(encoding) not in everything, f"{needle!r} ({encoding}) is still in the copy"


def viewer(data: bytes) -> list[tuple[str, int]]:
    """(text, image objects) per page, as PDFium shows them."""
    shown = []
    with viewer_module.PDFIUM_LOCK:
        document = pdfium.PdfDocument(data)
        try:
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                shown.append((textpage.get_text_range(), viewer_module.count_images(page)))
                textpage.close()
                page.close()
        finally:
            document.close()
    return shown


def poppler_text(data: bytes) -> str:
    """The text poppler (Evince, Okular, pdftotext) reads: a third reader, besides qpdf and PDFium."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        shown = subprocess.run(["pdftotext", "-layout", file.name, "-"], capture_output=True, check=True)
    return shown.stdout.decode("utf-8", errors="replace")


def viewer_with_forms(data: bytes) -> list[str]:
    """The text of each page as Chrome's viewer shows it: annotations and form fields drawn in."""
    with viewer_module.opened(data, forms=True) as document:
        texts = []
        for index in range(len(document)):
            page = viewer_module._flattened_page(document, index, [])
            texts.append(viewer_module._text(page))
            page.close()
    return texts
