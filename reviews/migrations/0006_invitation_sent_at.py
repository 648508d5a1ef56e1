from django.db import migrations, models


def sent_when_created(apps, schema_editor):
    Invitation = apps.get_model("reviews", "Invitation")
    Invitation.objects.filter(sent_at__isnull=True).update(sent_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_mail_paper_numbers")]

    operations = [
        migrations.AddField(model_name="invitation", name="sent_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.RunPython(sent_when_created, migrations.RunPython.noop),
    ]
