"""Data: give the loaded checklist items the article a "存在问题" breaches
(enforcement.domains.CHECKLIST_BASES). Items HQ renamed, and bases HQ edited,
are left alone; reversing unlinks what this linked."""

from django.db import migrations

from relocation.enforcement.domains import CHECKLIST_BASES


def link(apps, schema_editor):
    ChecklistItem = apps.get_model("enforcement", "ChecklistItem")
    LegalBasis = apps.get_model("enforcement", "LegalBasis")
    for (code, text), (law, article) in CHECKLIST_BASES.items():
        for item in ChecklistItem.objects.filter(domain__code=code, text=text, legal_basis__isnull=True):
            basis = LegalBasis.objects.filter(domain_id=item.domain_id, law=law, article=article).first()
            if basis is not None:
                item.legal_basis = basis
                item.save(update_fields=["legal_basis"])


def unlink(apps, schema_editor):
    ChecklistItem = apps.get_model("enforcement", "ChecklistItem")
    for (code, text), _basis in CHECKLIST_BASES.items():
        ChecklistItem.objects.filter(domain__code=code, text=text).update(legal_basis=None)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0002_offline_submission_and_proposed_violations")]
    operations = [migrations.RunPython(link, unlink)]
