from django.db import migrations

from workshop import defaults


def seed(apps, schema_editor):
    defaults.seed_mail_templates(apps.get_model("workshop", "MailTemplate"))


class Migration(migrations.Migration):
    dependencies = [("workshop", "0008_mailtemplate_workshop_pc_sees_decisions_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
