"""`manage.py reindex_lookups [--reencrypt]`: after a change of FIELD_INDEX_KEY,
recompute every registered lookup digest (ID-number search and duplicate checks)
from the decrypted value; with --reencrypt, also rewrite every encrypted field
under the first of FIELD_ENCRYPTION_KEYS, and every uploaded file (those stored
before encryption at rest included), so an old key can then be removed.

Portal query codes are kept only as digests and cannot be recomputed: after a
change of the index key, codes issued before no longer open their report."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit, crypto
from relocation.core.fields import EncryptedTextField

BATCH = 500


def _reencrypt_files() -> int:
    """Each file is written anew under the first key and its row pointed at it; the
    old files are deleted only once the transaction commits, so a failure half-way
    leaves every row pointing at a file it can still read."""
    from django.core.files.base import ContentFile

    from relocation.core.models import StoredFile
    from relocation.core.uploads import open_verified

    replaced: list[tuple[Any, str]] = []
    n = 0
    for stored in StoredFile.objects.iterator(chunk_size=BATCH):
        data = open_verified(stored)  # refuses a tampered file: better stop than re-sign it
        old_name = stored.file.name
        base = old_name.rsplit("/", 1)[-1].removesuffix(".enc")
        stored.file.save(f"{base}.enc", ContentFile(crypto.encrypt_bytes(data)), save=False)
        stored.encrypted = True
        stored.save(update_fields=["file", "encrypted", "updated_at"])
        replaced.append((stored.file.storage, old_name))
        n += 1
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in replaced])
    return n


class Command(BaseCommand):
    help = "Recompute the lookup digests of encrypted fields (and with --reencrypt, re-encrypt under the first key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reencrypt", action="store_true", help="also rewrite encrypted values under the first key"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts: dict[str, int] = {}
        with transaction.atomic():
            for label, index_field, source_field in crypto.registered_indexes():
                model = apps.get_model(label)
                changed = []
                for obj in model._base_manager.only("pk", index_field, source_field).iterator(chunk_size=BATCH):
                    value = getattr(obj, source_field) or ""
                    digest = crypto.blind_index(value) if value else ""
                    if getattr(obj, index_field) != digest:
                        setattr(obj, index_field, digest)
                        changed.append(obj)
                model._base_manager.bulk_update(changed, [index_field], batch_size=BATCH)
                counts[f"{label}.{index_field}"] = len(changed)
            if options["reencrypt"]:
                for model in apps.get_models():
                    fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
                    if not fields or model._meta.proxy:
                        continue
                    objs = list(model._base_manager.only("pk", *fields).iterator(chunk_size=BATCH))
                    # Saving runs get_prep_value: each value is encrypted again under the first key.
                    model._base_manager.bulk_update(objs, fields, batch_size=BATCH)
                    counts[f"{model._meta.label} (re-encrypted)"] = len(objs)
                counts["core.StoredFile (re-encrypted files)"] = _reencrypt_files()
            audit.record(
                actor=None,
                action="core.lookups_reindexed",
                object_type="core.crypto",
                object_id="field-keys",
                object_repr=_("字段密钥"),
                changes={k: [None, v] for k, v in counts.items()},
                summary=_("重新计算查找摘要并以新密钥重新加密") if options["reencrypt"] else _("重新计算查找摘要"),
            )
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
