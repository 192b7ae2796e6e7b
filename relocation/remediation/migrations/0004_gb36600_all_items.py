"""Load all 85 items of GB 36600-2018 Tables 1 and 2 (data, apart from the schema)."""

from django.db import migrations


def load(apps, schema_editor):
    from relocation.remediation import screening_values

    screening_values.load(apps.get_model("remediation", "ScreeningValue"))


def unload(apps, schema_editor):
    """Back to the ten items of 0002: the others go unless a result uses them."""
    model = apps.get_model("remediation", "ScreeningValue")
    kept = ["as", "cd", "cr6", "cu", "pb", "hg", "ni", "tce", "pce", "cn"]
    model.objects.exclude(code__in=kept).filter(results__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("remediation", "0003_gb36600_columns")]

    operations = [migrations.RunPython(load, unload)]
