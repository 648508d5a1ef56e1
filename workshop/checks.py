"""System checks that warn when production still runs on development defaults."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def production_backends(app_configs, **kwargs):
    problems = []
    if settings.DEBUG:
        return problems
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append(Warning(
            "DEBUG is off but the database is SQLite.",
            hint="Set DATABASE_URL to a PostgreSQL database (postgres://user@host/db).",
            id="workshop.W001",
        ))
    if settings.CELERY_TASK_ALWAYS_EAGER:
        problems.append(Warning(
            "DEBUG is off but Celery runs tasks eagerly inside web requests.",
            hint="Set REDIS_URL so mail and proceedings are handled by workers.",
            id="workshop.W002",
        ))
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        problems.append(Warning(
            "DEBUG is off but email is printed to the console, not sent.",
            hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587.",
            id="workshop.W003",
        ))
    return problems
