"""System checks that warn when production still runs on development defaults."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register


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


_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}  # noqa: S104 - names we refuse, not a bind


@register(deploy=True)
def site_url(app_configs, **kwargs):
    """Every link in every mail starts with SITE_URL: in production it must be
    the address people reach the site at."""
    if settings.DEBUG:
        return []
    parts = urlsplit(settings.SITE_URL)
    if not settings.SITE_URL_SET or parts.hostname in _LOCAL_HOSTS or parts.scheme not in ("http", "https"):
        return [Error(
            f"SITE_URL is {'not set' if not settings.SITE_URL_SET else repr(settings.SITE_URL)}: links in mails "
            "would point at this machine, not at the site.",
            hint="Set SITE_URL to the public address, e.g. https://mlsec.example.org.",
            id="workshop.E001",
        )]
    return []
