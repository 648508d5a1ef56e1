"""Personas (healthchecks' alice/bob style) and shared test wiring."""

import os

import pytest
from django.test import Client

from tests.factories import RoleFactory, UserFactory
from workshop.celery import app as celery_app
from workshop.selectors import workshop_current

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + Django ORM


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Unit tests run Celery tasks in-process; tests/integration starts a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def workshop(db):
    return workshop_current()


def _person(name: str, *roles: str):
    user = UserFactory(full_name=name, email=f"{name.split()[0].lower()}@{name.split()[-1].lower()}.example")
    for role in roles:
        RoleFactory(user=user, name=role)
    return user


@pytest.fixture
def author(db):
    return _person("Alice Author")


@pytest.fixture
def other_author(db):
    return _person("Oscar Other")


@pytest.fixture
def pc_member(db):
    return _person("Pat Member", "pc")


@pytest.fixture
def chair(db):
    return _person("Carol Chair", "chair", "pc")


@pytest.fixture
def organizer(db):
    return _person("Olga Organizer", "organizer")


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


def pytest_sessionfinish(session, exitstatus):
    """CI sets FAIL_ON_SKIP: a skipped test there means something is not installed."""
    if not os.environ.get("FAIL_ON_SKIP"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"FAIL_ON_SKIP: {len(skipped)} test(s) skipped; failing the run.", red=True)
        session.exitstatus = 1
