from django.db import migrations

from submissions import defaults


def seed(apps, schema_editor):
    defaults.seed(apps.get_model("submissions", "Outcome"))


class Migration(migrations.Migration):
    dependencies = [("submissions", "0004_outcome_submission_decision_released_at_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
