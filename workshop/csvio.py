"""The one way this project writes and reads CSV.

Writing: every cell goes through `csv_safe`, because spreadsheets run a cell
that starts with = + - @ (or tab/CR) as a formula. Reading: a bad file (a
field over the csv module's limit, a stray NUL) is a message, never a 500;
and a cell we escaped on export reads back as what it was."""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse

from workshop.errors import Refused
from workshop.http import as_download

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIELD_LIMIT = 128 * 1024  # the csv module's default field size limit


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def csv_response(*, filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    response = as_download(HttpResponse(content_type="text/csv; charset=utf-8"), filename=filename)
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
    return response


def _unescape(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:2] in _FORMULA_STARTS and cell[1:2] else cell


def csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, stripped cells) of every non-blank row."""
    rows = []
    reader = csv.reader(io.StringIO(text.replace("\x00", "")))
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, [_unescape(c.strip()) for c in cells]))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise Refused(f"Line {reader.line_num + 1}: a field is longer than {FIELD_LIMIT // 1024} KB; "
                          "is this the right file?") from None
        raise Refused(f"Line {reader.line_num + 1} is not valid CSV ({error}).") from None
    return rows
