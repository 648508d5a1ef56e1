"""What the bytes are before any PDF parser reads them: size, header, prefix, archive, end marker."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from submissions.pdf.errors import PdfRejected
from submissions.pdf.messages import MESSAGES, cap_in_mb, size_in_mb

MAGIC_WINDOW = 1024  # PDF readers look for the header within about this much of the start
_EOF_WINDOW = 1024  # the %%EOF marker must be this close to the end (trailing whitespace aside)
_WHITESPACE = b"\x00\t\n\x0c\r "

_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a Word document or ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Word (.doc) document"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
    (b"<", "a web page or XML file"),
)


@dataclass(frozen=True)
class Envelope:
    junk: int  # bytes before %PDF- that are not whitespace (viewers skip them)
    has_end_marker: bool


def inspect_envelope(data: bytes, max_bytes: int) -> Envelope:
    """Refuse what is not a PDF by its bytes alone; say what the parsers will have to skip."""
    if not data:
        raise PdfRejected(MESSAGES["empty"], "empty")
    if len(data) > max_bytes:
        message = MESSAGES["too_large"].format(size=size_in_mb(len(data)), cap=cap_in_mb(max_bytes))
        raise PdfRejected(message, "too_large")
    header = data.find(b"%PDF-", 0, MAGIC_WINDOW)
    prefix = data[:header].strip(_WHITESPACE) if header >= 0 else data[: 2 * MAGIC_WINDOW].lstrip(_WHITESPACE)
    if header < 0 or _is_other_format(prefix):
        # A prefix with markup or another format's signature makes the file something else
        # too, depending on who opens it (an HTML page with a script, a PostScript program).
        kind = next((f" (it looks like {name})" for magic, name in _SIGNATURES if prefix.startswith(magic)), "")
        if not kind and b"<" in prefix:
            kind = " (it looks like a web page or XML file)"
        raise PdfRejected(MESSAGES["not_pdf"].format(kind=kind), "not_pdf")
    if _is_zip(data):
        raise PdfRejected(MESSAGES["polyglot"], "polyglot")
    tail = data[-64 * 1024 :].rstrip(_WHITESPACE)[-_EOF_WINDOW:]
    return Envelope(junk=len(prefix), has_end_marker=b"%%EOF" in tail)


def _is_other_format(prefix: bytes) -> bool:
    return bool(prefix) and (b"<" in prefix or any(prefix.startswith(magic) for magic, _ in _SIGNATURES))


def _is_zip(data: bytes) -> bool:
    # is_zipfile alone only finds an end-of-archive signature, which four random bytes
    # of compressed data near the end could imitate; a real archive also has a readable
    # directory with at least one entry.
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        return False
    try:
        with zipfile.ZipFile(buffer) as archive:
            return bool(archive.infolist())
    except Exception:  # not a readable archive after all
        return False
