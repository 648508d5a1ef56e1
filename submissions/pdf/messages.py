"""Every sentence the PDF checks say to an author, and the wording helpers.

Refusals (`PdfRejected` codes) say what is wrong and what to do; notes and
warnings accompany an accepted file; copy problems keep the reviewer copy back.
"""

from __future__ import annotations

import math
from collections.abc import Callable

MB = 1024 * 1024

_RETRY = "Please export your paper to PDF again and upload the new file."
_COPY_FIX = (
    "please export your PDF again (printing it to a new PDF usually works) and upload the new file. "
    "Until then we cannot give reviewers a copy of your paper."
)
# Named once: the engine of Chrome's viewer, which reads every upload and every copy here.
VIEWER = "Chrome's PDF viewer"

MESSAGES = {
    "empty": "The uploaded file is empty. Please choose your PDF again and re-upload it.",
    "not_pdf": "This file is not a PDF{kind}. " + _RETRY,
    "polyglot": (
        "Your file is a PDF and at the same time a ZIP archive, which PDF exports never produce. "
        "To keep reviewers safe we only accept plain PDFs. " + _RETRY
    ),
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
    "page_limit_unknown": (
        "Your PDF has {count} pages; the limit is {limit} pages excluding references and "
        "appendices, and we could not find where your references or appendices start (we found "
        "no References, Bibliography or Appendix heading on pages 1-{searched}). Please shorten "
        "the main text and upload it again. If your references do start within the limit, "
        "please contact the workshop chairs."
    ),
    # Notes: accepted, but the author should know.
    "over_limit_found": (
        "Your PDF has {count} pages and your main text seems to continue onto page {page} (the "
        "{heading} heading is part-way down that page), past the {limit}-page limit. We accepted it "
        "because extra pages are allowed; please make sure the main text fits the limit."
    ),
    "over_limit_unknown": (
        "Your PDF has {count} pages, more than the {limit}-page limit, and we could not find where "
        "your references or appendices start (we found no References, Bibliography or Appendix "
        "heading on pages 1-{searched}). We accepted it because extra pages are allowed; please "
        "make sure the main text fits the limit."
    ),
    "page_limit_unread": (
        "Your PDF has {count} pages, more than the {limit}-page limit for the main text, and we could not read "
        "the text of some of pages 1-{searched} (scanned images, text drawn as outlines, or fonts without a text "
        "map), so we could not check where your references or appendices start. We accepted it; the chairs will "
        "check the page limit by hand. If you can, upload a PDF with selectable text."
    ),
    "image_metadata": "We removed hidden image metadata (EXIF/XMP) from {count} in the copy reviewers get{found}.",
    "other_metadata": (
        "We removed hidden XMP metadata from {count} of the PDF (pages, fonts or figures) in the "
        "copy reviewers get{found}."
    ),
    "viewers_disagree_note": (
        "PDF readers disagree about how many pages your PDF has ({qpdf} or {pdfium}); please check "
        "it in several viewers."
    ),
    "leading_junk": (
        "Your file has {count} bytes before the start of the PDF; viewers skip them and so did we (the copy "
        "reviewers get starts where the PDF starts)."
    ),
    "no_end_marker": (
        "Your PDF does not end the way PDF files end (the %%EOF marker is missing), so it may be incomplete. "
        "We read {count}; please check that nothing is missing."
    ),
    "rebuilt": (
        "Our main PDF reader could not read the structure of your PDF, so we rebuilt it from what "
        + VIEWER + " reads ({count}). The copy reviewers get has the same pages, without bookmarks "
        "or form fields; please check it."
    ),
    "damaged_stream": (
        "We found compressed data that cannot be fully decoded on {pages} of your PDF, so viewers may show "
        "{those} incompletely. Please check {those} in your viewer."
    ),
    "page_unviewable": (
        VIEWER + " cannot display {pages} of your PDF. Please check {those} in several viewers and "
        "export the paper again if a page is missing."
    ),
    # Anonymity warnings beyond "field X contains" / "page mentions".
    "unreadable_first_page": (
        "We could not read the text of page 1, so we could not check it for your names or email "
        "addresses. Please make sure the first page does not identify the authors."
    ),
    "signed": (
        "Your PDF is digitally signed{by}. A signature names the signer and carries their certificate, so we "
        "removed {it} and {its} visible stamp from the copy reviewers get; to be safe, upload an unsigned PDF."
    ),
    # Copy problems: the caller withholds the copy from reviewers.
    "copy_viewers_disagree": (
        "PDF readers disagree about how many pages your upload has ({qpdf} or {pdfium}), so we "
        "cannot make a faithful copy for reviewers; " + _COPY_FIX
    ),
    "copy_page_count": "The copy for reviewers has {copy} pages where your upload has {upload}; " + _COPY_FIX,
    "copy_page": "The copy for reviewers differs from your upload on page {page}: {what}; " + _COPY_FIX,
    "copy_unreadable": "We could not read back the copy for reviewers; " + _COPY_FIX,
}

# What differs on a page (the {what} of "copy_page").
DIFFERENCES = {
    "upload_unviewable": VIEWER + " cannot display that page of your upload, so we cannot check the copy against it",
    "copy_unviewable": "the copy's page cannot be displayed",
    "size": "the page size differs ({upload} in your upload, {copy} in the copy)",
    "upload_blank": (
        "your upload is damaged there: " + VIEWER + " shows the page blank, while our repaired copy shows "
        "content, so we cannot tell which one you meant"
    ),
    "copy_blank": "the copy shows the page blank where your upload shows content",
    "drawing": "the page looks different in the copy ({percent} of the page differs)",
    "text": "the text readers can select or search differs, although the page looks the same",
    "images": "the copy has {copy} images on the page where your upload has {upload}",
}

# For the chairs, next to the paper: what the checks could not establish.
CHAIR_FLAGS = {
    "page_limit_unchecked": "Page limit not checked: the text could not be read (scanned or outlined)",
}


def join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def contained(hits: list[str], *, several: bool) -> str:
    hits = list(dict.fromkeys(hits))
    if not hits:
        return ""
    return f"; {'they' if several else 'it'} contained " + join([f'"{hit}"' for hit in hits])


def page_list(numbers: list[int]) -> dict[str, str]:
    """{pages} and {those} for a sentence about one or more page numbers."""
    numbers = sorted(set(numbers))
    shown = [str(number) for number in numbers[:10]] + (["others"] if len(numbers) > 10 else [])
    if len(numbers) == 1:
        return {"pages": f"page {shown[0]}", "those": "that page"}
    return {"pages": "pages " + join(shown), "those": "those pages"}


def mb(size: int, rounding: Callable[[float], int]) -> str:
    # Rounded outwards (file size up, cap down) so "20 MB; the maximum is 20 MB" never happens.
    return f"{rounding(size * 10 / MB) / 10:.1f}".removesuffix(".0")


def size_in_mb(size: int) -> str:
    return mb(size, math.ceil)


def cap_in_mb(size: int) -> str:
    return mb(size, math.floor)
