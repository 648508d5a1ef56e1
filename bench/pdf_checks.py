"""Time and peak memory of check_pdf on generated papers and on tests/submissions/pdf_cases/.

Run: .venv/bin/python bench/pdf_checks.py [--repeat 5]
Each file is checked in a fresh Python process (so its peak RSS is its own), with
the reviewer copy and the anonymity check on, as for a submission upload. Prints
one line per file: median wall time, peak RSS of the process (Linux VmHWM), and
that peak less the RSS just before the first check (what checking added).
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def measure(path: str, repeat: int) -> dict:
    """Runs in the child process (Linux: peak RSS is VmHWM, reset through clear_refs)."""
    from submissions.pdf import MB, PdfRejected, check_pdf

    data = Path(path).read_bytes()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak to the current RSS
    before = _status_kb("VmHWM")
    times, outcome, pages = [], "", 0
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            result = check_pdf(
                data, max_bytes=50 * MB, max_pages=250, names=["Alice Smith"], emails=["alice@uni.edu"], time_budget=120
            )
            outcome, pages = ("accepted" if result.copy_problem is None else "copy problem"), result.page_count
        except PdfRejected as rejected:
            outcome = f"refused ({rejected.code})"
        times.append(time.perf_counter() - start)
    peak = _status_kb("VmHWM")
    return {
        "ms": statistics.median(times) * 1000,
        "peak": peak / 1024,
        "added": (peak - before) / 1024,
        "outcome": outcome,
        "pages": pages,
        "size": len(data),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return

    from tests.submissions import pdf_corpus as corpus
    from tests.submissions.pdf import papers

    tmp = Path(tempfile.mkdtemp())
    inputs = {
        "paper, 4 pages": corpus.paper(),
        "paper, 30 pages": corpus.paper(29),
        "paper, 200 pages": corpus.paper(199),
        "two columns, 6 pages": papers.two_columns(),
        "vector figures": papers.vector_figures(),
        "scanned, 12 pages": papers.scanned(8, 4),
        "outlined text, 12 pages": papers.outlined(12),
        "signed": papers.signed(),
    }
    inputs.update({f"case {path.name}": path.read_bytes() for path in sorted(corpus.CASES.glob("*.pdf"))})
    print(f"{'file':36} {'KB':>7} {'pages':>5} {'outcome':22} {'ms':>8} {'peak MB':>8} {'added MB':>8}")
    for name, data in inputs.items():
        path = tmp / "input.pdf"
        path.write_bytes(data)
        child = subprocess.run(  # noqa: S603 -- this interpreter, this script
            [sys.executable, __file__, "--child", str(path), "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{name:36} {row['size'] / 1024:7.1f} {row['pages']:5} {row['outcome']:22} "
            f"{row['ms']:8.1f} {row['peak']:8.1f} {row['added']:8.1f}"
        )


if __name__ == "__main__":
    main()
