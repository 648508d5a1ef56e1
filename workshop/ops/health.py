"""`/healthz`: 200 only when the database, Redis and the file store answer.

Without REDIS_URL (tasks run in-process, caches in memory) Redis is "not used",
which is no failure: saying "ok" for it would claim a check that never ran.

It runs before every other middleware, so a load balancer's or compose's
probe needs neither an allowed Host header nor HTTPS, and it never touches
the session or the user."""

import json
import logging

import redis
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)
PATH = "/healthz"
PROBE_NAME = "healthz/probe"  # never written: asking whether it exists is enough to reach the store
OK, NOT_USED, UNAVAILABLE = "ok", "not used", "unavailable"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> str:
    if not settings.REDIS_URL:
        return NOT_USED
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
    return OK


def _storage() -> None:
    default_storage.exists(PROBE_NAME)


CHECKS = {"database": _database, "redis": _redis, "storage": _storage}


def health() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check() or OK
        except Exception as error:  # any failure means "not healthy"; the log says which and why
            logger.warning("health check %s failed: %s", name, error)
            results[name] = UNAVAILABLE
    return results


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH:
            return self.get_response(request)
        results = health()
        healthy = UNAVAILABLE not in results.values()
        return HttpResponse(json.dumps(results), status=200 if healthy else 503,
                            content_type="application/json", headers={"Cache-Control": "no-store"})
