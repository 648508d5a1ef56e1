"""JPEG metadata segments: EXIF, XMP, IPTC and comments, cut out without touching the image data."""

from __future__ import annotations

# Kept: APP0 (JFIF), APP2 (ICC colour profile), APP14 (Adobe colour transform), which
# decoding may need. Dropped: APP1 (EXIF, XMP), APP3-APP13 (APP13: IPTC, Photoshop),
# APP15 and comments.
_JPEG_DROPPED = {0xE1, *range(0xE3, 0xEE), 0xEF, 0xFE}


def strip_jpeg(data: bytes) -> tuple[bytes, list[bytes]] | None:
    """The JPEG without metadata segments and the removed payloads; None if nothing to do.

    Only marker segments are rewritten; the entropy-coded data is copied untouched.
    None too for data we cannot follow (then the image is left as it is).
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    out = bytearray(b"\xff\xd8")
    removed: list[bytes] = []
    pos, size = 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            return None
        while pos < size and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= size:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # end of image; whatever trails it is hidden data too
            out += b"\xff\xd9"
            if data[pos:].strip(b"\x00\r\n\t "):
                removed.append(data[pos:])
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out += bytes((0xFF, marker))
            continue
        if pos + 2 > size:
            return None
        length = int.from_bytes(data[pos : pos + 2], "big")
        end = pos + length
        if length < 2 or end > size:
            return None
        if marker == 0xDA:  # start of scan: header, then entropy-coded data up to the next marker
            end = _scan_end(data, end)
            out += b"\xff\xda" + data[pos:end]
        elif marker in _JPEG_DROPPED:
            removed.append(data[pos + 2 : end])
        else:
            out += bytes((0xFF, marker)) + data[pos:end]
        pos = end
    if not removed:
        return None
    return bytes(out), removed


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at `pos` ends: the 0xFF of the next marker."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos == -1 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1  # stuffed byte, restart marker or fill byte: still scan data
            continue
        return pos


def segment_texts(payloads: list[bytes]) -> list[str]:
    # EXIF and IPTC strings are ASCII or Latin-1, XMP is UTF-8, Windows' XPAuthor is UTF-16.
    texts = []
    for payload in payloads:
        texts += [payload.decode("latin-1"), payload.decode("utf-8", errors="replace")]
        texts += [payload[offset:].decode("utf-16-le", errors="replace") for offset in (0, 1)]
    return texts
