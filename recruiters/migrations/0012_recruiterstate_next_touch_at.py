from django.db import migrations, models


def from_valid_until(apps, schema_editor):
    """Kept states written before this column: `valid_until` is no later than their next
    interaction dated later, so holding the other figures until then is safe (a refresh
    writes the real moment)."""
    RecruiterState = apps.get_model("recruiters", "RecruiterState")
    RecruiterState.objects.update(next_touch_at=models.F("valid_until"))


class Migration(migrations.Migration):
    dependencies = [
        ("recruiters", "0011_interaction_feedback_and_interview_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="recruiterstate",
            name="next_touch_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(from_valid_until, migrations.RunPython.noop),
    ]
