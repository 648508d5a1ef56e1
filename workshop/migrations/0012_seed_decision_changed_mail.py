from django.db import migrations

from workshop import defaults


def seed(apps, schema_editor):
    defaults.seed_mail_templates(apps.get_model("workshop", "MailTemplate"))  # adds the keys that are missing


class Migration(migrations.Migration):
    dependencies = [("workshop", "0011_workshop_acronym_letters_digits_dashes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
