"""How a built volume differs from the papers as they are today: which papers
were added or removed since the build, and what changed in the others.

Both sides are sequences of papers in volume order with the attributes of
`submissions.proceedings.exports.AcceptedPaper` (number, title, authors, ...). Free of
Django imports (import-linter keeps it so)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# What is compared, and how the organizer is told it changed.
COMPARED = (("title", "title"), ("authors", "authors"), ("abstract", "abstract"), ("session", "session"),
            ("code_url", "code link"), ("pdf_sha256", "final PDF"))


@dataclass(frozen=True)
class Changed:
    number: int
    title: str  # as today
    what: tuple[str, ...]  # ("title", "final PDF", ...)


@dataclass(frozen=True)
class VolumeChanges:
    added: list[tuple[int, str]] = field(default_factory=list)  # (number, title): accepted since the build
    removed: list[tuple[int, str]] = field(default_factory=list)  # (number, title as built): no longer accepted
    changed: list[Changed] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def summary(self) -> str:
        """One sentence part, e.g. "#4 added; #2 removed; #1 changed (title, final PDF)"."""
        parts = [f"#{n} added" for n, _ in self.added] + [f"#{n} removed" for n, _ in self.removed]
        parts += [f"#{c.number} changed ({', '.join(c.what)})" for c in self.changed]
        return "; ".join(parts)


def _authors(paper: Any) -> list[tuple[str, str, str]]:
    return [(a.get("name", ""), a.get("affiliation", ""), a.get("orcid", "")) for a in paper.authors]


def _in_order(before: list[int], now: list[int]) -> set[int]:
    """The papers that kept their order: a longest common subsequence of the two orders,
    so moving one paper to the front names that paper, not every paper it passed."""
    lengths = [[0] * (len(now) + 1) for _ in range(len(before) + 1)]
    for i in range(len(before) - 1, -1, -1):
        for j in range(len(now) - 1, -1, -1):
            lengths[i][j] = lengths[i + 1][j + 1] + 1 if before[i] == now[j] else max(lengths[i + 1][j],
                                                                                        lengths[i][j + 1])
    kept, i, j = set(), 0, 0
    while i < len(before) and j < len(now):
        if before[i] == now[j]:
            kept.add(before[i])
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def _differs(key: str, old: Any, new: Any) -> bool:
    if key == "authors":
        return _authors(old) != _authors(new) or old.authors_confirmed != new.authors_confirmed
    if key == "pdf_sha256":
        return bool(old.pdf_sha256) and old.pdf_sha256 != new.pdf_sha256
    return getattr(old, key) != getattr(new, key)


def changes(built: Sequence[Any], today: Sequence[Any]) -> VolumeChanges:
    """What changed from `built` (the build's snapshot) to `today`. A build from before the
    PDFs' hashes were kept ("" in its snapshot) is not compared on the PDF."""
    before = {p.number: p for p in built}
    now = {p.number: p for p in today}
    result = VolumeChanges(added=[(p.number, p.title) for p in today if p.number not in before],
                           removed=[(p.number, p.title) for p in built if p.number not in now])
    kept_now = [n for n in now if n in before]
    stayed = _in_order([n for n in before if n in now], kept_now)
    for number in kept_now:
        old, new = before[number], now[number]
        what = [label for key, label in COMPARED if _differs(key, old, new)]
        if number not in stayed:
            what.append("place in the volume")
        if what:
            result.changed.append(Changed(number, new.title, tuple(what)))
    return result
