import pytest
from django.utils import timezone

from relocation.core.bulk_copy import copy_insert
from relocation.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_copy_insert_stores_rows_as_the_orm_would(hq_staff):
    rows = [
        AuditEvent(
            seq=900_000 + i,
            created_at=timezone.now(),
            actor=hq_staff,
            actor_name=hq_staff.username,
            action="test.copied",
            object_type="core.test",
            object_id=str(i),
            object_repr=f"第{i}行\t含制表符",
            summary="",
            changes={"名称": ["旧", f"新{i}"], "n": i},
            prev_hash="0" * 64,
            hash=f"{i:064d}",
        )
        for i in range(3)
    ]
    copy_insert(AuditEvent, rows)

    stored = list(AuditEvent.objects.filter(action="test.copied").order_by("seq"))
    assert [e.object_repr for e in stored] == ["第0行\t含制表符", "第1行\t含制表符", "第2行\t含制表符"]
    assert stored[2].changes == {"名称": ["旧", "新2"], "n": 2}
    assert stored[0].actor == hq_staff and stored[0].created_at is not None


def test_copy_insert_of_nothing_does_nothing():
    copy_insert(AuditEvent, [])
    assert not AuditEvent.objects.filter(action="test.copied").exists()
