"""Two chairs decide at the same moment on SQLite, the engine `make run` uses.

Run by tests/workshop/test_database_busy.py in a process of its own, on a fresh
SQLite file, whatever database the test session uses. Deterministic, not timed:
the first request stops inside its transaction right after its first write (so
it holds the write lock), the second one starts, and the first goes on only when
the second is about to take the lock itself. Prints the two status codes and the
decisions recorded, as JSON."""

import json
import os
import sys
import threading

WRITES = ("UPDATE", "INSERT", "DELETE")
PATIENCE = 60  # seconds: a safety net against a hang, never what the result depends on


def main(path: str) -> None:
    os.environ.update(DATABASE_URL=f"sqlite:///{path}", DJANGO_SETTINGS_MODULE="workshop.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from submissions.models import DecisionChange, Outcome
    from tests.factories import RoleFactory, SubmissionFactory, UserFactory

    call_command("migrate", verbosity=0)
    chairs = [UserFactory() for _ in range(2)]
    for chair in chairs:
        RoleFactory(user=chair, name="chair")
    papers = [SubmissionFactory() for _ in range(2)]
    outcome = Outcome.objects.order_by("pk").first()
    clients = []
    for chair in chairs:
        clients.append(Client(raise_request_exception=False, HTTP_HOST="localhost"))
        clients[-1].force_login(chair)
    connection.close()

    first_holds_lock, second_takes_lock, first_goes_on = threading.Event(), threading.Event(), threading.Event()
    statuses = {}

    def holding(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith(WRITES) and not first_holds_lock.is_set():
            first_holds_lock.set()
            first_goes_on.wait(PATIENCE)
        return result

    def taking(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("BEGIN IMMEDIATE", *WRITES)):
            second_takes_lock.set()
        return execute(sql, params, many, context)

    def decide(index, wrapper):
        try:
            with connection.execute_wrapper(wrapper):
                response = clients[index].post(reverse("decision_set", args=[papers[index].pk]),
                                               {"outcome": outcome.pk})
            statuses[index] = response.status_code
        finally:
            connection.close()

    first = threading.Thread(target=decide, args=(0, holding))
    first.start()
    first_holds_lock.wait(PATIENCE)
    second = threading.Thread(target=decide, args=(1, taking))
    second.start()
    second_takes_lock.wait(PATIENCE)
    first_goes_on.set()
    first.join(PATIENCE)
    second.join(PATIENCE)
    print(json.dumps({"statuses": [statuses.get(0), statuses.get(1)],
                      "decided": sorted(DecisionChange.objects.values_list("submission_id", flat=True)),
                      "papers": [paper.pk for paper in papers]}))


if __name__ == "__main__":
    main(sys.argv[1])
