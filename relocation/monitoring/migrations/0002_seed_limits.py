"""Data migration: the national discharge standards as data (GB 21900-2008
Tables 2 and 3, GB 4287-2012 Tables 2 and 3 with the 2015 amendment), and a
placeholder for the Guangdong standard DB44/1597-2015."""

from django.db import migrations

# The rows come from limits_data.py, which only ever grows (new standards get new migrations).
from relocation.monitoring import limits_data


def seed(apps, schema_editor):
    limits_data.load(apps.get_model("monitoring", "Standard"), apps.get_model("monitoring", "LimitRow"))


def unseed(apps, schema_editor):
    Standard = apps.get_model("monitoring", "Standard")
    Standard.objects.filter(code__in=[s["code"] for s in limits_data.STANDARDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
