"""The list a chair found papers in, remembered in their session, so each paper's page can step
to the previous and next paper of that list (HotCRP's list navigation) and survive reloads.

The list holds only paper numbers the chair's own search returned; a page that uses it still
asks the policy whether the next paper may be shown."""

import hashlib

_KEY = "paper_lists"
_KEPT = 4  # lists per session: the newest searches


def remember(session, *, numbers: list[int], label: str, url: str) -> str:
    """Keep the list and return its key (the same search gives the same key)."""
    key = hashlib.sha256(url.encode()).hexdigest()[:12]
    entry = {"numbers": numbers[:10_000], "label": label[:200], "url": url[:2000]}
    lists = session.get(_KEY, {})
    if list(lists)[-1:] == [key] and lists[key] == entry:
        return key  # unchanged: the session is not written again
    lists = {k: v for k, v in lists.items() if k != key}
    lists[key] = entry
    session[_KEY] = dict(list(lists.items())[-_KEPT:])
    return key


def neighbours(session, key: str | None, number: int) -> dict | None:
    """{previous, next, position, total, label, url} of `number` in the remembered list, or None."""
    entry = session.get(_KEY, {}).get(key or "")
    if entry is None or number not in entry["numbers"]:
        return None
    numbers = entry["numbers"]
    at = numbers.index(number)
    return {"previous": numbers[at - 1] if at else None, "next": numbers[at + 1] if at + 1 < len(numbers) else None,
            "position": at + 1, "total": len(numbers), "label": entry["label"], "url": entry["url"], "key": key}
