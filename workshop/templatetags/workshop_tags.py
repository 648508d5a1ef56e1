from zoneinfo import ZoneInfo

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from workshop import mail, policy
from workshop.markdown import render_markdown
from workshop.phases import dated_html, format_moment, zone_label

register = template.Library()


@register.filter
def markdown(text):
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


@register.simple_tag
def deadline(when, zone_name, countdown=False):
    """A deadline in the workshop's zone, with a <time> that our JS rewrites
    into the viewer's local time (and a countdown where asked)."""
    if when is None:
        return "—"
    return format_html(
        '<span class="deadline"><span class="deadline-venue">{}</span> '
        '<time datetime="{}" data-local-time{}></time></span>',
        format_moment(when, zone_name),
        when.isoformat(),
        mark_safe(" data-countdown") if countdown else "",  # noqa: S308 - constant
    )


@register.simple_tag(takes_context=True)
def timestamp(context, when):
    """Any moment (a save, an upload, a mail) shown like the deadlines: in the
    workshop's zone, then in the viewer's own (our JS fills the <time>)."""
    if when is None:
        return "—"
    zone_name = context["workshop"].timezone
    local = when.astimezone(ZoneInfo(zone_name))
    return format_html(
        '<span class="timestamp">{} {} <time datetime="{}" data-local-time="short"></time></span>',
        local.strftime("%-d %b %Y, %H:%M"), zone_label(zone_name), when.isoformat(),
    )


@register.filter
def dated(text):
    """A refusal or notice; one naming a moment shows it in the viewer's time too."""
    return dated_html(text)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def column_pairs(spec: str) -> list[tuple[str, str]]:
    """"number:#,title:Title" -> [("number", "#"), ("title", "Title")], for table headers."""
    return [tuple(item.split(":", 1)) for item in spec.split(",")]


@register.filter
def short_label(label: str) -> str:
    """A vocabulary label without its explanation: "Gray-box (architecture ...)" -> "Gray-box"."""
    return label.split(" (", 1)[0].strip()


@register.filter
def key_abbreviation(key: str) -> str:
    """overall_merit -> OveMer: short column heads that are also search keywords."""
    return "".join(word[:3].capitalize() for word in key.split("_"))


@register.filter
def moment(when, zone_name: str) -> str:
    """A moment as text (mails): "Fri 5 Feb 2027, 23:59 AoE"."""
    return format_moment(when, zone_name)


@register.simple_tag
def absolute_url(name: str, *args) -> str:
    """A page's address for a mail: its path at SITE_URL (`workshop.mail.absolute_url`)."""
    return mail.absolute_url(reverse(name, args=args))


@register.simple_tag
def paper_deadline(submission, workshop) -> dict:
    """What a receipt says about the paper deadline: `when` (its extension, if
    the paper has one) and `refusal`, why its authors can no longer change
    (or, withdrawn, revive) it, or None while they can."""
    now, author = timezone.now(), submission.created_by
    if submission.withdrawn_at is not None:
        refusal = policy.revive_refusal(author, submission, workshop, now=now)
    else:
        refusal = policy.edit_refusal(author, submission, workshop, now=now)
    return {"when": policy.paper_deadline_for(workshop, submission), "refusal": refusal}
