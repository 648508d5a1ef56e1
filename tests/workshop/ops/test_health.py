"""/healthz says what it checked: Redis is "not used" when none is configured, never a made-up "ok"."""

import socket

import pytest


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_health_says_redis_is_not_used_when_none_is_configured(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (
        200, {"database": "ok", "redis": "not used", "storage": "ok"})


@pytest.mark.django_db
def test_health_fails_when_the_configured_redis_does_not_answer(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get("/healthz")

    assert (response.status_code, response.json()["redis"]) == (503, "unavailable")
