"""Mail texts chairs edit: `{placeholder}` substitution, checked when saved.

Plain Python (no Django). `{{` and `}}` stand for literal braces."""

import re

_TOKEN = re.compile(r"\{\{|\}\}|\{(\w*)\}")

# What each kind of chair-editable mail may use.
PLACEHOLDERS = {
    "decision": ("number", "title", "authors", "outcome", "reviews", "workshop", "camera_ready_deadline"),
    "message": ("number", "title", "authors", "outcome", "workshop", "camera_ready_deadline"),
    "reminder": ("number", "title", "reviewer", "workshop", "review_deadline", "link"),
    "response-open": ("number", "title", "authors", "reviews", "workshop", "response_closes", "link"),
    "assignment": ("number", "title", "reviewer", "workshop", "review_deadline", "link"),
    # One mail per reviewer when a proposal is applied: {papers} lists "#12 “Title”" a line each.
    "assignments": ("count", "papers", "reviewer", "workshop", "review_deadline", "link"),
    # {letter} is the new outcome's own mail, {old_outcome} what the authors were told before.
    "decision-changed": ("number", "title", "authors", "old_outcome", "outcome", "letter", "workshop", "link"),
}


def unknown_placeholders(text: str, kind: str) -> list[str]:
    allowed = set(PLACEHOLDERS[kind])
    return sorted({m.group(1) for m in _TOKEN.finditer(text) if m.group(1) is not None} - allowed)


def placeholder_error(text: str, kind: str) -> str | None:
    """The message for a chair who typed a placeholder this mail does not have."""
    unknown = unknown_placeholders(text, kind)
    if not unknown:
        return None
    names = ", ".join("{" + name + "}" for name in unknown)
    allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS[kind])
    return (f"Unknown placeholder{'s' if len(unknown) > 1 else ''} {names}. This mail can use {allowed} "
            "(write {{ and }} for literal braces).")


def render(text: str, values: dict[str, str]) -> str:
    def replace(match):
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        return str(values.get(match.group(1), match.group(0)))

    return _TOKEN.sub(replace, text)
