"""A proceedings build becomes a `workshop.runs.Run`: status, stage and message are the
run's state, step and error (the values carry over: queued, running, done, failed)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0011_build_drafts_and_publish_checks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("proceedingsbuild", "status", "state"),
        migrations.RenameField("proceedingsbuild", "stage", "step"),
        migrations.RenameField("proceedingsbuild", "message", "error"),
        migrations.AlterField(
            model_name="proceedingsbuild", name="state",
            field=models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"),
                                            ("failed", "Failed"), ("cancelled", "Cancelled")],
                                   default="queued", max_length=10)),
        migrations.AlterField(model_name="proceedingsbuild", name="step",
                              field=models.CharField(blank=True, max_length=200)),
        migrations.AlterField(model_name="proceedingsbuild", name="error", field=models.TextField(blank=True)),
        migrations.AlterField(
            model_name="proceedingsbuild", name="created_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL)),
        migrations.AddField(model_name="proceedingsbuild", name="started_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="proceedingsbuild", name="result",
                            field=models.JSONField(blank=True, default=dict)),
    ]
