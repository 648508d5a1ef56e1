"""Every file in pdf_cases/ (real files from other projects' test suites) with the outcome it must get.

Accepted files: the copy starts with %PDF-, names nobody (checked in decompressed
bytes by `reading.check`), and poppler, a third reader, opens it with every page.
"""

import logging
import re
from dataclasses import dataclass

import pytest

from tests.submissions import pdf_corpus as corpus
from tests.submissions.pdf.reading import check, poppler_text, rejection, viewer, viewer_with_forms

NAMES = {"names": ["John Doe", "tt tt"], "emails": ["john.doe@example.org"]}
UNREAD_PAGE_1 = (
    "We could not read the text of page 1, so we could not check it for your names or email addresses. "
    "Please make sure the first page does not identify the authors."
)
COPY_FIX = (
    "please export your PDF again (printing it to a new PDF usually works) and upload the new file. "
    "Until then we cannot give reviewers a copy of your paper."
)
REBUILT = (
    "Our main PDF reader could not read the structure of your PDF, so we rebuilt it from what Chrome's PDF viewer "
    "reads (1 page). The copy reviewers get has the same pages, without bookmarks or form fields; please check it."
)
XMP_ON_OBJECTS = (
    "We removed hidden XMP metadata from 1 other part of the PDF (pages, fonts or figures) in the copy reviewers get."
)


def signed(by: str) -> str:
    return (
        f'Your PDF is digitally signed (signed by "{by}"). A signature names the signer and carries their '
        "certificate, so we removed it and its visible stamp from the copy reviewers get; to be safe, upload an "
        "unsigned PDF."
    )


@dataclass(frozen=True)
class Accepted:
    pages: int = 1
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    copy_problem: str | None = None
    faithful: bool = True  # the copy shows the upload's pages, as PDFium reads both


ACCEPTED = {
    "AutoCad_Diagram.pdf": Accepted(),
    "reuse-xref-stream.pdf": Accepted(),
    "xref-range.pdf": Accepted(),
    "issue-301.pdf": Accepted(),
    "pdfjsbad1586.pdf": Accepted(),
    "issue21436.pdf": Accepted(warnings=(UNREAD_PAGE_1,)),
    "poppler-91414-0-53.pdf": Accepted(),
    "digitally-signed.pdf": Accepted(
        warnings=('The digital signature mentions "John Doe".', signed("John Doe")), faithful=False),
    "issue17069.pdf": Accepted(warnings=('The digital signature mentions "tt tt".', signed("OneSpan")), faithful=False),
    "issue16091.pdf": Accepted(notes=(REBUILT, XMP_ON_OBJECTS)),
    "issue4573.pdf": Accepted(notes=(REBUILT,)),
    "leading-junk.pdf": Accepted(pages=30, notes=(
        "Your file has 12 bytes before the start of the PDF; viewers skip them and so did we (the copy reviewers "
        "get starts where the PDF starts).",)),
    "issue-117.pdf": Accepted(warnings=(UNREAD_PAGE_1,), notes=(
        "Your PDF does not end the way PDF files end (the %%EOF marker is missing), so it may be incomplete. "
        "We read 1 page; please check that nothing is missing.",
        "We found compressed data that cannot be fully decoded on page 1 of your PDF, so viewers may show that "
        "page incompletely. Please check that page in your viewer.")),
    "bad34.pdf": Accepted(warnings=(UNREAD_PAGE_1,), faithful=False, copy_problem=(
        "The copy for reviewers differs from your upload on page 1: Chrome's PDF viewer cannot display that page "
        "of your upload, so we cannot check the copy against it; " + COPY_FIX)),
    "stream-line-enders.pdf": Accepted(faithful=False, copy_problem=(
        "The copy for reviewers differs from your upload on page 1: your upload is damaged there: Chrome's PDF "
        "viewer shows the page blank, while our repaired copy shows content, so we cannot tell which one you "
        "meant; " + COPY_FIX)),
    "qpdf-fuzz-23642.pdf": Accepted(faithful=False, notes=(XMP_ON_OBJECTS,), copy_problem=(
        "The copy for reviewers differs from your upload on page 1: your upload is damaged there: Chrome's PDF "
        "viewer shows the page blank, while our repaired copy shows content, so we cannot tell which one you "
        "meant; " + COPY_FIX)),
}


def test_every_case_file_has_an_expected_outcome():
    assert sorted(path.name for path in corpus.CASES.glob("*.pdf")) == sorted([*ACCEPTED, "bad7.pdf"])


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_case_accepted_with_its_warnings_notes_and_copy(name):
    expected = ACCEPTED[name]
    data = corpus.case(name)

    result = check(data, max_pages=200, page_limit=None, **NAMES)

    assert result.page_count == expected.pages
    assert result.anonymity_warnings == list(expected.warnings)
    assert result.notes == list(expected.notes)
    assert result.copy_problem == expected.copy_problem
    assert result.reviewer_copy.startswith(b"%PDF-")
    assert poppler_text(result.reviewer_copy).count("\f") == expected.pages
    if expected.faithful:
        assert viewer(result.reviewer_copy) == viewer(data)


def test_case_damaged_beyond_both_readers_refused_and_logged(caplog):
    # bad7.pdf: qpdf rebuilds its damaged trailer; PDFium, Chrome's viewer, cannot open it.
    with caplog.at_level(logging.WARNING, logger="submissions.pdf"):
        error = rejection(corpus.case("bad7.pdf"))

    assert error.code == "malformed"
    assert "PDF refused (malformed)" in caplog.text


@pytest.mark.parametrize(("name", "stamp"), [("digitally-signed.pdf", "Digitally signed by John Doe"),
                                             ("issue17069.pdf", "E-SIGNED by tt tt")])
def test_signed_case_copy_has_no_signature_and_no_stamp(name, stamp):
    data = corpus.case(name)

    result = check(data, page_limit=None, **NAMES)

    assert stamp in " ".join(" ".join(viewer_with_forms(data)).split())  # what Chrome shows of the upload
    shown = " ".join(" ".join(viewer_with_forms(result.reviewer_copy)).split())
    assert stamp.split(" by ")[0] not in shown
    for leftover in (b"/ByteRange", b"/Sig", b"/SigFlags", b"/DocMDP", b"/Perms"):
        assert re.search(re.escape(leftover) + rb"\b", result.reviewer_copy) is None, leftover


def test_signed_case_copy_keeps_the_rest_of_the_page():
    # issue17069: a text field's value, a comment, a stamp and a watermark stay visible, drawn into the page.
    result = check(corpus.case("issue17069.pdf"), page_limit=None, **NAMES)

    shown = " ".join(viewer_with_forms(result.reviewer_copy)[0].split())
    for visible in ("Test doc", "text comment", "test value"):
        assert visible in shown


@pytest.mark.parametrize("name", ["leading-junk.pdf"])
def test_case_with_junk_before_the_header_gets_a_copy_starting_with_it(name):
    data = corpus.case(name)
    assert not data.startswith(b"%PDF-")

    result = check(data, max_pages=200, page_limit=None)

    assert result.reviewer_copy.startswith(b"%PDF-")
    assert [text for text, _ in viewer(result.reviewer_copy)] == [f"Potato {n}" for n in range(30)]
