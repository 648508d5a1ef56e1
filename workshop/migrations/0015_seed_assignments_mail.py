from django.db import migrations

from workshop import defaults


def seed(apps, schema_editor):
    defaults.seed_mail_templates(apps.get_model("workshop", "MailTemplate"))  # adds "assignments"


class Migration(migrations.Migration):
    dependencies = [("workshop", "0014_jobs_and_mail_papers")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
