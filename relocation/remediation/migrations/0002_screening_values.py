"""Load GB 36600-2018's screening and intervention values (data, apart from the schema)."""

from django.db import migrations


def load(apps, schema_editor):
    from relocation.remediation import screening_values

    screening_values.load(apps.get_model("remediation", "ScreeningValue"))


def unload(apps, schema_editor):
    from relocation.remediation import screening_values

    model = apps.get_model("remediation", "ScreeningValue")
    model.objects.filter(standard=screening_values.STANDARD, results__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("remediation", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
