from django.db import migrations, models


def split_drafts(apps, schema_editor):
    """Drafts move to `draft_values`; `values` keeps only submitted answers.
    Empty drafts were created by merely opening the form: they go."""
    Review = apps.get_model("reviews", "Review")
    for review in Review.objects.filter(status="draft"):
        if not any(str(v).strip() for v in review.values.values()):
            review.delete()
            continue
        review.draft_values, review.values = review.values, {}
        review.save(update_fields=["draft_values", "values"])


def join_drafts(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    for review in Review.objects.filter(status="draft"):
        review.values = review.draft_values or {}
        review.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_assignment_run")]

    operations = [
        migrations.AddField(model_name="review", name="draft_values", field=models.JSONField(blank=True, null=True)),
        migrations.AlterField(model_name="review", name="values", field=models.JSONField(blank=True, default=dict)),
        migrations.RunPython(split_drafts, join_drafts),
    ]
