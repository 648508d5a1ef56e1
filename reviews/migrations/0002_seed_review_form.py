from django.db import migrations

from reviews import defaults


def seed(apps, schema_editor):
    defaults.seed(apps.get_model("reviews", "ReviewField"))


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
