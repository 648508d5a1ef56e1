"""Personas (healthchecks' alice/bob style) and shared test wiring."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client, override_settings

from tests.factories import RoleFactory, UserFactory
from tests.seeds import seed_migrated_defaults
from workshop.celery import app as celery_app
from workshop.selectors import workshop_current

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + Django ORM


# The test session's own Redis database, flushed at start: allauth's rate-limit
# keys and Celery's queues from an earlier run (or from the app) never leak in.
TEST_REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "15"))


def _own_redis_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{TEST_REDIS_DB}"))


@pytest.fixture(autouse=True, scope="session")
def _own_state(tmp_path_factory):
    """Tests own their media folder and, when Redis is configured, a Redis database."""
    overrides = {"MEDIA_ROOT": tmp_path_factory.mktemp("media")}
    if django_settings.REDIS_URL:
        url = _own_redis_url(django_settings.REDIS_URL)
        redis.Redis.from_url(url).flushdb()
        overrides.update(
            REDIS_URL=url, CELERY_BROKER_URL=url, CELERY_RESULT_BACKEND=url,
            CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}},
        )
        os.environ["REDIS_URL"] = url  # for the Celery workers tests/integration starts
        celery_app.conf.broker_url = url
        celery_app.conf.result_backend = url
    with override_settings(**overrides):
        yield


@pytest.fixture(autouse=True, scope="session")
def _celery_eager(_own_state):
    """Unit tests run Celery tasks in-process; tests/integration starts a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Each test stores files in a folder of its own: no file of one test is seen by another."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _seeded_defaults(request, django_db_blocker):
    """What the data migrations create (the workshop, topics, vocabularies, review
    form); a transactional test's flush removes it, so each database test
    starts from it. The app itself only reads it."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db", "transactional_db", "live_server", "django_db_setup"} & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("django_db_setup")  # the test database, never the real one
        with django_db_blocker.unblock():
            seed_migrated_defaults()


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
