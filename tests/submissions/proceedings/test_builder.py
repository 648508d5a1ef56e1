"""The proceedings builder: real papers rendered with WeasyPrint, merged, then read back.

The papers are generated once per session (A4 and Letter, 1 to 4 pages, one with
a rotated page and one with a shifted and cropped page box); the main volume is
built once per module and every check reads the written file: pdftotext for
what a reader sees, pikepdf for labels, bookmarks and links, PDFium for where
the footer sits on the page.
"""

import base64
import hashlib
import logging
import re
import socket
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from submissions.proceedings.builder import (
    STAGE_FRONT_MATTER,
    STAGE_STAMPING,
    STAGE_WRITING,
    IndexEntry,
    PaperEntry,
    TocEntry,
    Volume,
    VolumeError,
    build_volume,
)
from tests.submissions.proceedings.builder_papers import (
    A4,
    FRONT_PAGES,
    HOSTILE_TITLE,
    LETTER,
    RANGES,
    SPECS,
    VOLUME,
    author_index,
    front_matter,
    page_texts,
    paper_entries,
)


def _page_numbers(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: index for index, page in enumerate(pdf.pages)}


def _link_targets(pdf: pikepdf.Pdf, index: int) -> list[int]:
    """Page indexes the link annotations on page `index` go to, in order."""
    numbers = _page_numbers(pdf)
    targets = []
    for annotation in pdf.pages[index].obj.get("/Annots", []):
        action = annotation.get("/A")
        destination = action.D if action is not None and action.S == "/GoTo" else annotation.get("/Dest")
        targets.append(numbers[destination[0].objgen])
    return targets


def test_build_volume_numbers_papers_after_the_front_matter(built):
    result = built.result

    assert (result.pages, result.front_pages, result.ranges) == (FRONT_PAGES + 12 + 1, FRONT_PAGES, RANGES)
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert [path.name for path in result.path.parent.iterdir()] == ["proceedings.pdf"]
    assert len(built.texts) == result.pages


def test_build_volume_toc_pages_match_where_the_papers_start(built):
    contents = built.texts[1]
    printed = {}
    for spec in SPECS:
        match = re.search(re.escape(spec.title) + r"\s*\.+\s*(\d+)", contents)
        printed[spec.key] = int(match.group(1))
    real = {}
    for spec in SPECS:
        index = next(i for i, text in enumerate(built.texts) if f"Page 1 of {spec.key}." in text)
        real[spec.key] = index - FRONT_PAGES + 1

    assert printed == real
    assert real == {spec.key: first for spec, (first, _last) in zip(SPECS, RANGES, strict=True)}


def test_build_volume_stamps_footers_and_the_pages_line(built):
    footers, lines = {}, {}
    for number in range(1, 13):
        text = built.texts[FRONT_PAGES + number - 1]
        footers[number] = [int(found) for found in re.findall(r"MLSec 2027\s+(\d+)", text)]
        lines[number] = re.findall(r"Proceedings of .*", text)

    assert footers == {number: [number] for number in range(1, 13)}
    expected_lines = {number: [] for number in range(1, 13)}
    for first, last in RANGES:
        pages = f"pages {first}–{last}" if last > first else f"page {first}"
        expected_lines[first] = [f"Proceedings of Machine Learning and Computer Security Workshop 2027, {pages}"]
    assert {number: [line.strip() for line in found] for number, found in lines.items()} == expected_lines
    assert [("MLSec 2027" in built.texts[index]) for index in (0, 1, 14)] == [False, False, False]


def test_build_volume_page_labels_roman_then_arabic(built):
    with pikepdf.open(built.result.path) as pdf:
        labels = [page.label for page in pdf.pages]

    assert labels == ["i", "ii", *[str(number) for number in range(1, 14)]]


def test_build_volume_bookmarks_name_and_open_each_part(built):
    with pikepdf.open(built.result.path) as pdf, pdf.open_outline() as outline:
        numbers = _page_numbers(pdf)
        marks = [(item.title, numbers[item.destination[0].objgen]) for item in outline.root]

    papers = [(spec.title, FRONT_PAGES + first - 1) for spec, (first, _) in zip(SPECS, RANGES, strict=True)]
    assert marks == [("Front matter", 0), *papers, ("Author index", 14)]


def test_build_volume_toc_and_index_links_go_to_the_papers(built):
    with pikepdf.open(built.result.path) as pdf:
        toc_targets = _link_targets(pdf, 1)
        index_targets = _link_targets(pdf, 14)
        uris = [
            annotation.A.URI
            for page in pdf.pages
            for annotation in page.obj.get("/Annots", [])
            if annotation.get("/A") is not None and annotation.A.S == "/URI"
        ]

    assert toc_targets == [FRONT_PAGES + first - 1 for first, _ in RANGES]
    assert index_targets == [FRONT_PAGES + page - 1 for entry in built.index for page in entry.pages]
    assert uris == []


def test_build_volume_gives_the_renderers_pages_and_hrefs(built):
    toc = [
        TocEntry(spec.title, spec.authors, first, last, f"volume-page:{first}")
        for spec, (first, last) in zip(SPECS, RANGES, strict=True)
    ]

    assert built.toc == toc
    assert built.index_first_page == 13
    assert built.index == [
        IndexEntry("Grace Hopper", (1, 6), ("volume-page:1", "volume-page:6")),
        IndexEntry("Ada Lovelace", (1, 7), ("volume-page:1", "volume-page:7")),
        IndexEntry("Édouard Lucas", (6,), ("volume-page:6",)),
        IndexEntry("Claude Shannon", (11,), ("volume-page:11",)),
        IndexEntry("Alan Turing", (4, 7), ("volume-page:4", "volume-page:7")),
    ]


def test_build_volume_keeps_page_sizes_and_rotation(built, paper_files):
    def boxes(page: pikepdf.Page) -> tuple:
        return tuple(round(float(v), 2) for v in page.mediabox), tuple(round(float(v), 2) for v in page.cropbox)

    expected = []
    for spec in SPECS:
        with pikepdf.open(paper_files[spec.key]) as paper:
            expected += [(*boxes(page), int(page.obj.get("/Rotate", 0))) for page in paper.pages]
    with pikepdf.open(built.result.path) as pdf:
        found = [(*boxes(page), int(page.obj.get("/Rotate", 0))) for page in pdf.pages[FRONT_PAGES:-1]]

    assert found == expected
    assert [size for size, *_ in found[:6]] == [
        tuple(round(v, 2) for v in box) for box in [A4] * 3 + [LETTER] * 2 + [A4]
    ]


def test_build_volume_puts_the_footer_at_the_bottom_of_the_visible_page(built):
    """Where PDFium finds the footer's text: inside the crop box, by its displayed bottom edge."""
    document = pdfium.PdfDocument(str(built.result.path))
    try:
        placed = {}
        for number in (1, 4, 11, 12):  # A4, Letter, rotated a quarter, shifted and cropped
            page = document[FRONT_PAGES + number - 1]
            textpage = page.get_textpage()
            searcher = textpage.search("MLSec 2027")
            start, count = searcher.get_next()
            first = textpage.get_charbox(start)  # (left, bottom, right, top)
            last = textpage.get_charbox(start + count - 1)
            left, bottom = min(first[0], last[0]), min(first[1], last[1])
            right = max(first[2], last[2])
            x0, y0, x1, _y1 = page.get_cropbox()
            if page.get_rotation() == 90:  # the displayed bottom is the right edge; the text runs upwards
                placed[number] = (round(x1 - right), round(bottom - y0), first[1] < last[1])
            else:
                placed[number] = (round(bottom - y0), round(left - x0), first[0] < last[0])
            searcher.close()
            textpage.close()
            page.close()
    finally:
        document.close()

    assert {number: (gap <= 25, 50 <= margin <= 60, forward) for number, (gap, margin, forward) in placed.items()} == {
        number: (True, True, True) for number in (1, 4, 11, 12)
    }


def test_build_volume_resolves_named_links_inside_a_paper(built):
    delta_first, delta_last = RANGES[3]
    with pikepdf.open(built.result.path) as pdf:
        targets = _link_targets(pdf, FRONT_PAGES + delta_last - 1)

    assert targets == [FRONT_PAGES + delta_first - 1]


def test_build_volume_reports_progress_by_stage(built):
    stages = [stage for stage, _, _ in built.progress]
    writing = [(done, total) for stage, done, total in built.progress if stage == STAGE_WRITING]

    assert built.progress[:7] == [
        *[(STAGE_STAMPING, done, 5) for done in range(1, 6)],
        (STAGE_FRONT_MATTER, 1, 2),
        (STAGE_FRONT_MATTER, 2, 2),
    ]
    assert stages[7:] == [STAGE_WRITING] * len(writing)
    assert writing[-1] == (100, 100)
    assert [done for done, _ in writing] == sorted({done for done, _ in writing})


def _stamped_strings(page: pikepdf.Page) -> list[bytes]:
    """The strings shown by the last content stream of the page (the stamp)."""
    stamp = page.obj.Contents[-1]
    return [bytes(operands[0]) for operands, operator in pikepdf.parse_content_stream(stamp) if str(operator) == "Tj"]


def test_build_volume_keeps_hostile_text_plain(paper_files, tmp_path):
    volume = Volume(short_name="MLSec <b>(\\) %PDF", name="</title><script>x()</script> (\\) %PDF-1.7 Łódź", year=2027)
    paper = PaperEntry(paper_files["gamma"], HOSTILE_TITLE, ("Grace Hopper",), "#3")

    result = build_volume(
        papers=[paper], volume=volume, front_matter=front_matter, author_index=author_index, out=tmp_path / "v.pdf"
    )

    text = page_texts(result.path)[FRONT_PAGES]
    line = "Proceedings of </title><script>x()</script> (\\) %PDF-1.7 Lódz 2027, page 1"
    with pikepdf.open(result.path) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        stamped = _stamped_strings(pdf.pages[FRONT_PAGES])
        info_title = str(pdf.docinfo.Title)
    check = subprocess.run(["qpdf", "--check", str(result.path)], capture_output=True, text=True, check=False)

    assert titles == ["Front matter", HOSTILE_TITLE, "Author index"]
    assert stamped == [b"1", b"MLSec <b>(\\) %PDF", line.encode("cp1252")]
    assert [line in text, "MLSec <b>(\\) %PDF" in text] == [True, True]
    assert info_title == "Proceedings of </title><script>x()</script> (\\) %PDF-1.7 Łódź 2027"
    assert check.returncode == 0, check.stdout + check.stderr


def test_build_volume_fetches_no_url_but_data(paper_files, tmp_path, caplog):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    port = listener.getsockname()[1]
    pixel = base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d4944415478da63f8cfc0f01f0005000201e0e2d3b90000000049454e44ae426082"
        )
    ).decode()
    html = (
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/y.css">'
        '<img src="file:///etc/passwd" alt="">'
        f'<img src="data:image/png;base64,{pixel}" alt="">'
        "<p>Cover</p>"
    )

    with caplog.at_level(logging.WARNING, logger="submissions.proceedings"):
        result = build_volume(
            papers=paper_entries(paper_files)[:1],
            volume=VOLUME,
            front_matter=lambda toc: html,
            author_index=author_index,
            out=tmp_path / "v.pdf",
        )

    refused = [r.getMessage() for r in caplog.records if r.name == "submissions.proceedings"]
    try:
        listener.accept()
        connected = True
    except BlockingIOError:
        connected = False
    finally:
        listener.close()
    with pikepdf.open(result.path) as pdf:
        images = pdf.pages[0].get_images()

    assert sorted(refused) == sorted(
        f"Refused to fetch {url!r} for the proceedings: only data: URLs are allowed."
        for url in ("http://127.0.0.1:9/x.css", f"http://127.0.0.1:{port}/y.css", "file:///etc/passwd")
    )
    assert connected is False
    assert "root:" not in page_texts(result.path)[0]
    assert len(images) == 1  # the data: image


def _damaged(path: Path, paper_files) -> None:
    path.write_bytes(paper_files["beta"].read_bytes()[:2000])


def _password(path: Path, paper_files) -> None:
    with pikepdf.open(paper_files["beta"]) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="secret"))


def _restricted(path: Path, paper_files) -> None:
    with pikepdf.open(paper_files["beta"]) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="", owner="owner", allow=pikepdf.Permissions(extract=False)))


def _empty_folder(path: Path, paper_files) -> None:
    path.mkdir()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (None, "the file is missing"),
        (_empty_folder, "the file is missing"),
        (_damaged, "it is damaged"),
        (_password, "it is password-protected"),
        (_restricted, "it is encrypted"),
    ],
)
def test_build_volume_names_the_unreadable_paper_and_leaves_no_file(paper_files, tmp_path, make, reason):
    broken = tmp_path / "broken.pdf"
    if make is not None:
        make(broken, paper_files)
    papers = paper_entries(paper_files)[:2]
    papers.insert(1, PaperEntry(broken, "Poisoning", ("Eve",), "#12 “Poisoning…”"))
    output = tmp_path / "out"
    output.mkdir()
    (output / "proceedings.pdf").write_bytes(b"the previous volume")

    with pytest.raises(VolumeError) as refused:
        build_volume(
            papers=papers,
            volume=VOLUME,
            front_matter=front_matter,
            author_index=author_index,
            out=output / "proceedings.pdf",
        )

    assert (refused.value.message, refused.value.paper) == (
        f"The PDF of #12 “Poisoning…” could not be read: {reason}.",
        "#12 “Poisoning…”",
    )
    assert str(refused.value) == refused.value.message
    assert [(path.name, path.read_bytes()) for path in output.iterdir()] == [
        ("proceedings.pdf", b"the previous volume")
    ]


def test_build_volume_refuses_an_empty_list(tmp_path):
    with pytest.raises(VolumeError) as refused:
        build_volume(
            papers=[], volume=VOLUME, front_matter=front_matter, author_index=author_index, out=tmp_path / "v.pdf"
        )

    assert (refused.value.message, list(tmp_path.iterdir())) == ("There are no papers to put in the volume.", [])


def _with_layer(source: Path, path: Path, *, hidden: bool) -> None:
    """`source` with one more line of text in an optional content group (a layer)."""
    with pikepdf.open(source) as pdf:
        group = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String("Notes")))
        page = pdf.pages[0]
        page.obj.Resources.Properties = pikepdf.Dictionary(oc1=group)
        page.contents_add(pikepdf.Stream(pdf, b"/OC /oc1 BDC BT 12 TL ET EMC"))
        off = [group] if hidden else []
        pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[group], D=pikepdf.Dictionary(Order=[group], OFF=off))
        pdf.save(path)


def test_build_volume_keeps_hidden_layers_hidden(paper_files, tmp_path):
    _with_layer(paper_files["alpha"], tmp_path / "hidden.pdf", hidden=True)
    _with_layer(paper_files["beta"], tmp_path / "shown.pdf", hidden=False)
    papers = [
        PaperEntry(tmp_path / "hidden.pdf", "Hidden", ("A B",), "#1"),
        PaperEntry(tmp_path / "shown.pdf", "Shown", ("C D",), "#2"),
    ]

    result = build_volume(
        papers=papers, volume=VOLUME, front_matter=front_matter, author_index=author_index, out=tmp_path / "v.pdf"
    )

    with pikepdf.open(result.path) as pdf:
        used = [pdf.pages[FRONT_PAGES + first - 1].obj.Resources.Properties.oc1.objgen for first, _ in result.ranges]
        listed = [group.objgen for group in pdf.Root.OCProperties.OCGs]
        hidden = [group.objgen for group in pdf.Root.OCProperties.D.OFF]

    assert (listed, hidden) == (used, used[:1])


@pytest.fixture(scope="module")
def draft(paper_files, tmp_path_factory):
    """beta's PDF is missing: a draft stands a placeholder page in for it."""
    out = tmp_path_factory.mktemp("draft") / "draft.pdf"
    papers = [PaperEntry(None, p.title, p.authors, p.label) if "Membership" in p.title else p
              for p in paper_entries(paper_files)]
    result = build_volume(papers=papers, volume=VOLUME, front_matter=front_matter, author_index=author_index,
                          out=out, draft=True)
    return result, page_texts(out)


def test_a_draft_says_draft_on_every_page(draft):
    result, texts = draft

    assert len(texts) == result.pages
    assert [i for i, text in enumerate(texts) if "DRAFT, not for publication" not in text] == []
    with pikepdf.open(result.path) as pdf:
        assert str(pdf.docinfo.Title).startswith("DRAFT, not for publication")


def test_a_draft_stands_a_placeholder_in_for_a_missing_pdf(draft):
    result, texts = draft
    first, last = result.ranges[1]  # beta

    placeholder = " ".join(texts[FRONT_PAGES + first - 1].split())
    assert first == last == 4  # one page, and the papers after it move up by one
    assert "Membership Inference in the Wild" in placeholder and "Alan Turing" in placeholder
    assert "Placeholder: the final PDF of this paper is not uploaded yet." in placeholder
    assert "page 4" in placeholder  # stamped like any paper page
    assert result.ranges[2:] == ((5, 5), (6, 9), (10, 11))


def test_a_draft_keeps_the_papers_text_readable_under_its_mark(draft, built):
    """The large DRAFT is drawn at 15% opacity after the page: the paper's text is still all there."""
    result, texts = draft
    assert "Page 1 of alpha." in texts[FRONT_PAGES]
    with pikepdf.open(result.path) as pdf:
        states = [v for k, v in pdf.pages[FRONT_PAGES].Resources.ExtGState.items() if k.startswith("/MLSecDraft")]
        assert [(float(s["/ca"]), float(s["/CA"])) for s in states] == [(0.15, 0.15)]


def test_a_volume_that_is_no_draft_needs_every_pdf(paper_files, tmp_path):
    papers = [PaperEntry(None, p.title, p.authors, p.label) if "Membership" in p.title else p
              for p in paper_entries(paper_files)]

    with pytest.raises(VolumeError) as error:
        build_volume(papers=papers, volume=VOLUME, front_matter=front_matter, author_index=author_index,
                     out=tmp_path / "volume.pdf")

    assert error.value.message == ("The final PDF of #1 “Membership I” is missing; only a draft stands a placeholder "
                                   "in for it.")
    assert list(tmp_path.iterdir()) == []


def test_a_volume_that_is_no_draft_says_nothing_of_drafts(built):
    assert [i for i, text in enumerate(built.texts) if "DRAFT" in text] == []
