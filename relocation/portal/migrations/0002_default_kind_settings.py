"""The default time limits per kind (data): 5 working days for a pollution
report, 10 for a policy question, 15 for a complaint or suggestion."""

from django.db import migrations

DEFAULTS = {"pollution": 5, "policy": 10, "complaint": 15}


def add_defaults(apps, schema_editor):
    KindSetting = apps.get_model("portal", "KindSetting")
    for kind, days in DEFAULTS.items():
        KindSetting.objects.get_or_create(kind=kind, defaults={"due_workdays": days})


def remove_defaults(apps, schema_editor):
    apps.get_model("portal", "KindSetting").objects.filter(kind__in=list(DEFAULTS)).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
