"""Key rotation as documented keeps the ID-number search working: a new key
prepended to FIELD_ENCRYPTION_KEYS leaves the lookup digests as they were, and
after a change of FIELD_INDEX_KEY `reindex_lookups` recomputes them;
`--reencrypt` rewrites the values under the new key so the old one can go."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from relocation.core.models import AuditEvent
from relocation.workers.models import Worker
from relocation.workers.selectors import find_by_id_number


@pytest.mark.django_db
def test_prepending_a_new_key_keeps_the_search(settings, hq_staff, worker):
    settings.FIELD_ENCRYPTION_KEYS = ["a-brand-new-field-key", *settings.FIELD_ENCRYPTION_KEYS]
    assert list(find_by_id_number(hq_staff, worker.id_number)) == [worker]


@pytest.mark.django_db
def test_a_new_index_key_takes_reindex_lookups(settings, hq_staff, worker):
    settings.FIELD_INDEX_KEY = "a-new-index-key"
    assert not find_by_id_number(hq_staff, worker.id_number).exists()
    call_command("reindex_lookups")
    assert list(find_by_id_number(hq_staff, worker.id_number)) == [worker]
    assert AuditEvent.objects.filter(action="core.lookups_reindexed").exists()


@pytest.mark.django_db
def test_reencrypt_lets_the_old_key_go(settings, hq_staff, worker):
    old = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_INDEX_KEY = old[-1]  # kept through the rotation
    settings.FIELD_ENCRYPTION_KEYS = ["the-next-field-key", *old]
    call_command("reindex_lookups", reencrypt=True)
    settings.FIELD_ENCRYPTION_KEYS = ["the-next-field-key"]
    fresh = Worker.objects.get(pk=worker.pk)
    assert fresh.id_number == worker.id_number and fresh.phone == worker.phone
    assert list(find_by_id_number(hq_staff, worker.id_number)) == [worker]
