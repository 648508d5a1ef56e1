"""Offline review forms: plain text that a PC member downloads, fills in with any text
editor and uploads again, modelled on HotCRP's offline reviews.  No Django imports:
callers turn their review form definition into a list of OfflineField.

The format, one line at a time::

    ==+== MLSec Paper Review Form      form title (any "... Review Form"; optional)
    ==-== Fill in each field ...       comment or instructions: ignored on upload
    ==+== Paper #12                    the paper this review is for (required, once)
    ==+== Overall merit                starts a field: its label, or its key ("[overall_merit]")
    4. Weak accept                     the value: every line up to the next "==+==" line
    ==+== End Review                   optional

Marker lines start in column 0.  Field names match without regard to case, runs of
whitespace, underscores or surrounding brackets.  A score or choice value may be written
as "4", "4. Weak accept" or "Weak accept".  A text value keeps its inner lines verbatim
(tabs, trailing spaces, blank lines) and loses its outer whitespace.

Limitation: a text value cannot contain a line that starts with "==+==" (it would start
a new section) or "==-==" (it would be dropped as a comment).  There is deliberately no
escape syntax; render_offline_form raises ValueError for such a value instead of writing
a form that would not parse back to the same review.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from workshop.errors import Refused

__all__ = ["MAX_CHARS", "OfflineField", "OfflineParseError", "render_offline_form", "parse_offline_form"]

MARKER = "==+=="
COMMENT = "==-=="
MAX_CHARS = 200_000
KINDS = ("score", "text", "choice")
VISIBILITY = {"authors": "shown to authors", "pc": "hidden from authors", "chairs": "shown only to chairs"}

_PAPER = re.compile(r"paper\s*#?\s*([0-9]+)")
# "4.Weak accept", "4 . weak accept" and "4. Weak accept" must compare equal.
_VALUE_DOT = re.compile(r"^([^.\s]+)\s*\.\s*")


@dataclass(frozen=True)
class OfflineField:
    key: str
    label: str
    kind: str  # "score" | "text" | "choice"
    required: bool
    options: tuple[tuple[str, str], ...] = ()  # (value, label) pairs; empty for text
    help: str = ""
    visibility: str = "authors"  # "authors" | "pc" | "chairs"

    def __post_init__(self):
        if self.kind not in KINDS or self.visibility not in VISIBILITY:
            raise ValueError(f"{self.key}: bad kind {self.kind!r} or visibility {self.visibility!r}")
        if (self.kind == "text") == bool(self.options):
            raise ValueError(f"{self.key}: score and choice fields need options; text fields take none")


class OfflineParseError(Refused):
    """An uploaded form is unusable; ``line`` (1-based) is where the reviewer should look."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


def render_offline_form(
    *,
    fields: list[OfflineField],
    number: int,
    title: str,
    values: dict[str, str] | None = None,
    workshop: str = "MLSec",
) -> str:
    """The form for paper ``number``, pre-filled with ``values`` (missing keys are left blank)."""
    values = values or {}
    unknown = values.keys() - {f.key for f in fields}
    if unknown:
        raise ValueError(f"values for unknown fields: {', '.join(sorted(unknown))}")
    out = [
        f"{MARKER} {workshop} Paper Review Form",
        f"{COMMENT} Write each answer below the {MARKER} line that names its field, then upload",
        f"{COMMENT} this file on the paper's review page.  Do not change lines starting with {MARKER}.",
        f"{COMMENT} Lines starting with {COMMENT} are instructions; they are ignored on upload.",
        "",
        f"{MARKER} Paper #{number}",
        f"{COMMENT} Title: {' '.join(title.split())}",
    ]
    for f in fields:
        hint = VISIBILITY[f.visibility] + ("; required" if f.required else "")
        out += ["", f"{MARKER} {f.label}", f"{COMMENT} ({hint})"]
        out += [f"{COMMENT} {line}" for line in textwrap.wrap(f.help, 76)]
        if f.options:
            out.append(f"{COMMENT} Choices:")
            out += [f"{COMMENT}    {value}. {label}" for value, label in f.options]
            out.append(f"{COMMENT} Enter the {'number' if f.kind == 'score' else 'value'} of your choice:")
        out += ["", _render_value(f, values.get(f.key) or ""), ""]
    out += ["", f"{MARKER} End Review", ""]
    return "\n".join(out)


def _render_value(field: OfflineField, value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if any(line.startswith((MARKER, COMMENT)) for line in value.split("\n")):
        raise ValueError(f'{field.key}: lines starting with "{MARKER}" or "{COMMENT}" cannot be written offline')
    label = dict(field.options).get(value)
    return f"{value}. {label}" if label else value


def parse_offline_form(text: str, *, fields: list[OfflineField], number: int) -> dict[str, str]:
    """Every field's value (empty string when blank), for a form uploaded on paper ``number``.

    Raises OfflineParseError for the first problem, in this order: size, emptiness, not a
    form at all, the paper line, then each section from the top, then required fields.
    """
    if len(text) > MAX_CHARS:
        raise OfflineParseError(1, f"The file has {len(text):,} characters; the limit is {MAX_CHARS:,}.")
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise OfflineParseError(1, "The file is empty.")
    sections = _sections(lines)
    if len(sections) == 1:
        raise OfflineParseError(1, f'This is not an offline review form: no line starts with "{MARKER}".')
    _check_paper(sections, number)

    by_name = {_name(name): f for f in fields for name in (f.key, f.label)}
    found: dict[str, tuple[int, str]] = {}  # key -> (marker line, value)
    for line_no, body, content in sections:
        field = None if body is None else by_name.get(_name(body))
        if field is None:
            if body is not None and not _is_structural(body):
                known = ", ".join(f.label for f in fields)
                raise OfflineParseError(line_no, f'Unknown field "{" ".join(body.split())}". Known fields: {known}.')
            stray = next((n for n, t in content if t.strip()), None)
            if stray is not None:
                raise OfflineParseError(
                    stray, f'Text outside any field: write it below the "{MARKER}" line of its field.'
                )
            continue
        if field.key in found:
            first = found[field.key][0]
            raise OfflineParseError(line_no, f'Field "{field.label}" appears twice; the first is on line {first}.')
        found[field.key] = (line_no, _parse_value(field, content))

    result = {}
    for f in fields:
        line_no, value = found.get(f.key, (0, ""))
        if f.required and not value:
            raise OfflineParseError(line_no or 1, f'Required field "{f.label}" is {"empty" if line_no else "missing"}.')
        result[f.key] = value
    return result


def _sections(lines: list[str]) -> list[tuple[int, str | None, list[tuple[int, str]]]]:
    """(marker line, marker text, non-comment lines) per section; the first is the preamble."""
    sections: list[tuple[int, str | None, list[tuple[int, str]]]] = [(1, None, [])]
    for line_no, line in enumerate(lines, 1):
        if line.startswith(MARKER):
            sections.append((line_no, line[len(MARKER) :], []))
        elif not line.startswith(COMMENT):
            sections[-1][2].append((line_no, line))
    return sections


def _check_paper(sections, number: int) -> None:
    # Checked before any field so that uploading the wrong file reports that, not a score typo.
    papers = [(n, m) for n, body, _ in sections[1:] if (m := _PAPER.fullmatch(_norm(body)))]
    if not papers:
        raise OfflineParseError(1, f'The form has no "{MARKER} Paper #{number}" line saying which paper it is for.')
    if len(papers) > 1:
        raise OfflineParseError(
            papers[1][0], f"A second paper line (the first is on line {papers[0][0]}); upload one review per file."
        )
    line_no, match = papers[0]
    if int(match[1]) != number:
        raise OfflineParseError(
            line_no, f"This form is for paper #{int(match[1])}, but you uploaded it on paper #{number}."
        )


def _parse_value(field: OfflineField, content: list[tuple[int, str]]) -> str:
    if field.kind == "text":
        return "\n".join(t for _, t in content).strip()
    filled = [(n, t) for n, t in content if t.strip()]
    if not filled:
        return ""
    raw = " ".join(t for _, t in filled)
    wanted = _choice_key(raw)
    # A value match beats a label match, in case one option's label is another's value.
    for value, label in field.options:
        if wanted in (_choice_key(value), _choice_key(f"{value}."), _choice_key(f"{value}. {label}")):
            return value
    for value, label in field.options:
        if wanted == _choice_key(label):
            return value
    shown = " ".join(raw.split())
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    choices = ", ".join(f"{value}. {label}" for value, label in field.options)
    raise OfflineParseError(filled[0][0], f'"{shown}" is not a valid {field.label}. Enter one of: {choices}.')


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()


def _name(s: str) -> str:
    s = _norm(s.replace("_", " "))
    return _norm(s[1:-1]) if s.startswith("[") and s.endswith("]") else s


def _choice_key(s: str) -> str:
    return _VALUE_DOT.sub(r"\1. ", _norm(s))


def _is_structural(body: str) -> bool:
    name = _norm(body)
    return bool(_PAPER.fullmatch(name)) or name.endswith("review form") or name == "end review"
