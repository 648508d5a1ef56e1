"""Tie the mails written before `OutgoingMail.paper_number` existed to their paper,
so the outbox can hide them from people conflicted with it."""

import re

from django.db import migrations


def backfill(apps, schema_editor):
    OutgoingMail = apps.get_model("workshop", "OutgoingMail")
    ContentType = apps.get_model("contenttypes", "ContentType")
    models = {("submissions", "submission"): None, ("reviews", "assignment"): "submission_id",
              ("reviews", "comment"): "submission_id"}
    for (app, model), field in models.items():
        content_type = ContentType.objects.filter(app_label=app, model=model).first()
        if content_type is None:
            continue
        Model = apps.get_model(app, model)
        for mail in OutgoingMail.objects.filter(related_type=content_type, paper_number__isnull=True):
            related = Model.objects.filter(pk=mail.related_id).first()
            number = (related.pk if field is None else getattr(related, field)) if related else None
            if number is None:  # the object is gone; its subject still names the paper ("#12 …")
                found = re.search(r"#(\d+)", mail.subject)
                number = int(found.group(1)) if found else None
            OutgoingMail.objects.filter(pk=mail.pk).update(paper_number=number)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_review_draft_values"),
        ("workshop", "0005_outgoingmail_public_id_paper_number"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
