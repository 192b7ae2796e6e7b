"""The seeded 迁出本市 category named one city in its description; categories
are installation-wide, so they speak of "this city" instead (data only)."""

from django.db import migrations

OLD = "企业自行迁往东莞市外。"
NEW = "企业自行迁往本市以外。"


def forwards(apps, schema_editor):
    apps.get_model("enterprises", "Category").objects.filter(code="move_out", description=OLD).update(description=NEW)


def backwards(apps, schema_editor):
    apps.get_model("enterprises", "Category").objects.filter(code="move_out", description=NEW).update(description=OLD)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0009_merge_search_indexes_and_production_status")]
    operations = [migrations.RunPython(forwards, backwards)]
