"""The page-limit rule: where the main text ends, from the pages' text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from submissions.pdf.errors import PdfRejected
from submissions.pdf.messages import MESSAGES

# The start of a heading line: optional section number, then the word. Title case or
# capitals only, so running text ("references to prior work") does not count. Spaces
# are removed first because small capitals often extract as "R EFERENCES".
_BACK_MATTER = re.compile(
    r"(?:[0-9]+|[IVX]+)?[.:]?(References|REFERENCES|Bibliography|BIBLIOGRAPHY"
    r"|Appendix|APPENDIX|Appendices|APPENDICES)"
)
_HEADING_TOP_CHARS = 200  # less text than this above the heading is a running header


# A page is unreadable when it shows much more than its text: a scan, text drawn as outlines,
# Type 3 fonts without a text map. Measured on the drawn page, so slides with one line of
# real text stay readable (and their missing heading stays established).
_FEW_LETTERS = 200
_INKY = 0.02  # of the page drawn dark: a page of 11 pt text is about 4-8 %, one line about 0.2 %


@dataclass(frozen=True)
class Outcome:
    note: str | None
    unchecked: bool  # the text could not be read, so the chairs check the limit by hand


def outcome(
    texts: dict[int, str | None],
    page_count: int,
    page_limit: int,
    over_limit: str,
    *,
    ink: Callable[[list[int]], dict[int, float | None]],
) -> Outcome:
    """Refuse (or, with over_limit="warn", note) a main text running past `page_limit` pages.

    Only called when the PDF has more pages than the limit. The main text ends
    where the References, Bibliography or Appendix heading is: found on a page up
    to the limit, or at the top of the first page over it, the PDF passes. Found
    part-way down that page, the main text is too long. Not found at all, the
    length of the main text is not established when some of those pages cannot be
    read (`ink` tells how much of a page is drawn): the PDF is accepted with a note
    and a flag for the chairs; when every page could be read, it is too long.
    """
    first_over = texts.get(page_limit) or ""  # index page_limit is page page_limit + 1
    heading = _find_back_matter(first_over)
    if heading is not None and heading[1] < _HEADING_TOP_CHARS:
        return Outcome(None, False)  # back matter starts at the top of the first page over the limit
    if any(_find_back_matter(texts.get(index) or "") is not None for index in range(page_limit)):
        return Outcome(None, False)
    if heading is not None:
        details = {"count": page_count, "limit": page_limit, "heading": heading[0], "page": page_limit + 1}
        if over_limit == "warn":
            return Outcome(MESSAGES["over_limit_found"].format(**details), False)
        raise PdfRejected(MESSAGES["page_limit_found"].format(**details), "too_many_pages")
    details = {"count": page_count, "limit": page_limit, "searched": page_limit + 1}
    if _unreadable(texts, page_limit, ink):
        return Outcome(MESSAGES["page_limit_unread"].format(**details), True)
    if over_limit == "warn":
        return Outcome(MESSAGES["over_limit_unknown"].format(**details), False)
    raise PdfRejected(MESSAGES["page_limit_unknown"].format(**details), "too_many_pages")


def _unreadable(texts: dict[int, str | None], page_limit: int, ink) -> bool:
    """Whether any page up to the first one over the limit shows far more than its text says."""
    searched = range(page_limit + 1)
    if any(texts.get(index) is None for index in searched):
        return True
    few = [index for index in searched if _letters(texts[index]) < _FEW_LETTERS]
    if not few:
        return False
    return any(share is None or share >= _INKY for share in ink(few).values())


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def _find_back_matter(text: str) -> tuple[str, int] | None:
    """The quoted heading word and how many visible characters precede it, if found."""
    chars_above = 0
    for line in text.splitlines():
        compact = "".join(line.split())
        match = _BACK_MATTER.match(compact)
        # Short lines only: a heading may carry a title ("Appendix A: Proofs") or be run
        # together with the first entry, but a long line starting so is running text.
        if match and len(line) <= 80:
            return f'"{match.group(1).capitalize()}"', chars_above
        chars_above += len(compact)
    return None
