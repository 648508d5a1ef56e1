from django.db import migrations

from workshop import defaults


def seed(apps, schema_editor):
    defaults.seed(
        apps.get_model("workshop", "Workshop"),
        apps.get_model("workshop", "Topic"),
        apps.get_model("workshop", "VocabularyTerm"),
    )


class Migration(migrations.Migration):
    dependencies = [("workshop", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
