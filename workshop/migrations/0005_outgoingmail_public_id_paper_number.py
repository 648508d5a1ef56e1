import uuid

from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    OutgoingMail = apps.get_model("workshop", "OutgoingMail")
    for mail in OutgoingMail.objects.only("pk").iterator():
        OutgoingMail.objects.filter(pk=mail.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("workshop", "0004_workshop_reviewer_names_to_pc_and_more")]

    operations = [
        migrations.AddField(model_name="outgoingmail", name="paper_number",
                            field=models.PositiveIntegerField(blank=True, db_index=True, null=True)),
        migrations.AddField(model_name="outgoingmail", name="public_id",
                            field=models.UUIDField(editable=False, null=True)),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(model_name="outgoingmail", name="public_id",
                              field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
    ]
