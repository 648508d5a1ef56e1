import hashlib
import io
import random
import threading

import pytest
from pypdf import PdfReader

from submissions.pdf import MB, PdfInfo, PdfRejected, identity_leaks, inspect_pdf, scrub_metadata
from tests.submissions import pdf_corpus as corpus

LIMITS = {"max_bytes": 20 * MB, "max_pages": 30, "page_limit": 4}


def inspect(data: bytes, **overrides) -> PdfInfo:
    return inspect_pdf(data, **{**LIMITS, **overrides})


def rejection(data: bytes, **overrides) -> PdfRejected:
    with pytest.raises(PdfRejected) as caught:
        inspect(data, **overrides)
    return caught.value


# --- accepted ----------------------------------------------------------------


def test_inspect_pdf_valid_paper_returns_info():
    data = corpus.paper()

    info = inspect(data)

    assert info.page_count == 4
    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert ("Title", "Poisoning Malware Detectors") in info.metadata
    assert info.first_page_text.startswith("Poisoning Malware Detectors\nAnonymous Authors")


def test_inspect_pdf_header_after_some_junk_accepted():
    data = b"\r\n" * 200 + corpus.paper()

    info = inspect(data)

    assert info.page_count == 4


def test_inspect_pdf_goto_open_action_accepted():
    # LaTeX's hyperref emits this by default; refusing it would refuse most papers.
    info = inspect(corpus.with_goto_open_action())

    assert info.page_count == 4


def test_inspect_pdf_lying_page_count_counts_real_pages():
    info = inspect(corpus.lying_page_count())

    assert info.page_count == 1


def test_inspect_pdf_worker_thread_works():
    # Django may run views in threads, where signal-based timeouts are impossible.
    results = []
    worker = threading.Thread(target=lambda: results.append(inspect(corpus.paper())))

    worker.start()
    worker.join(timeout=30)

    assert [info.page_count for info in results] == [4]


# --- refused before parsing --------------------------------------------------


def test_inspect_pdf_empty_file_rejected():
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
def test_inspect_pdf_renamed_file_rejected_as_not_pdf(data, looks_like):
    error = rejection(data)

    assert error.code == "not_pdf"
    assert error.message.startswith("This file is not a PDF")
    if looks_like:
        assert f"(it looks like {looks_like})" in error.message


def test_inspect_pdf_header_beyond_first_kilobyte_rejected_as_not_pdf():
    error = rejection(b" " * 1024 + corpus.paper())

    assert error.code == "not_pdf"


def test_inspect_pdf_over_size_cap_rejected_with_sizes():
    data = corpus.paper() + b"%" + b"x" * (2 * MB)

    error = rejection(data, max_bytes=2 * MB)

    assert error.code == "too_large"
    assert error.message.startswith("Your file is 2.1 MB; the maximum is 2 MB.")


# --- refused after parsing ---------------------------------------------------


def test_inspect_pdf_encrypted_rejected():
    error = rejection(corpus.encrypted())

    assert error.code == "encrypted"
    assert "password-protected or encrypted" in error.message


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
def test_inspect_pdf_active_content_rejected_naming_it(make, found):
    error = rejection(make())

    assert error.code == "active_content"
    assert error.message.startswith(found)
    assert "without scripts, automatic actions or attached files" in error.message


def test_inspect_pdf_decompression_bomb_rejected():
    data = corpus.bomb()  # ~230 KB that inflates to 210 MB
    assert len(data) < 300_000

    error = rejection(data)

    assert error.code == "bomb"
    assert "expands to more than 200 MB" in error.message


def test_inspect_pdf_stacked_flate_bomb_rejected():
    # Compressing the compressed data again turns 30 MB into a few KB.
    data = corpus.bomb(inflated=30 * MB, layers=2)
    assert len(data) < 20_000

    error = rejection(data, inflate_budget=20 * MB)

    assert error.code == "bomb"
    assert "expands to more than 20 MB" in error.message


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.95, 0.999])
def test_inspect_pdf_truncated_rejected_as_malformed(fraction):
    error = rejection(corpus.truncated(fraction))

    assert error.code == "malformed"
    assert error.message.startswith("We could not read your PDF: it seems to be damaged or incomplete")


def test_inspect_pdf_deep_nesting_rejected_as_malformed():
    error = rejection(corpus.deeply_nested())

    assert error.code == "malformed"


def test_inspect_pdf_time_budget_spent_rejected_as_too_slow():
    error = rejection(corpus.paper(), time_budget=0)

    assert error.code == "too_slow"
    assert error.message.startswith("Your PDF took too long to check (more than 0 seconds)")


# --- page limits -------------------------------------------------------------


def test_inspect_pdf_over_max_pages_rejected_with_count():
    error = rejection(corpus.paper(3), max_pages=3)

    assert error.code == "too_many_pages"
    assert error.message == (
        "Your PDF has 4 pages; we accept at most 3 pages in total, including references and appendices."
    )


def test_inspect_pdf_references_at_top_of_first_page_over_limit_accepted():
    data = corpus.paper(2, reference_pages=2)  # main text exactly 2 pages

    info = inspect(data, page_limit=2)

    assert info.page_count == 4


def test_inspect_pdf_references_mid_page_within_limit_accepted():
    data = corpus.paper(1, reference_pages=2, references_mid_page=True)

    info = inspect(data, page_limit=2)

    assert info.page_count == 4


def test_inspect_pdf_main_text_onto_page_after_limit_rejected():
    data = corpus.paper(2, references_mid_page=True)

    error = rejection(data, page_limit=2)

    assert error.code == "too_many_pages"
    assert error.message.startswith(
        "Your PDF has 4 pages; the limit is 2 pages excluding references and appendices, and your "
        'main text continues onto page 3 (the "References" heading is part-way down that page).'
    )


def test_inspect_pdf_main_text_without_back_matter_heading_rejected():
    data = corpus.paper(4, reference_pages=0)

    error = rejection(data, page_limit=2)

    assert error.code == "too_many_pages"
    assert error.message.startswith(
        "Your PDF has 4 pages; the limit is 2 pages excluding references and appendices, and we found "
        "no References or Appendix heading on pages 1-3."
    )


# --- double-blind checks -----------------------------------------------------


def test_identity_leaks_author_in_metadata_warns_per_field():
    info = inspect(corpus.with_metadata())

    warnings = identity_leaks(info, names=["Alice Smith", "Bob Jones"], emails=[corpus.AUTHOR_EMAIL])

    assert warnings == [
        'The PDF metadata field "Author" contains "Alice Smith".',
        'The PDF metadata field "dc:creator" contains "Alice Smith".',
    ]


def test_identity_leaks_author_on_first_page_warns():
    info = inspect(corpus.with_author_on_first_page())

    warnings = identity_leaks(info, names=["alice   SMITH"], emails=["Alice.Smith@UNI.edu"])

    assert warnings == [
        'The first page mentions "Alice.Smith@UNI.edu".',
        'The first page mentions "alice SMITH".',
    ]


def test_identity_leaks_anonymous_paper_no_warnings():
    info = inspect(corpus.paper())

    warnings = identity_leaks(info, names=["Alice Smith", "Bo Li"], emails=[corpus.AUTHOR_EMAIL])

    assert warnings == []


def test_identity_leaks_surname_alone_only_in_metadata_and_long_enough():
    info = PdfInfo(
        sha256="0" * 64,
        size=1,
        page_count=1,
        metadata=(("Author", "Smith; Li"),),
        first_page_text="Smith et al. [3] and Li [4] showed that",
    )

    warnings = identity_leaks(info, names=["Alice Smith", "Bo Li"], emails=[])

    assert warnings == ['The PDF metadata field "Author" contains "Smith".']


def test_identity_leaks_similar_email_or_longer_word_no_warning():
    info = PdfInfo(
        sha256="0" * 64,
        size=1,
        page_count=1,
        metadata=(),
        first_page_text="Contact: malice.smith@uni.edu; see Ann Leeway (2020).",
    )

    warnings = identity_leaks(info, names=["Ann Lee"], emails=["alice.smith@uni.edu"])

    assert warnings == []


# --- scrubbing ---------------------------------------------------------------


def test_scrub_metadata_removes_info_and_xmp_keeps_pages():
    original = corpus.with_metadata()

    scrubbed = scrub_metadata(original)

    before, after = PdfReader(io.BytesIO(original)), PdfReader(io.BytesIO(scrubbed))
    assert before.metadata["/Author"] == corpus.AUTHOR
    assert after.metadata is None
    assert after.xmp_metadata is None
    assert corpus.AUTHOR.encode() not in scrubbed
    assert len(after.pages) == len(before.pages)
    assert [page.extract_text() for page in after.pages] == [page.extract_text() for page in before.pages]


def test_scrub_metadata_result_passes_identity_check():
    scrubbed = scrub_metadata(corpus.with_metadata())

    info = inspect(scrubbed)

    assert info.metadata == ()
    assert identity_leaks(info, names=[corpus.AUTHOR], emails=[corpus.AUTHOR_EMAIL]) == []


def test_scrub_metadata_garbage_rejected_as_malformed():
    with pytest.raises(PdfRejected) as caught:
        scrub_metadata(b"%PDF-1.7\nnot really")

    assert caught.value.code == "malformed"


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


def test_inspect_pdf_mutated_bytes_only_accepted_or_rejected():
    base = corpus.paper(1, reference_pages=0)
    outcomes = set()

    for mutant in _mutants(base, count=24, seed=20240601):
        try:
            inspect(mutant, time_budget=2)
            outcomes.add("accepted")
        except PdfRejected as error:
            outcomes.add(error.code)
        # Anything else propagates and fails the test.

    assert "accepted" in outcomes
    assert "malformed" in outcomes
