"""Time and decompression budgets, and qpdf's own limits.

Hostile files are meant to exhaust time or memory; every step of the check
spends from these budgets and stops when they run out.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator

import pikepdf

from submissions.pdf.errors import PdfRejected
from submissions.pdf.messages import MB, MESSAGES, cap_in_mb

DEFAULT_INFLATE_BUDGET = 200 * MB
_INFLATE_OUT_CHUNK = 1 * MB
_INFLATE_IN_CHUNK = 64 * 1024

# qpdf's limits are process-wide. They back up our own measuring for the streams qpdf
# itself decodes before we can look at them (cross-reference and object streams), so
# they are set once, here, unless the application has already chosen its own values.
QPDF_BACKSTOPS = {
    "flate_max_memory": (0, 64 * MB),  # (qpdf's default, ours): one decoded stream
    "parser_max_container_size": (2**32 - 1, 1_000_000),  # items in one array or dictionary
}


def _set_qpdf_backstops() -> None:
    current = pikepdf.settings.get_qpdf_limits()
    pikepdf.settings.set_qpdf_limits(
        **{name: ours for name, (default, ours) in QPDF_BACKSTOPS.items() if current.get(name) == default}
    )


_set_qpdf_backstops()


class TooSlow(BaseException):
    """Raised at checkpoints once the time budget is spent.

    A BaseException so that the `except Exception` fallbacks (a page whose text
    cannot be read, ...) cannot swallow it and keep working.
    """


class Deadline:
    # Cooperative checkpoints rather than signal.alarm: signals only work on the main
    # thread, and Django views may run in worker threads.
    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() >= self._end:
            raise TooSlow

    def left(self) -> float:
        return self._end - time.monotonic()


class InflateBudget:
    """Total decompressed size of Flate streams, measured without keeping the output."""

    def __init__(self, limit: int, deadline: Deadline) -> None:
        self.remaining = limit
        self.limit = limit
        self.deadline = deadline
        self.measured: set[tuple[int, int]] = set()

    def spend(self, stream: object) -> None:
        if not isinstance(stream, pikepdf.Stream):
            return
        if stream.is_indirect:
            if stream.objgen in self.measured:
                return
            self.measured.add(stream.objgen)
        layers = 0
        filters = stream_filters(stream)
        # Only the leading run of Flate filters is measured: stacked Flate filters are the
        # classic amplifier, and what follows (DCT, ...) is image data we never decode.
        while layers < len(filters) and filters[layers] in ("/FlateDecode", "/Fl"):
            layers += 1
        if not layers:
            return
        chunks: Iterator[bytes] = _chunked(stream.read_raw_bytes())
        for _ in range(layers):
            chunks = _inflate(chunks, self.deadline)
        for chunk in chunks:
            self.remaining -= len(chunk)
            if self.remaining < 0:
                raise PdfRejected(MESSAGES["bomb"].format(budget=cap_in_mb(self.limit)), "bomb")


def stream_filters(stream: pikepdf.Object) -> list[str]:
    value = stream.get("/Filter")
    items = list(value) if isinstance(value, pikepdf.Array) else [value]
    return [name for name in map(name_of, items) if name is not None]


def name_of(value: object) -> str | None:
    if not isinstance(value, pikepdf.Name):
        return None
    try:
        return str(value)
    except UnicodeDecodeError:  # not UTF-8, so not a name we look for
        return value.unparse().decode("latin-1")


def _chunked(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), _INFLATE_IN_CHUNK):
        yield data[start : start + _INFLATE_IN_CHUNK]


def _inflate(chunks: Iterator[bytes], deadline: Deadline) -> Iterator[bytes]:
    # max_length keeps memory at one output chunk however well the data compresses.
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header
    try:
        for chunk in chunks:
            while chunk and not inflater.eof:
                out = inflater.decompress(chunk, _INFLATE_OUT_CHUNK)
                chunk = inflater.unconsumed_tail
                deadline.check()
                if out:
                    yield out
            if inflater.eof:
                return
    except zlib.error:
        return  # corrupt data decodes to nothing more than what came out so far


def inflates_whole(data: bytes, deadline: Deadline) -> bool:
    """Whether Flate data decodes to its final block without an error.

    Read as raw deflate after the two-byte zlib header, so a missing checksum (a
    common producer's quirk that no reader minds) does not count; data cut short
    or corrupted does: readers show what came out up to there. The caller has
    measured the data against the inflate budget.
    """
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for chunk in _chunked(data[2:]):
            while chunk and not inflater.eof:
                inflater.decompress(chunk, _INFLATE_OUT_CHUNK)
                chunk = inflater.unconsumed_tail
                deadline.check()
            if inflater.eof:
                return True
    except zlib.error:
        return False
    return inflater.eof
