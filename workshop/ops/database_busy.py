"""When another change holds the database, say "try again" (503) instead of a 500.

On SQLite one writer at a time holds the file: two chairs releasing or deciding
at the same moment used to get "database is locked" for one of them. Settings
make SQLite wait for the lock (`SQLITE_TIMEOUT`) and take it at the start of
each transaction, so this page is left for a lock held past that wait (or, on
PostgreSQL, a lock timeout, a deadlock or a serialization failure). Every
change is one transaction, already rolled back when the error reaches here, so
the page can say that nothing was saved."""

import logging

from django.db import OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)
SQLITE_BUSY = ("database is locked", "database table is locked")
POSTGRESQL_BUSY = {"55P03", "40P01", "40001"}  # lock_not_available, deadlock_detected, serialization_failure
RETRY_AFTER_SECONDS = "5"
PLAIN = ("<!doctype html><title>Busy</title><h1>The site is busy</h1><p>Nothing was saved: another change was "
         "being written at the same moment. Please try again in a few seconds.</p>")


def is_busy(error: BaseException) -> bool:
    if not isinstance(error, OperationalError):
        return False
    code = getattr(error.__cause__, "pgcode", None) or getattr(error.__cause__, "sqlstate", None)  # psycopg 2 / 3
    return code in POSTGRESQL_BUSY or any(text in str(error) for text in SQLITE_BUSY)


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = "/"
        try:
            response = render(request, "503_busy.html", {"back": back}, status=503)
        except OperationalError:  # the page itself reads the workshop; still locked, say it plainly
            response = HttpResponse(PLAIN, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
