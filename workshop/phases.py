"""The one place that says which phase the workshop is in."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.html import conditional_escape, format_html

from workshop.models import AOE, Phase, Workshop

# (phase, date field that starts it), in order; a phase runs until the next one starts.
_PHASE_STARTS = (
    (Phase.SUBMISSION, "submission_opens"),
    (Phase.BIDDING, "paper_deadline"),
    (Phase.REVIEWING, "bidding_closes"),
    (Phase.DISCUSSION, "review_deadline"),
)


def phase_at(workshop: Workshop, now: datetime | None = None) -> Phase:
    """Derive the phase from the dates; a chair's override wins.

    Decisions are released by a chair, not by a date: until then the workshop
    stays in discussion, however late it is."""
    if workshop.phase_override:
        return Phase(workshop.phase_override)
    now = now or timezone.now()
    if workshop.decisions_released:
        if workshop.camera_ready_deadline and now > workshop.camera_ready_deadline:
            return Phase.CLOSED
        return Phase.CAMERA_READY if workshop.camera_ready_deadline else Phase.NOTIFICATION
    phase = Phase.SETUP
    for candidate, field in _PHASE_STARTS:
        start = getattr(workshop, field)
        if start is not None and now >= start:
            phase = candidate
    return phase


def response_window_open(workshop: Workshop, now: datetime | None = None) -> bool:
    """Open between its two dates. A chair's override holds the workshop in its
    phase, and the dates cannot open the window outside it: held in any phase
    but the discussion, the response is closed (and the reviews with it)."""
    if workshop.phase_override and workshop.phase_override != Phase.DISCUSSION:
        return False
    now = now or timezone.now()
    opens, closes = workshop.response_opens, workshop.response_closes
    return bool(opens and closes and opens <= now <= closes)


def upcoming_deadlines(workshop: Workshop, now: datetime | None = None) -> list[dict]:
    """Every dated milestone, in date order, flagged past or upcoming."""
    now = now or timezone.now()
    rows = []
    for field in Workshop.DEADLINE_FIELDS:
        when = getattr(workshop, field)
        if when is None:
            continue
        label = Workshop._meta.get_field(field).verbose_name
        rows.append({"field": field, "label": label[:1].upper() + label[1:], "when": when,
                     "past": when < now})
    rows.sort(key=lambda row: row["when"])
    next_row = next((row for row in rows if not row["past"]), None)
    for row in rows:
        row["is_next"] = row is next_row
    return rows


def zone_label(zone_name: str) -> str:
    return "AoE" if zone_name == AOE else zone_name


def format_moment(when: datetime | None, zone_name: str) -> str:
    """A moment as every page and mail writes it: "Fri 5 Feb 2027, 23:59 AoE"."""
    if when is None:
        return "(not set)"
    return f"{when.astimezone(ZoneInfo(zone_name)).strftime('%a %-d %b %Y, %H:%M')} {zone_label(zone_name)}"


class DatedText(str):
    """A sentence naming a moment ("Submissions closed on Fri 5 Feb 2027, 23:59 AoE."):
    as a string it reads the same in a mail, a log or a test; a page shows the
    moment in the viewer's own time too (`dated_html`). Refusals are these, so
    services raise them as they are."""

    def __new__(cls, before: str, when: datetime, zone_name: str, after: str = ""):
        text = super().__new__(cls, before + format_moment(when, zone_name) + after)
        text.before, text.when, text.zone_name, text.after = before, when, zone_name, after
        return text


def dated_html(text) -> str:
    """`text` as safe HTML: a DatedText's moment in the workshop's zone, then (our
    JS fills the <time>) in the viewer's, as on every other deadline. Messages
    keep it: Django stores a safe string as safe."""
    if not isinstance(text, DatedText):
        return conditional_escape(text)
    return format_html('{}<span class="dated">{} <time datetime="{}" data-local-time="short"></time></span>{}',
                       text.before, format_moment(text.when, text.zone_name), text.when.isoformat(), text.after)
