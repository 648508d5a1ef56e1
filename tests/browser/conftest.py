"""Playwright journeys in Debian's Chromium (`playwright install` cannot download here)."""

import os
import shutil

import pytest

# The proceedings journey watches a real worker build the volume.
from tests.integration.conftest import real_celery, smtp_sink, start_worker  # noqa: F401 - fixtures

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": "Europe/Berlin", "locale": "en-GB"}


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(live_server, settings):
    """Mailed links start with SITE_URL: here, the server the browser talks to."""
    settings.SITE_URL = live_server.url
