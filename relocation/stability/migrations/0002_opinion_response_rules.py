"""The plan's response deadlines for public opinion, by level (clock hours):
重大 2, 较大 24, 一般 72. Data, so the propaganda department can change them."""

from django.db import migrations

HOURS = {"major": 2, "larger": 24, "general": 72}


def seed(apps, schema_editor):
    Rule = apps.get_model("stability", "OpinionResponseRule")
    for level, hours in HOURS.items():
        Rule.objects.get_or_create(level=level, defaults={"hours": hours})


def unseed(apps, schema_editor):
    apps.get_model("stability", "OpinionResponseRule").objects.filter(level__in=list(HOURS)).delete()


class Migration(migrations.Migration):
    dependencies = [("stability", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
