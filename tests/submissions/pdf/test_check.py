import hashlib
import io
import logging
import random
import re
import threading
import warnings

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from submissions.pdf import MB, PdfRejected, check_pdf
from submissions.pdf import check as check_module
from submissions.pdf import viewer as viewer_module
from submissions.pdf.copy import Copy
from submissions.pdf.jpeg import strip_jpeg
from submissions.pdf.structure import refuse_damage
from tests.submissions import pdf_corpus as corpus
from tests.submissions.pdf.reading import AUTHORS, LIMITS, assert_clean, check, decompressed, rejection, viewer

# --- accepted ----------------------------------------------------------------


def test_check_pdf_valid_paper_returns_result_and_copy():
    data = corpus.paper()

    result = check(data)

    assert result.page_count == 4
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert ("Title", "Poisoning Malware Detectors") in result.metadata
    assert result.anonymity_warnings == []
    assert result.notes == []
    assert result.copy_problem is None
    assert result.reviewer_size == len(result.reviewer_copy)
    assert result.reviewer_sha256 == hashlib.sha256(result.reviewer_copy).hexdigest()
    assert viewer(result.reviewer_copy) == viewer(data)


def test_check_pdf_header_after_some_whitespace_accepted():
    data = b"\r\n" * 200 + corpus.paper()

    result = check(data)

    assert result.page_count == 4


def test_check_pdf_goto_open_action_accepted():
    # LaTeX's hyperref emits this by default; refusing it would refuse most papers.
    result = check(corpus.with_goto_open_action())

    assert result.page_count == 4


def test_check_pdf_lying_page_count_counts_real_pages():
    result = check(corpus.lying_page_count())

    assert result.page_count == 1


def test_check_pdf_worker_thread_works():
    # Django may run views in threads, where signal-based timeouts are impossible.
    results = []
    worker = threading.Thread(target=lambda: results.append(check(corpus.paper())))

    worker.start()
    worker.join(timeout=60)

    assert [result.page_count for result in results] == [4]


def test_check_pdf_concurrent_threads_agree():
    # PDFium is not thread-safe; the module's lock must serialise it.
    data = corpus.with_author_on_first_page()
    results, errors = [], []

    def work():
        try:
            results.append(check(data, **AUTHORS))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert errors == []
    assert len(results) == 4
    assert len({(r.reviewer_sha256, tuple(r.anonymity_warnings)) for r in results}) == 1


def test_check_pdf_camera_ready_without_copy_or_anonymity_check():
    result = check(corpus.with_author_on_first_page(), make_copy=False, check_anonymity=False, **AUTHORS)

    assert result.page_count == 4
    assert result.reviewer_copy is None
    assert (result.reviewer_sha256, result.reviewer_size, result.copy_problem) == ("", 0, None)
    assert result.anonymity_warnings == []


def test_check_pdf_invalid_over_limit_value_is_a_programming_error():
    with pytest.raises(ValueError, match="over_limit"):
        check(corpus.paper(), over_limit="maybe")


# --- refused before parsing --------------------------------------------------


def test_check_pdf_empty_file_rejected():
    error = rejection(b"")

    assert error.code == "empty"
    assert error.message == "The uploaded file is empty. Please choose your PDF again and re-upload it."


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (corpus.png(), "a PNG image"),
        (corpus.docx(), "a Word document or ZIP archive"),
        (b"Dear chairs, please find my paper attached.", None),
    ],
)
def test_check_pdf_renamed_file_rejected_as_not_pdf(data, looks_like):
    error = rejection(data)

    assert error.code == "not_pdf"
    assert error.message.startswith("This file is not a PDF")
    if looks_like:
        assert f"(it looks like {looks_like})" in error.message


def test_check_pdf_header_beyond_first_kilobyte_rejected_as_not_pdf():
    error = rejection(b" " * 1024 + corpus.paper())

    assert error.code == "not_pdf"


def test_check_pdf_over_size_cap_rejected_with_sizes():
    data = corpus.paper() + b"%" + b"x" * (2 * MB)

    error = rejection(data, max_bytes=2 * MB)

    assert error.code == "too_large"
    assert error.message.startswith("Your file is 2.1 MB; the maximum is 2 MB.")


def test_check_pdf_html_before_header_rejected_as_not_pdf():
    # Browsers would run the script; PDF readers skip to %PDF- and show the paper.
    error = rejection(corpus.html_prefixed())

    assert error.code == "not_pdf"
    assert error.message.startswith("This file is not a PDF (it looks like a web page or XML file).")


@pytest.mark.parametrize("prefix", [b"junk <script>alert(1)</script>\n", b"%!PS-Adobe-3.0\n", b"\x89PNG\r\n\x1a\n"])
def test_check_pdf_markup_or_another_format_before_header_rejected_and_logged(prefix, caplog):
    with caplog.at_level(logging.WARNING, logger="submissions.pdf"):
        error = rejection(prefix + corpus.paper())

    assert error.code == "not_pdf"
    assert "PDF refused (not_pdf)" in caplog.text  # refused before parsing, and still logged


def test_check_pdf_plain_bytes_before_header_accepted_with_note():
    result = check(b"Generated by our lab's build script\n" + corpus.paper())

    assert result.page_count == 4
    assert result.notes == [
        "Your file has 35 bytes before the start of the PDF; viewers skip them and so did we (the copy reviewers "
        "get starts where the PDF starts)."
    ]
    assert result.reviewer_copy.startswith(b"%PDF-")


def test_check_pdf_zip_archive_containing_pdf_rejected_as_not_pdf():
    data = corpus.zip_with_pdf()
    assert data.find(b"%PDF-", 0, 1024) != -1  # the old test let it through

    error = rejection(data)

    assert error.code == "not_pdf"
    assert "(it looks like a Word document or ZIP archive)" in error.message


def test_check_pdf_pdf_that_is_also_a_zip_rejected_as_polyglot():
    error = rejection(corpus.pdf_with_zip_appended())

    assert error.code == "polyglot"
    assert error.message.startswith("Your file is a PDF and at the same time a ZIP archive")


# --- refused after parsing ---------------------------------------------------


def test_check_pdf_needs_password_rejected_as_encrypted_and_logged(caplog):
    data = corpus.encrypted()

    with caplog.at_level(logging.WARNING, logger="submissions.pdf"):
        error = rejection(data)

    assert error.code == "encrypted"
    assert "password-protected or encrypted" in error.message
    assert hashlib.sha256(data).hexdigest() in caplog.text


def test_check_pdf_owner_password_only_accepted_and_copy_unencrypted():
    data = corpus.owner_password_only()
    with pikepdf.open(io.BytesIO(data)) as upload:
        assert upload.is_encrypted

    result = check(data)

    assert result.page_count == 4
    assert result.copy_problem is None
    with pikepdf.open(io.BytesIO(result.reviewer_copy)) as copy:
        assert not copy.is_encrypted
    assert viewer(result.reviewer_copy) == viewer(corpus.paper())


@pytest.mark.parametrize(
    ("make", "found"),
    [
        (corpus.with_javascript, "Your PDF contains JavaScript."),
        (
            corpus.with_launch_open_action,
            "Your PDF contains an action that runs when the document is opened (OpenAction) "
            "and a Launch action (which can start other programs).",
        ),
        (
            corpus.with_page_additional_action,
            "Your PDF contains additional actions triggered by viewing or clicking (AA).",
        ),
        (corpus.with_attachment, "Your PDF contains an embedded file attachment."),
    ],
    ids=["javascript", "launch", "additional-actions", "attachment"],
)
def test_check_pdf_active_content_rejected_naming_it(make, found):
    error = rejection(make())

    assert error.code == "active_content"
    assert error.message.startswith(found)
    assert "without scripts, automatic actions or attached files" in error.message


def test_check_pdf_decompression_bomb_rejected():
    data = corpus.bomb()  # ~230 KB that inflates to 210 MB
    assert len(data) < 300_000

    error = rejection(data)

    assert error.code == "bomb"
    assert "expands to more than 200 MB" in error.message


def test_check_pdf_stacked_flate_bomb_rejected():
    # Compressing the compressed data again turns 30 MB into a few KB.
    data = corpus.bomb(inflated=30 * MB, layers=2)
    assert len(data) < 20_000

    error = rejection(data, inflate_budget=20 * MB)

    assert error.code == "bomb"
    assert "expands to more than 20 MB" in error.message


def test_check_pdf_object_stream_measured_before_it_is_decoded():
    # qpdf would decode the whole object stream to resolve the page's resources.
    error = rejection(corpus.object_stream_bomb(30 * MB), inflate_budget=20 * MB)

    assert error.code == "bomb"
    assert "expands to more than 20 MB" in error.message


def test_check_pdf_cross_reference_stream_bomb_stopped_by_qpdf_limit():
    # qpdf decodes this one while opening the file; its own per-stream limit stops it.
    data = corpus.xref_stream_bomb(300 * MB)
    assert len(data) < 400_000

    error = rejection(data)

    assert error.code == "bomb"
    assert "expands to more than 64 MB" in error.message


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.95, 0.99])
def test_check_pdf_truncated_rejected_as_malformed(fraction):
    error = rejection(corpus.truncated(fraction))

    assert error.code == "malformed"
    assert error.message.startswith("We could not read your PDF: it seems to be damaged or incomplete")


def test_check_pdf_missing_only_the_end_marker_accepted_with_note():
    # Cut in its last line: every object is there, only "%%EOF" is missing.
    result = check(corpus.truncated(0.999))

    assert result.page_count == 4
    assert result.notes == [
        "Your PDF does not end the way PDF files end (the %%EOF marker is missing), so it may be incomplete. "
        "We read 4 pages; please check that nothing is missing."
    ]
    assert result.copy_problem is None


def test_check_pdf_deep_nesting_rejected_as_malformed():
    error = rejection(corpus.deeply_nested())

    assert error.code == "malformed"


def test_check_pdf_garbage_after_header_rejected_as_malformed():
    error = rejection(b"%PDF-1.7\nnot really\n%%EOF\n")

    assert error.code == "malformed"


def test_check_pdf_time_budget_spent_rejected_as_too_slow():
    error = rejection(corpus.paper(), time_budget=0)

    assert error.code == "too_slow"
    assert error.message.startswith("Your PDF took too long to check (more than 0 seconds)")


def test_check_pdf_too_many_objects_rejected_as_too_complex(monkeypatch):
    monkeypatch.setattr(check_module, "MAX_OBJECTS", 10)

    error = rejection(corpus.paper())

    assert error.code == "too_complex"
    assert error.message.startswith("Your PDF has an unusually large or complex internal structure")


def test_check_pdf_library_error_is_logged_with_hash_not_content(caplog):
    # bad7.pdf: qpdf rebuilds its damaged trailer, PDFium (Chrome's viewer) cannot open it.
    data = corpus.case("bad7.pdf")

    with caplog.at_level(logging.WARNING, logger="submissions.pdf"):
        error = rejection(data)

    assert error.code == "malformed"
    [record] = [r for r in caplog.records if r.name == "submissions.pdf"]
    assert record.levelno == logging.WARNING
    assert "PdfiumError" in caplog.text  # the library's reason, in the traceback
    assert hashlib.sha256(data).hexdigest() in record.getMessage()
    assert f"size={len(data)}" in record.getMessage()
    assert "Potato" not in caplog.text  # the page's text


def test_check_pdf_unexpected_error_is_a_logged_refusal(monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(check_module, "metadata_fields", explode)
    with caplog.at_level(logging.WARNING, logger="submissions.pdf"):
        error = rejection(corpus.paper())

    assert error.code == "malformed"
    assert "RecursionError" in caplog.text


def test_check_pdf_stream_length_defined_through_itself_is_recovered():
    # 757 bytes; object 6's /Length is object 6 itself: every reader finds `endstream` instead.
    result = check(corpus.case("poppler-91414-0-53.pdf"))

    assert result.page_count == 1
    assert result.copy_problem is None
    assert viewer(result.reviewer_copy) == viewer(corpus.case("poppler-91414-0-53.pdf"))


@pytest.mark.parametrize(
    ("warnings", "refused"),
    [
        (["(object 6 0): loop detected resolving object 6 0", "(object 6 0): /Length key in stream dictionary is "
          "not an integer", "(object 6 0): attempting to recover stream length", "recovered stream length: 2"], False),
        (["(object 9 0): loop detected resolving object 9 0", "(object 3 0): expected endobj"], True),
        (["object 4 0: limits error(parser_max_nesting): ignoring excessively deeply nested data structure"], True),
    ],
)
def test_refuse_damage_refuses_only_what_readers_cannot_recover(warnings, refused):
    class Parsed:
        def get_warnings(self):
            return warnings

    if refused:
        with pytest.raises(PdfRejected) as caught:
            refuse_damage(Parsed())
        assert caught.value.code == "malformed"
    else:
        refuse_damage(Parsed())


@pytest.mark.parametrize("name", ["xref-range.pdf", "reuse-xref-stream.pdf", "AutoCad_Diagram.pdf", "issue21436.pdf"])
def test_check_pdf_files_qpdf_reads_are_accepted_with_faithful_copy(name):
    data = corpus.case(name)

    result = check(data)

    assert result.page_count == 1
    assert result.copy_problem is None
    assert viewer(result.reviewer_copy) == viewer(data)


def _page_resources(data: bytes) -> list[tuple[str, bytes, bytes]]:
    """(name, dictionary, raw data) of every font and XObject of every page, as qpdf reads them."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for kind in ("/Font", "/XObject"):
                for name, obj in page.obj.Resources.get(kind, {}).items():
                    raw = obj.read_raw_bytes() if isinstance(obj, pikepdf.Stream) else b""
                    dictionary = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
                    # Object numbers change when qpdf writes the copy.
                    found.append((name, re.sub(rb"\d+ \d+ R", b"R", dictionary.unparse(resolved=True)), raw))
                    assert obj.Type == ("/Font" if kind == "/Font" else "/XObject")
    return found


@pytest.mark.parametrize("name", ["AutoCad_Diagram.pdf", "reuse-xref-stream.pdf"])
def test_check_pdf_copy_keeps_fonts_and_images_intact(name):
    # The pypdf copy of AutoCad_Diagram.pdf broke both images (poppler could not show
    # them); that of reuse-xref-stream.pdf pointed the font at the old cross-reference
    # stream (poppler showed no text).
    data = corpus.case(name)

    result = check(data)

    assert _page_resources(result.reviewer_copy) == _page_resources(data)
    with pikepdf.open(io.BytesIO(result.reviewer_copy)) as copy:
        assert copy.check_pdf_syntax() == []


def test_check_pdf_misplaced_page_tree_gets_a_copy():
    # issue21436.pdf: /Pages points at the page itself; qpdf repairs that as viewers do.
    result = check(corpus.case("issue21436.pdf"))

    with pikepdf.open(io.BytesIO(result.reviewer_copy)) as copy:
        assert len(copy.pages) == 1
        assert copy.get_warnings() == []


# --- page limits -------------------------------------------------------------


def test_check_pdf_over_max_pages_rejected_with_count():
    error = rejection(corpus.paper(3), max_pages=3)

    assert error.code == "too_many_pages"
    assert error.message == (
        "Your PDF has 4 pages; we accept at most 3 pages in total, including references and appendices."
    )


def test_check_pdf_max_pages_none_still_has_a_hard_cap(monkeypatch):
    monkeypatch.setattr(check_module, "HARD_MAX_PAGES", 3)

    error = rejection(corpus.paper(3), max_pages=None, page_limit=None)

    assert error.code == "too_many_pages"
    assert "we accept at most 3 pages in total" in error.message


def test_check_pdf_references_at_top_of_first_page_over_limit_accepted():
    data = corpus.paper(2, reference_pages=2)  # main text exactly 2 pages

    result = check(data, page_limit=2)

    assert result.page_count == 4
    assert result.notes == []


def test_check_pdf_references_mid_page_within_limit_accepted():
    data = corpus.paper(1, reference_pages=2, references_mid_page=True)

    result = check(data, page_limit=2)

    assert result.page_count == 4


def test_check_pdf_main_text_onto_page_after_limit_rejected():
    data = corpus.paper(2, references_mid_page=True)

    error = rejection(data, page_limit=2)

    assert error.code == "too_many_pages"
    assert error.message.startswith(
        "Your PDF has 4 pages; the limit is 2 pages excluding references and appendices, and your "
        'main text continues onto page 3 (the "References" heading is part-way down that page).'
    )


def test_check_pdf_main_text_without_back_matter_heading_rejected():
    data = corpus.paper(4, reference_pages=0)

    error = rejection(data, page_limit=2)

    assert error.code == "too_many_pages"
    assert error.message.startswith(
        "Your PDF has 4 pages; the limit is 2 pages excluding references and appendices, and we could "
        "not find where your references or appendices start (we found no References, Bibliography or "
        "Appendix heading on pages 1-3)."
    )


@pytest.mark.parametrize("pages", [40, 24])
def test_check_pdf_many_pages_with_little_text_rejected_with_count(pages):
    # Slides or figure pages: too little text to judge, so the page count decides.
    error = rejection(corpus.sparse_paper(pages), max_pages=200, page_limit=8)

    assert error.code == "too_many_pages"
    assert error.message.startswith(
        f"Your PDF has {pages} pages; the limit is 8 pages excluding references and appendices, and we "
        "could not find where your references or appendices start"
    )


def test_check_pdf_over_limit_warn_mode_accepts_with_note():
    result = check(corpus.sparse_paper(40), max_pages=200, page_limit=8, over_limit="warn")

    assert result.page_count == 40
    assert result.notes == [
        "Your PDF has 40 pages, more than the 8-page limit, and we could not find where your references "
        "or appendices start (we found no References, Bibliography or Appendix heading on pages 1-9). We "
        "accepted it because extra pages are allowed; please make sure the main text fits the limit."
    ]
    assert result.copy_problem is None


def test_check_pdf_over_limit_warn_mode_main_text_past_limit_noted():
    result = check(corpus.paper(2, references_mid_page=True), page_limit=2, over_limit="warn")

    assert len(result.notes) == 1
    assert result.notes[0].startswith("Your PDF has 4 pages and your main text seems to continue onto page 3")


def test_check_pdf_within_page_limit_needs_no_heading():
    result = check(corpus.sparse_paper(8), page_limit=8)

    assert result.page_count == 8
    assert result.notes == []


# --- double-blind checks -----------------------------------------------------


def test_check_pdf_author_in_metadata_warns_per_field():
    result = check(corpus.with_metadata(), **AUTHORS)

    assert result.anonymity_warnings == [
        'The PDF metadata field "Author" contains "Alice Smith".',
        'The PDF metadata field "dc:creator" contains "Alice Smith".',
    ]
    assert ("dc:creator", "Alice Smith") in result.metadata
    assert ("CreatorTool" not in dict(result.metadata)) and ("xmp:CreatorTool", "LaTeX") in result.metadata


def test_check_pdf_author_on_first_page_warns():
    result = check(corpus.with_author_on_first_page(), names=["alice   SMITH"], emails=["Alice.Smith@UNI.edu"])

    assert result.anonymity_warnings == [
        'The first page mentions "Alice.Smith@UNI.edu".',
        'The first page mentions "alice SMITH".',
    ]


def test_check_pdf_anonymous_paper_no_warnings():
    result = check(corpus.paper(), names=["Alice Smith", "Bo Li"], emails=[corpus.AUTHOR_EMAIL])

    assert result.anonymity_warnings == []


def test_check_pdf_surname_alone_only_in_metadata_and_long_enough():
    data = corpus.with_metadata(corpus.paper(byline="Smith et al. [3] and Li [4] showed that"), author="Smith; Li")

    result = check(data, names=["Alice Smith", "Bo Li"], emails=[])

    assert result.anonymity_warnings == [
        'The PDF metadata field "Author" contains "Smith".',
        'The PDF metadata field "dc:creator" contains "Smith".',
    ]


def test_check_pdf_similar_email_or_longer_word_no_warning():
    data = corpus.paper(byline="Contact: malice.smith@uni.edu; see Ann Leeway (2020).")

    result = check(data, names=["Ann Lee"], emails=["alice.smith@uni.edu"])

    assert result.anonymity_warnings == []


def test_check_pdf_scanned_first_page_warns_it_could_not_be_read():
    result = check(corpus.scanned_first_page(), **AUTHORS)

    assert result.anonymity_warnings == [
        "We could not read the text of page 1, so we could not check it for your names or email "
        "addresses. Please make sure the first page does not identify the authors."
    ]


def test_check_pdf_first_page_extraction_error_warns(monkeypatch):
    def broken(document, index):
        raise pdfium.PdfiumError("Failed to load text page.")

    monkeypatch.setattr(viewer_module, "page_text", broken)

    result = check(corpus.paper(), **AUTHORS)

    assert result.anonymity_warnings[0].startswith("We could not read the text of page 1")


def test_check_pdf_scanned_first_page_with_ocr_layer_is_read():
    # issue-301.pdf: a scan whose OCR layer used to exceed a parse cap, so the check read
    # nothing and said nothing. Its OCR noise includes the "word" 1111101.
    result = check(corpus.case("issue-301.pdf"), names=["1111101"])

    assert result.anonymity_warnings == ['The first page mentions "1111101".']


def test_check_pdf_comment_and_form_field_naming_author_warn():
    # check_pdf itself: what comments say stays in the copy (the warning is for that).
    result = check_pdf(corpus.with_comments_and_form(), **LIMITS, **AUTHORS)

    assert result.anonymity_warnings == [
        'An annotation on page 2 mentions "Alice Smith".',
        'A form field mentions "alice.smith@uni.edu".',
    ]
    with pikepdf.open(io.BytesIO(result.reviewer_copy)) as copy:
        [note] = copy.pages[1].obj.Annots
        assert "/T" not in note  # a comment's author
        assert "/Contents" in note  # what it says stays; the warning tells the author
        [widget] = copy.pages[0].obj.Annots
        assert widget.T == "contact"  # a form field's name, which the form needs


# --- the reviewer copy -------------------------------------------------------


def test_check_pdf_damaged_page_content_noted():
    result = check(corpus.with_damaged_content(page=2))

    assert result.notes == [
        "We found compressed data that cannot be fully decoded on page 2 of your PDF, so viewers may show that "
        "page incompletely. Please check that page in your viewer."
    ]


def test_check_pdf_page_viewers_cannot_display_noted_without_copy():
    # bad34.pdf: PDFium cannot load page 1; the camera-ready check makes no copy to compare with.
    result = check(corpus.case("bad34.pdf"), make_copy=False, check_anonymity=False, page_limit=None)

    assert result.notes == [
        "Chrome's PDF viewer cannot display page 1 of your PDF. Please check that page in several viewers and "
        "export the paper again if a page is missing."
    ]


def test_check_pdf_library_warnings_do_not_escape_to_stderr():
    # issue17069.pdf has widgets outside the form, which pikepdf warns about when saving them.
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        check(corpus.case("issue17069.pdf"), page_limit=None)

    assert [str(warning.message) for warning in seen] == []


def test_check_pdf_drawing_out_of_time_falls_back_to_size_text_and_images(monkeypatch, caplog):
    monkeypatch.setattr(check_module, "_DRAWING_SHARE", 0)

    with caplog.at_level(logging.INFO, logger="submissions.pdf"):
        result = check(corpus.paper())

    assert result.copy_problem is None
    assert "PDF copy compared without drawing 4 of 4 pages (time)" in caplog.text


def test_check_pdf_copy_drops_info_xmp_and_keeps_pages():
    original = corpus.with_metadata()

    result = check(original, **AUTHORS)

    copy = result.reviewer_copy
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        assert "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root
    assert viewer(copy) == viewer(original)
    assert check(copy, **AUTHORS).anonymity_warnings == []


def test_check_pdf_copy_drops_indirect_info_values():
    # pdfjsbad1586.pdf: every /Info value is an object of its own, e.g. 13 0 obj (Yury).
    data = corpus.case("pdfjsbad1586.pdf")
    assert b"(Yury)" in data

    result = check(data, names=["Yury"])

    assert result.anonymity_warnings == ['The PDF metadata field "Author" contains "Yury".']
    assert_clean(result.reviewer_copy, ["Yury", "TextEdit"])
    assert result.copy_problem is None


def test_check_pdf_copy_gets_a_new_id():
    data = corpus.with_id(corpus.paper())

    result = check(data)

    with pikepdf.open(io.BytesIO(result.reviewer_copy)) as copy:
        new_id = [bytes(part) for part in copy.trailer.ID]
    assert b"preprint-id-0001" not in new_id
    assert b"revision-id-0002" not in new_id
    assert b"preprint-id-0001" not in decompressed(result.reviewer_copy)
    assert check(data).reviewer_copy == result.reviewer_copy  # deterministic


def test_check_pdf_copy_strips_jpeg_metadata_and_keeps_image():
    jpeg = corpus.jpeg_with_metadata()
    data = corpus.with_image_metadata(jpeg)
    assert corpus.AUTHOR.encode() in decompressed(data)

    result = check(data, **AUTHORS)

    assert result.notes == [
        "We removed hidden image metadata (EXIF/XMP) from 1 image in the copy reviewers get; "
        'it contained "Alice Smith".'
    ]
    assert result.anonymity_warnings == []  # the copy is clean; nothing for the author to fix
    assert result.copy_problem is None
    assert viewer(result.reviewer_copy) == viewer(data)  # assert_clean (in check) scanned it
    with pikepdf.open(io.BytesIO(result.reviewer_copy)) as copy:
        [image] = [obj for obj in copy.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
        stripped = image.read_raw_bytes()
    assert stripped.startswith(b"\xff\xd8\xff\xe0")  # SOI, then the JFIF segment that was kept
    assert stripped.endswith(jpeg[jpeg.index(b"\xff\xda") :])  # the scan data untouched
    picture = Image.open(io.BytesIO(stripped))
    assert picture.size == (16, 16)
    assert picture.getpixel((8, 8))[0] > 180  # still red
    assert not picture.getexif()


def test_check_pdf_jpeg_metadata_without_names_just_noted():
    data = corpus.with_image_metadata(corpus.jpeg_with_metadata(author="Somebody Else"))

    result = check(data, **AUTHORS)

    assert result.notes == ["We removed hidden image metadata (EXIF/XMP) from 1 image in the copy reviewers get."]
    assert_clean(result.reviewer_copy, ["Somebody Else"])


def test_check_pdf_copy_strips_xmp_on_pages_fonts_and_images():
    data = corpus.with_xmp_on_objects()

    result = check(data, **AUTHORS)

    assert result.notes == [
        "We removed hidden image metadata (EXIF/XMP) from 1 image in the copy reviewers get; "
        'it contained "Alice Smith".',
        "We removed hidden XMP metadata from 2 other parts of the PDF (pages, fonts or figures) in the copy "
        'reviewers get; they contained "Alice Smith".',
    ]
    with pikepdf.open(io.BytesIO(result.reviewer_copy)) as copy:
        assert not any(
            "/Metadata" in obj for obj in copy.objects if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream)
        )
    assert result.copy_problem is None


def test_check_pdf_copy_that_differs_is_flagged_not_raised(monkeypatch):
    # A "copy" whose page 1 says something else, to see the comparison at work.
    other = corpus.paper(byline="Someone Else Entirely")
    monkeypatch.setattr(check_module, "make_copy", lambda *args, **kwargs: Copy(other))

    result = check(corpus.paper())

    assert result.reviewer_copy == other
    assert result.copy_problem.startswith(
        "The copy for reviewers differs from your upload on page 1: the page looks different in the copy "
        "(less than 1 % of the page differs); please export your PDF again"
    )
    assert "Until then we cannot give reviewers a copy of your paper." in result.copy_problem


def test_check_pdf_copy_with_fewer_pages_is_flagged(monkeypatch):
    monkeypatch.setattr(check_module, "make_copy", lambda *args, **kwargs: Copy(corpus.paper(2)))

    result = check(corpus.paper())

    assert result.copy_problem.startswith("The copy for reviewers has 3 pages where your upload has 4;")


def test_check_pdf_copy_unreadable_is_flagged(monkeypatch):
    monkeypatch.setattr(check_module, "make_copy", lambda *args, **kwargs: Copy(b"%PDF-1.7\nbroken\n%%EOF\n"))

    result = check_pdf(corpus.paper(), **LIMITS)

    assert result.copy_problem.startswith("We could not read back the copy for reviewers;")


def test_check_pdf_readers_disagreeing_on_page_count_is_a_copy_problem():
    # The page tree claims 100000 pages: PDFium believes it, qpdf counts the one page.
    result = check(corpus.lying_page_count())

    assert result.page_count == 1
    assert result.copy_problem.startswith(
        "PDF readers disagree about how many pages your upload has (1 or 100000), so we cannot make a faithful copy"
    )


def test_check_pdf_readers_disagreeing_without_copy_is_a_note():
    result = check(corpus.lying_page_count(), make_copy=False)

    assert result.copy_problem is None
    assert result.notes == [
        "PDF readers disagree about how many pages your PDF has (1 or 100000); please check it in several viewers."
    ]


# --- JPEG segments -----------------------------------------------------------


def test_strip_jpeg_keeps_jfif_icc_adobe_and_drops_the_rest():
    segments = {
        marker: corpus._jpeg_segment(marker, b"payload-%02x" % marker)
        for marker in (0xE0, 0xE1, 0xE2, 0xE3, 0xED, 0xEE, 0xEF, 0xFE)
    }
    scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x12\xff\x00\x34\xff\xd0\x56" + b"\xff\xd9"
    jpeg = b"\xff\xd8" + b"".join(segments.values()) + b"\xff\xdb\x00\x04\x00\x00" + scan

    stripped, removed = strip_jpeg(jpeg)

    kept = segments[0xE0] + segments[0xE2] + segments[0xEE]
    assert stripped == b"\xff\xd8" + kept + b"\xff\xdb\x00\x04\x00\x00" + scan
    assert removed == [b"payload-%02x" % marker for marker in (0xE1, 0xE3, 0xED, 0xEF, 0xFE)]


def test_strip_jpeg_leaves_clean_or_unparseable_data_alone():
    assert strip_jpeg(corpus.plain_jpeg()) is None
    assert strip_jpeg(b"\xff\xd8\xff\xe1\xff\xff") is None  # length past the end
    assert strip_jpeg(b"not a jpeg") is None


# --- robustness --------------------------------------------------------------


def _mutants(data: bytes, count: int, seed: int):
    rng = random.Random(seed)
    for offset in range(0, len(data), len(data) // 12):
        yield data[:offset]
    for _ in range(count):
        mutant = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            mutant[rng.randrange(len(mutant))] = rng.randrange(256)
        yield bytes(mutant)


def test_check_pdf_mutated_bytes_only_accepted_or_rejected():
    base = corpus.paper(1, reference_pages=0)
    outcomes = set()

    for mutant in _mutants(base, count=24, seed=20240601):
        try:
            check(mutant, time_budget=2)
            outcomes.add("accepted")
        except PdfRejected as error:
            outcomes.add(error.code)
        # Anything else propagates and fails the test.

    assert "accepted" in outcomes
    assert "malformed" in outcomes


@pytest.mark.parametrize(
    "name",
    [
        "AutoCad_Diagram.pdf",
        "bad7.pdf",
        "issue-301.pdf",
        "issue21436.pdf",
        "pdfjsbad1586.pdf",
        "poppler-91414-0-53.pdf",
        "reuse-xref-stream.pdf",
        "xref-range.pdf",
    ],
)
def test_check_pdf_mutated_cases_only_accepted_or_rejected(name):
    data = corpus.case(name)

    for mutant in _mutants(data, count=6, seed=len(data)):
        try:
            check(mutant, time_budget=5, **AUTHORS)
        except PdfRejected:
            pass
