"""Ordinary papers (tests/submissions/pdf/papers.py) are accepted with faithful copies that name nobody."""

import io

import pikepdf
import pytest

from submissions.pdf import check as check_module
from submissions.pdf import check_pdf
from submissions.pdf.copy import Copy
from tests.submissions.pdf import papers
from tests.submissions.pdf.reading import AUTHORS, LIMITS, check, poppler_text, viewer, viewer_with_forms

UNREAD_PAGE_1 = (
    "We could not read the text of page 1, so we could not check it for your names or email addresses. "
    "Please make sure the first page does not identify the authors."
)
EXIF_NOTE = (
    'We removed hidden image metadata (EXIF/XMP) from 1 image in the copy reviewers get; it contained "Alice Smith".'
)
UNREAD_LIMIT = (
    "Your PDF has 12 pages, more than the 8-page limit for the main text, and we could not read the text of some "
    "of pages 1-9 (scanned images, text drawn as outlines, or fonts without a text map), so we could not check "
    "where your references or appendices start. We accepted it; the chairs will check the page limit by hand. "
    "If you can, upload a PDF with selectable text."
)

ORDINARY = {
    # name: (make, pages, warnings, notes)
    "text, 4 pages": (lambda: papers.text_paper(3, 1), 4, [], []),
    "text, 12 pages": (lambda: papers.text_paper(8, 4), 12, [], []),
    "two columns": (papers.two_columns, 6, [], []),
    "vector figures": (papers.vector_figures, 2, [], []),
    "photo with EXIF": (papers.with_photo_exif, 4, [], [EXIF_NOTE]),
    "scanned": (papers.scanned, 4, [UNREAD_PAGE_1], []),
    "outlined text": (papers.outlined, 4, [UNREAD_PAGE_1], []),
}


@pytest.mark.parametrize("name", sorted(ORDINARY))
def test_ordinary_paper_accepted_with_faithful_copy(name):
    make, pages, warnings, notes = ORDINARY[name]
    data = make()

    result = check(data, page_limit=8, **AUTHORS)

    assert result.page_count == pages
    assert result.anonymity_warnings == warnings
    assert result.notes == notes
    assert result.copy_problem is None
    assert result.chair_flags == ()
    assert viewer(result.reviewer_copy) == viewer(data)
    assert poppler_text(result.reviewer_copy).count("\f") == pages


@pytest.mark.parametrize("make", [lambda: papers.scanned(8, 4), lambda: papers.outlined(12)],
                         ids=["scanned", "outlined"])
def test_unreadable_paper_over_the_page_limit_accepted_with_note_and_chair_flag(make):
    # 12 pages whose text cannot be extracted, References at the top of page 9: the page
    # count is known, where the main text ends is not.
    result = check(make(), page_limit=8)

    assert result.page_count == 12
    assert result.notes == [UNREAD_LIMIT]
    assert result.chair_flags == ("page_limit_unchecked",)
    assert result.copy_problem is None


def test_readable_paper_with_references_on_page_nine_needs_no_flag():
    result = check(papers.text_paper(8, 4), page_limit=8)

    assert result.notes == []
    assert result.chair_flags == ()


def test_signed_paper_warned_and_copy_without_signature_or_stamp():
    data = papers.signed()

    result = check(data, **AUTHORS)

    assert result.anonymity_warnings == [
        'The digital signature mentions "alice.smith@uni.edu".',
        'The digital signature mentions "Alice Smith".',
        'Your PDF is digitally signed (signed by "Alice Smith"). A signature names the signer and carries their '
        "certificate, so we removed it and its visible stamp from the copy reviewers get; to be safe, upload an "
        "unsigned PDF.",
    ]
    assert result.copy_problem is None
    assert "Digitally signed by Alice Smith" in viewer_with_forms(data)[0]
    assert "Digitally signed" not in viewer_with_forms(result.reviewer_copy)[0]
    with pikepdf.open(io.BytesIO(result.reviewer_copy)) as copy:
        assert "/AcroForm" not in copy.Root
        assert "/Perms" not in copy.Root
        assert "/Annots" not in copy.pages[0].obj


def test_form_field_showing_a_name_warns_and_is_drawn_into_the_copy():
    # The value says "n/a"; the appearance, which is what readers see, names the author. What a
    # page shows stays (like a byline on page 1): the warning is for that.
    data = papers.field_showing()

    result = check_pdf(data, **LIMITS, **AUTHORS)

    assert result.anonymity_warnings == ['An annotation or form field on page 1 shows "Alice Smith".']
    assert result.copy_problem is None
    assert "Alice Smith" in viewer(result.reviewer_copy)[0][0]  # drawn into the page itself
    with pikepdf.open(io.BytesIO(result.reviewer_copy)) as copy:
        assert "/AcroForm" not in copy.Root  # no hidden value left behind the drawing
        assert "/Annots" not in copy.pages[0].obj


@pytest.mark.parametrize("direction", ["added", "lost"])
def test_copy_with_a_drawing_added_or_lost_is_kept_from_reviewers(monkeypatch, direction):
    # Same text, same images, same page size: only the drawn page tells them apart.
    plain = papers.vector_figures()
    banded = papers.with_drawing_added(plain)
    upload, copy = (plain, banded) if direction == "added" else (banded, plain)
    monkeypatch.setattr(check_module, "make_copy", lambda *args, **kwargs: Copy(copy))

    result = check(upload)

    assert result.copy_problem.startswith(
        "The copy for reviewers differs from your upload on page 1: the page looks different in the copy "
        "(about 5 % of the page differs); please export your PDF again"
    )


def test_signed_paper_copy_is_byte_for_byte_the_unsigned_papers_copy():
    # Nothing of the signature is left to tell two signers apart: not its objects, not their numbers.
    unsigned = check(papers.text_paper(3, 1)).reviewer_copy

    assert check(papers.signed("Alice Smith")).reviewer_copy == unsigned
    assert check(papers.signed("Bruno Bystander", "bruno@example.org")).reviewer_copy == unsigned
