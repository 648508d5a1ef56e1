"""Where the authors' names and emails occur: the matching rules of every anonymity warning."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


def identity_warnings(places: list[tuple[str, str, bool]], names: list[str], emails: list[str]) -> list[str]:
    """Warnings about author names or emails in each (prefix, text, is-an-author-field) place.

    Names match as whole words, case- and accent-insensitively, also as
    "Smith, Alice" and "A. Smith"; a surname alone only counts in author fields
    such as metadata (in running text it is most likely a citation) and only if it
    has at least 4 letters.
    """
    warnings: list[str] = []
    for prefix, text, is_author_field in places:
        for hit in people([text], names, emails, with_surname=is_author_field):
            if f'{prefix} "{hit}".' not in warnings:
                warnings.append(f'{prefix} "{hit}".')
    return warnings


def people(texts: list[str], names: Sequence[str], emails: Sequence[str], *, with_surname: bool = True) -> list[str]:
    """The emails and names (as found: the most specific variant) that occur in `texts`."""
    haystacks = [normalise(text) for text in texts if text]
    needles = [[(email, _EMAIL_EDGES)] for email in emails if "@" in email]
    needles += [[(v, _WORD_EDGES) for v in _name_variants(name, with_surname=with_surname)] for name in names]
    hits = []
    for variants in needles:
        # The most specific variant wins so each person is reported once per place.
        hit = next(
            (shown for shown, edges in variants if any(_contains(haystack, shown, edges) for haystack in haystacks)),
            None,
        )
        if hit is not None and hit not in hits:
            hits.append(hit)
    return hits


def normalise(text: str) -> str:
    # Accent-, case- and ligature-insensitive, with all whitespace runs as one space.
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


# (before, after) patterns that must not touch a match: names are whole words; an
# email must not be the tail of a longer address or the head of a longer domain.
_WORD_EDGES = (r"(?<!\w)", r"(?!\w)")
_EMAIL_EDGES = (r"(?<![\w.+-])", r"(?![\w-]|\.\w)")


def _contains(haystack: str, needle: str, edges: tuple[str, str]) -> bool:
    needle = normalise(needle)
    return bool(needle) and re.search(edges[0] + re.escape(needle) + edges[1], haystack) is not None


def _name_variants(name: str, *, with_surname: bool) -> list[str]:
    parts = name.split()
    if not parts:
        return []
    if len(parts) == 1:  # a mononym is as specific as it gets, but not a short one
        return parts if len(parts[0]) >= 4 else []
    first, last = parts[0], parts[-1]
    variants = [" ".join(parts), f"{first} {last}", f"{last}, {first}", f"{first[0]}. {last}"]
    if with_surname and len(last) >= 4:
        variants.append(last)
    return list(dict.fromkeys(variants))
