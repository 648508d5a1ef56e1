import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def _released_is_current(apps, schema_editor):
    # Until now a released decision was the current one (a change re-embargoed it).
    Submission = apps.get_model("submissions", "Submission")
    Submission.objects.filter(decision_released_at__isnull=False).update(released_outcome_id=F("outcome_id"))


class Migration(migrations.Migration):

    dependencies = [
        ('submissions', '0009_pdfversion_chair_flags'),
    ]

    operations = [
        migrations.AddField(
            model_name='submission',
            name='released_outcome',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='submissions.outcome'),
        ),
        migrations.RunPython(_released_is_current, migrations.RunPython.noop),
    ]
