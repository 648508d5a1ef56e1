"""The production stack, run by `make prod-smoke` (PROD_SMOKE=1); the ordinary
test run leaves it out, as it starts its own gunicorn, workers and stores."""

import os

import pytest

from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401 - fixtures
from tests.smoke.stack import Stack

if not os.environ.get("PROD_SMOKE"):
    collect_ignore_glob = ["test_*.py"]

SETUP = """
from datetime import timedelta
from allauth.account.models import EmailAddress
from django.utils import timezone
from reviews.models import PcProfile
from workshop.models import Role, User, Workshop

now = timezone.now()
workshop = Workshop.objects.get()
for week, field in enumerate(Workshop.DEADLINE_FIELDS):  # open since yesterday, then a week apart
    setattr(workshop, field, now + timedelta(days=7 * week if week else -1))
workshop.save()

def person(email, name, role):
    user = User.objects.create_user(email, "smoke test passphrase", full_name=name, affiliation="Smoke Lab")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Role.objects.create(user=user, name=role)
    return user

person("chair@smoke.example", "Carla Chair", "chair")
for n, topic in enumerate(["poisoning of malware classifiers", "membership inference", "evasion attacks"]):
    member = person(f"pc{n}@smoke.example", f"Member {n}", "pc")
    PcProfile.objects.create(user=member, research_statement=f"I work on {topic}.")
"""


@pytest.fixture(scope="module")
def stack():
    with Stack(web_workers=2) as running:
        running.shell(SETUP)
        yield running
