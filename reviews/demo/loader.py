"""The demo workshop: the seed call for papers, dates around today, and people.

Used by `manage.py load_demo` so that a newcomer's first run shows the product."""

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from reviews.demo.camera import load_demo_camera_ready
from reviews.demo.papers import load_demo_papers
from reviews.demo.pc import load_demo_decisions, load_demo_pc
from workshop.models import AOE, RoleName, Topic, User, Workshop
from workshop.selectors import workshop_current
from workshop.services import roles_set

SEED_CFP = Path(__file__).with_name("seed-cfp.md")
DEMO_PASSWORD = "demo-password-2027"

PEOPLE = [
    # email, name, affiliation, domains, roles
    ("chair@example.org", "Carla Chair", "Example University", "example.org", {"chair", "pc"}),
    ("organizer@example.org", "Olu Organizer", "Example University", "example.org", {"organizer"}),
    ("pc1@northbridge.example", "Priya Poisoning", "Northbridge Institute", "northbridge.example", {"pc"}),
    ("pc2@southgate.example", "Pablo Perturbation", "Southgate Labs", "southgate.example", {"pc"}),
    ("pc3@eastwood.example", "Petra Privacy", "Eastwood University", "eastwood.example", {"pc"}),
    ("pc4@westfield.example", "Paul Provable", "Westfield College", "westfield.example", {"pc"}),
    ("author@lakeside.example", "Ada Author", "Lakeside University", "lakeside.example", set()),
    ("coauthor@lakeside.example", "Chen Coauthor", "Lakeside University", "lakeside.example", set()),
    ("bea@harbor.example", "Bea Backdoor", "Harbor University", "harbor.example", set()),
    ("kai@ridge.example", "Kai Kernel", "Ridge Tech", "ridge.example", set()),
    ("lin@meadow.example", "Lin Lattice", "Meadow Institute", "meadow.example", set()),
]

# Papers, bids and reviews are made while submissions are open (through the same services
# the pages use); then the dates move on to the author response period, and two papers
# are decided, one of them released.
OPEN_DATES = {
    "submission_opens": -30, "abstract_deadline": 7, "paper_deadline": 14, "bidding_closes": 21,
    "review_deadline": 42, "response_opens": 45, "response_closes": 49, "notification_date": 56,
    "camera_ready_deadline": 70,
}
NOW_DATES = {
    "submission_opens": -60, "abstract_deadline": -30, "paper_deadline": -23, "bidding_closes": -16,
    "review_deadline": -2, "response_opens": -1, "response_closes": 4, "notification_date": 8,
    "camera_ready_deadline": 25,
}


def parse_seed_cfp(markdown: str) -> tuple[str, list[str]]:
    """Split the seed CfP into its prose (for the CfP page) and its topic bullets."""
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    body = re.sub(r"^# .*\n", "", body, count=1, flags=re.M)
    before, _, after = body.partition("## Topics")
    topics = [re.sub(r"\s+", " ", m).strip() for m in re.findall(r"^\* (.+)$", after, flags=re.M)]
    paragraphs = [p for p in re.split(r"\n\s*\n", after) if p.strip() and not p.lstrip().startswith("*")]
    intro, *rest = paragraphs or [""]
    intro = re.sub(r"\s+", " ", intro).replace("This includes, but is not limited to:", "This includes, but is not "
                          "limited to, the topics listed below.")
    text = before.strip() + "\n\n## Scope\n\n" + intro.strip()
    if rest:
        text += "\n\n## What a submission needs\n\n" + "\n\n".join(p.strip() for p in rest)
    return text + "\n", topics


def _at_midnight_aoe(days_from_today: int) -> datetime:
    aoe = ZoneInfo(AOE)
    day = timezone.now().astimezone(aoe).date() + timedelta(days=days_from_today)
    return datetime.combine(day, time(23, 59), tzinfo=aoe)


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """Idempotent: re-running refreshes the demo workshop. Returns (email, roles) rows."""
    text, topics = parse_seed_cfp(SEED_CFP.read_text(encoding="utf-8"))
    workshop: Workshop = workshop_current()
    workshop.cfp_text = text
    workshop.venue = "Co-located with a major security conference"
    workshop.event_dates = _at_midnight_aoe(NOW_DATES["camera_ready_deadline"] + 30).strftime("%-d %B %Y")
    workshop.timezone = AOE
    _set_dates(workshop, OPEN_DATES)

    for position, name in enumerate(topics):
        Topic.objects.update_or_create(name=name, defaults={"position": position})

    rows = []
    for email, name, affiliation, domains, roles in PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"full_name": name, "affiliation": affiliation, "email_domains": domains},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        roles_set(user=user, roles={RoleName(r) for r in roles}, by=None)
        rows.append((email, ", ".join(sorted(roles)) or "author"))

    load_demo_papers(workshop)
    load_demo_pc(workshop)
    _set_dates(workshop, NOW_DATES)
    load_demo_decisions(workshop)
    load_demo_camera_ready(workshop)
    return rows


def _set_dates(workshop: Workshop, offsets: dict[str, int]) -> None:
    for field, days in offsets.items():
        setattr(workshop, field, _at_midnight_aoe(days))
    workshop.reminder_days_before = 3
    workshop.save()
