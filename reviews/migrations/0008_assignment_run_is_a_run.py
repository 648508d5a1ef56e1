"""An assignment run becomes a `workshop.runs.Run`: its status splits into the run's state
(queued, running, done, failed) and what became of the proposal (open, applied, discarded);
progress, stage and message become done (of 100), step and error."""

from django.conf import settings
from django.db import migrations, models

STATE = {"queued": "queued", "running": "running", "done": "done", "failed": "failed",
         "applied": "done", "discarded": "done"}


def _checks_now(schema_editor):
    """PostgreSQL refuses to ALTER a table whose rows this transaction updated while their
    deferred foreign-key checks are pending: run them as each UPDATE ends instead."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def split_status(apps, schema_editor):
    _checks_now(schema_editor)
    runs = apps.get_model("reviews", "AssignmentRun")
    for status, state in STATE.items():
        runs.objects.filter(status=status).update(state=state)
    runs.objects.filter(status__in=["applied", "discarded"]).update(proposal=models.F("status"))
    runs.objects.update(done=models.F("progress"), total=100, step=models.F("stage"), error=models.F("message"))


def join_status(apps, schema_editor):
    _checks_now(schema_editor)
    runs = apps.get_model("reviews", "AssignmentRun")
    runs.objects.update(status=models.F("state"), progress=models.F("done"), stage=models.F("step"),
                        message=models.F("error"))
    runs.objects.exclude(proposal="open").update(status=models.F("proposal"))


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_assignment_reminded_on_authorresponse_metareview"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField("assignmentrun", "state", models.CharField(
            choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed"),
                     ("cancelled", "Cancelled")], default="queued", max_length=10)),
        migrations.AddField("assignmentrun", "proposal", models.CharField(
            choices=[("open", "Ready to review"), ("applied", "Applied"), ("discarded", "Discarded")],
            default="open", max_length=10)),
        migrations.AddField("assignmentrun", "done", models.PositiveIntegerField(default=0)),
        migrations.AddField("assignmentrun", "total", models.PositiveIntegerField(default=0)),
        migrations.AddField("assignmentrun", "step", models.CharField(blank=True, max_length=200)),
        migrations.AddField("assignmentrun", "error", models.TextField(blank=True)),
        migrations.AddField("assignmentrun", "started_at", models.DateTimeField(blank=True, null=True)),
        migrations.RunPython(split_status, join_status),
        migrations.RemoveField("assignmentrun", "status"),
        migrations.RemoveField("assignmentrun", "progress"),
        migrations.RemoveField("assignmentrun", "stage"),
        migrations.RemoveField("assignmentrun", "message"),
    ]
