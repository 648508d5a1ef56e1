"""Time and peak memory of build_volume against a plain qpdf merge of the same papers.

Run: .venv/bin/python bench/proceedings.py [--papers 100] [--pages 10] [--runs 3]

Generates the papers with WeasyPrint (real text and an embedded font; A4 and
Letter alternate; each carries one incompressible 300x200 figure so the bytes to
copy are not trivial), then, alternating, runs (a) build_volume with a front
matter and an author index rendered from HTML and (b) `qpdf --empty --pages
p1.pdf p2.pdf ... -- out.pdf`, the floor: the same merge without stamps,
bookmarks, labels or links. Each run is a fresh process; its peak RSS is that
child's maximum resident set (wait4). For build_volume the time is the call
itself (imports not counted, WeasyPrint's first render is: a fresh process, as
the first build in a worker); "import RSS" is the child's peak before the call.
Prints the median of the runs and the ratios.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = ["Smith", "Müller", "Nguyen", "García", "Kowalski", "Okafor", "Tanaka", "Dubois", "Rossi", "Ivanova"]
FIRST = ["Alice", "Bo", "Chloé", "Dmitri", "Eun-ji", "Farid", "Grete", "Hiro", "Ines", "Jonas"]


def _authors(index: int) -> tuple[str, ...]:
    return tuple(f"{FIRST[(index + k) % 10]} {SURNAMES[(index * 3 + k) % 10]}" for k in range(1 + index % 4))


def _title(index: int) -> str:
    return f"Paper {index + 1}: Poisoning and Evasion Attacks on Model {index + 1}"


def _paper(args: tuple[int, int, str]) -> str:
    """Render one paper (in a worker process); returns its path."""
    import base64
    import io
    import zlib

    from weasyprint import HTML

    index, pages, folder = args
    size = "A4" if index % 2 else "Letter"
    # An incompressible figure: random RGB pixels in a PNG (stored, not deflated).
    width, height = 300, 200
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    png = io.BytesIO()
    png.write(b"\x89PNG\r\n\x1a\n")

    def chunk(kind: bytes, data: bytes) -> None:
        png.write(len(data).to_bytes(4, "big") + kind + data)
        png.write(zlib.crc32(kind + data).to_bytes(4, "big"))

    chunk(b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0]))
    chunk(b"IDAT", zlib.compress(raw, 0))
    chunk(b"IEND", b"")
    figure = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    paragraph = "Adversarial examples transfer between models trained on similar data. " * 12
    body = [f"<h1>{escape(_title(index))}</h1><p>{escape(', '.join(_authors(index)))}</p>"]
    for page in range(pages):
        if page == 1:
            body.append(f'<img src="{figure}" style="width: 8cm">')
        body.append(f"<h2>Section {page + 1}</h2>" + f"<p>{paragraph}</p>" * 3)
        if page < pages - 1:
            body.append('<div style="break-after: page"></div>')
    html = f"<style>@page {{ size: {size}; margin: 2.5cm }} body {{ font: 10pt serif }}</style>{''.join(body)}"
    path = Path(folder) / f"paper-{index + 1:03}.pdf"
    HTML(string=html).write_pdf(path)
    return str(path)


def _front_matter(toc: list) -> str:
    rows = "".join(
        f'<tr><td><a href="{entry.href}">{escape(entry.title)}</a><br><i>{escape(", ".join(entry.authors))}</i></td>'
        f"<td>{entry.first_page}</td></tr>"
        for entry in toc
    )
    return (
        "<style>@page { size: A4; margin: 2cm; @bottom-center { content: counter(page, lower-roman) } }"
        " td { vertical-align: top; padding: 2pt }</style>"
        "<h1>Proceedings of the Machine Learning and Computer Security Workshop 2027</h1>"
        '<h2 style="break-before: page">Preface</h2><p>' + "Welcome to MLSec. " * 80 + "</p>"
        '<h2 style="break-before: page">Contents</h2><table>' + rows + "</table>"
    )


def _author_index(entries: list, first_page: int) -> str:
    rows = "".join(
        f"<p>{escape(entry.name)} "
        + ", ".join(f'<a href="{href}">{page}</a>' for page, href in zip(entry.pages, entry.hrefs, strict=True))
        + "</p>"
        for entry in entries
    )
    return (
        f"<style>@page {{ size: A4; margin: 2cm; @bottom-center {{ content: counter(page) }} }}"
        f" html {{ counter-reset: page {first_page - 1} }}</style><h1>Author index</h1>{rows}"
    )


def _child(folder: str, out: str) -> dict:
    from submissions.proceedings.builder import PaperEntry, Volume, build_volume

    papers = [
        PaperEntry(pdf=path, title=_title(index), authors=_authors(index), label=f"#{index + 1}")
        for index, path in enumerate(sorted(Path(folder).glob("paper-*.pdf")))
    ]
    stages: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        stages[stage] = time.perf_counter()

    before = _status_kb("VmHWM")
    start = time.perf_counter()
    built = build_volume(
        papers=papers,
        volume=Volume("MLSec 2027", "Machine Learning and Computer Security Workshop", 2027),
        front_matter=_front_matter,
        author_index=_author_index,
        out=Path(out),
        progress=progress,
    )
    seconds = time.perf_counter() - start
    ends = [start, stages["Stamping papers"], stages["Front matter"], stages["Writing the volume"]]
    split = [later - earlier for earlier, later in zip(ends, ends[1:], strict=False)]
    return {"seconds": seconds, "import_kb": before, "pages": built.pages, "front": built.front_pages, "split": split}


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _run(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MiB, stdout) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603 -- our own commands
    stdout = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command[:3]}... failed with {process.returncode}")
    return seconds, usage.ru_maxrss / 1024, stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(*args.child)))
        return

    qpdf = shutil.which("qpdf")
    if qpdf is None:
        raise SystemExit("qpdf is not installed (Debian: apt-get install qpdf)")
    folder = Path(tempfile.mkdtemp(prefix="proceedings-bench-"))
    try:
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            paths = list(pool.map(_paper, [(i, args.pages, str(folder)) for i in range(args.papers)]))
        size = sum(Path(path).stat().st_size for path in paths)
        print(
            f"{args.papers} papers x {args.pages} pages (A4/Letter), {size / 2**20:.1f} MiB, "
            f"generated in {time.perf_counter() - start:.1f} s"
        )
        ours, floor, bare = [], [], []
        for run in range(args.runs):
            out = folder / f"volume-{run}.pdf"
            wall, peak, stdout = _run([sys.executable, __file__, "--child", str(folder), str(out)])
            row = json.loads(stdout.strip().splitlines()[-1])
            ours.append((row["seconds"], wall, peak, row["import_kb"] / 1024, row["pages"], out.stat().st_size))
            ours[-1] += tuple(row["split"])
            qpdf_out = folder / f"qpdf-{run}.pdf"
            seconds, qpdf_peak, _ = _run([qpdf, "--empty", "--pages", *paths, "--", str(qpdf_out)])
            floor.append((seconds, qpdf_peak, qpdf_out.stat().st_size))
            seconds, qpdf_peak, _ = _run(
                [qpdf, "--empty", "--remove-unreferenced-resources=no", "--pages", *paths, "--", str(qpdf_out)]
            )
            bare.append((seconds, qpdf_peak))
            out.unlink()
            qpdf_out.unlink()

        def median(rows: list, column: int) -> float:
            return statistics.median(row[column] for row in rows)

        print(
            f"build_volume: {median(ours, 0):.2f} s in the call ({median(ours, 1):.2f} s with the process), "
            f"peak RSS {median(ours, 2):.0f} MiB (after imports {median(ours, 3):.0f} MiB), "
            f"{int(median(ours, 4))} pages, {median(ours, 5) / 2**20:.1f} MiB\n"
            f"  stamping and merging {median(ours, 6):.2f} s, front matter and author index (WeasyPrint) "
            f"{median(ours, 7):.2f} s, writing {median(ours, 8):.2f} s"
        )
        print(
            f"qpdf --pages: {median(floor, 0):.2f} s, peak RSS {median(floor, 1):.0f} MiB, "
            f"{median(floor, 2) / 2**20:.1f} MiB"
        )
        print(
            f"qpdf --pages without its unreferenced-resource pass (--remove-unreferenced-resources=no): "
            f"{median(bare, 0):.2f} s, peak RSS {median(bare, 1):.0f} MiB"
        )
        print(
            f"ratio: time {median(ours, 0) / median(floor, 0):.2f}x "
            f"(process {median(ours, 1) / median(floor, 0):.2f}x), "
            f"peak RSS {median(ours, 2) / median(floor, 1):.2f}x"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
