"""Data migration: the highly toxic chemicals of 危险化学品目录（2015版） that
the ledger accepts (toxic_catalogue.py), and the existing ledger lines linked
to their entries by name, synonym or CAS number."""

from django.db import migrations

# The entries come from toxic_catalogue.py, which only ever grows (new entries get new migrations).
from relocation.monitoring import toxic_catalogue


def seed(apps, schema_editor):
    ToxicChemical = apps.get_model("monitoring", "ToxicChemical")
    toxic_catalogue.load(ToxicChemical)
    entries = list(ToxicChemical.objects.all())
    ToxicMovement = apps.get_model("monitoring", "ToxicMovement")
    for movement in ToxicMovement.objects.filter(substance__isnull=True):
        entry = toxic_catalogue.resolve(movement.chemical, entries) or toxic_catalogue.resolve(
            movement.cas_number, entries
        )
        if entry is not None:
            movement.substance = entry
            movement.chemical = entry.name
            movement.cas_number = entry.cas_number
            movement.save(update_fields=["substance", "chemical", "cas_number"])


def unseed(apps, schema_editor):
    apps.get_model("monitoring", "ToxicMovement").objects.update(substance=None)
    apps.get_model("monitoring", "ToxicChemical").objects.filter(
        cas_number__in=[cas for _name, cas, _syn in toxic_catalogue.CATALOGUE]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0006_toxic_catalogue_permits_reversals")]
    operations = [migrations.RunPython(seed, unseed)]
