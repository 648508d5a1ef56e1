"""reviews 0008: a stored run's status splits into the run's state and its proposal's fate, and
its progress, stage and message become done, step and error; going back joins them again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = [("reviews", "0007_assignment_reminded_on_authorresponse_metareview")], \
    [("reviews", "0008_assignment_run_is_a_run")]
OLD = [("done", 100, "Done", ""), ("applied", 100, "Done", ""), ("discarded", 100, "Done", ""),
       ("failed", 60, "Not possible", "No reviewer left for #3"), ("running", 30, "Scoring", "")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_stored_runs_keep_what_they_said_across_the_migration_and_back():
    chair = UserFactory()
    old = _migrate(BEFORE).get_model("reviews", "AssignmentRun")
    for status, progress, stage, message in OLD:
        old.objects.create(created_by_id=chair.pk, params={}, status=status, progress=progress, stage=stage,
                           message=message)
    try:
        new = _migrate(AFTER).get_model("reviews", "AssignmentRun")
        assert list(new.objects.order_by("pk").values_list("state", "proposal", "done", "total", "step", "error")) \
            == [("done", "open", 100, 100, "Done", ""), ("done", "applied", 100, 100, "Done", ""),
                ("done", "discarded", 100, 100, "Done", ""),
                ("failed", "open", 60, 100, "Not possible", "No reviewer left for #3"),
                ("running", "open", 30, 100, "Scoring", "")]
        back = _migrate(BEFORE).get_model("reviews", "AssignmentRun")
        assert list(back.objects.order_by("pk").values_list("status", "progress", "stage", "message")) == OLD
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
