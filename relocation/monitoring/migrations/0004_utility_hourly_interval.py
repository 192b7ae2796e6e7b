"""Data: readings with an hour are hourly readings."""

from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("monitoring", "UtilityReading").objects.filter(hour__isnull=False).update(interval="hour")


def backwards(apps, schema_editor):
    apps.get_model("monitoring", "UtilityReading").objects.filter(hour__isnull=False).update(interval="day")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_utility_intervals_informed_units_thresholds")]

    operations = [migrations.RunPython(forwards, backwards)]
