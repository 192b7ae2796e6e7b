"""Roster entries: validated, encrypted at rest, found by blind index, never
duplicated, edited with the version check, and always audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.models import AuditEvent
from relocation.workers import selectors, services
from relocation.workers.models import Worker
from relocation.workers.tests.conftest import valid_id

pytestmark = pytest.mark.django_db


def test_it_stores_personal_data_encrypted(worker):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, bank_account FROM workers_worker WHERE id = %s", [worker.pk])
        raw = cursor.fetchone()
    assert worker.id_number not in raw[0] and "13812345678" not in raw[1] and "6222020200112233445" not in raw[2]
    fresh = Worker.objects.get(pk=worker.pk)
    assert (fresh.phone, fresh.bank_account) == ("13812345678", "6222020200112233445")


def test_it_finds_a_worker_by_id_number_through_the_blind_index(worker, hq_staff):
    assert list(selectors.find_by_id_number(hq_staff, worker.id_number.lower())) == [worker]


def test_it_refuses_an_invalid_id_number(enterprise, hq_staff):
    bad = valid_id(1)[:-1] + ("0" if valid_id(1)[-1] != "0" else "1")
    with pytest.raises(ServiceError, match="身份证号无效") as exc:
        services.worker_create(actor=hq_staff, enterprise=enterprise, data={"name": "张三", "id_number": bad})
    assert exc.value.code == "id_number"
    assert not Worker.objects.exists()


def test_it_refuses_the_same_person_twice_on_one_roster(worker, enterprise, hq_staff):
    with pytest.raises(ServiceError, match="已在本企业花名册"):
        services.worker_create(
            actor=hq_staff, enterprise=enterprise, data={"name": "另一人", "id_number": worker.id_number}
        )


def test_the_audit_record_masks_personal_data(worker):
    event = AuditEvent.objects.get(action="worker.created")
    assert worker.id_number not in str(event.changes) and "13812345678" not in str(event.changes)
    assert event.enterprise_id == worker.enterprise_id


def test_an_edit_on_a_stale_version_is_refused(worker, hq_staff):
    services.worker_update(actor=hq_staff, worker=worker, expected_version=1, data={"job": "质检员"})
    stale = Worker.objects.get(pk=worker.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        services.worker_update(actor=hq_staff, worker=stale, expected_version=1, data={"job": "仓管员"})
    assert Worker.objects.get(pk=worker.pk).job == "质检员"


def test_the_bureau_and_the_territorial_unit_keep_rosters_others_do_not(
    enterprise, bureau, liaison, other_town, outsider
):
    for actor in (bureau, liaison):
        services.worker_create(
            actor=actor,
            enterprise=enterprise,
            data={"name": actor.username, "id_number": valid_id(hash(actor.username) % 900)},
        )
    for actor in (other_town, outsider):
        with pytest.raises(PermissionDeniedError):
            services.worker_create(actor=actor, enterprise=enterprise, data={"name": "x", "id_number": valid_id(999)})


def test_placement_settles_a_worker_and_training_does_not(worker, bureau):
    services.placement_record(actor=bureau, worker=worker, outcome="training")
    assert worker.status == "employed"
    with pytest.raises(ServiceError, match="新就业单位"):
        services.placement_record(actor=bureau, worker=worker, outcome="reemployed")
    services.placement_record(actor=bureau, worker=worker, outcome="reemployed", employer="长安五金厂")
    worker.refresh_from_db()
    assert (worker.status, worker.placement_employer) == ("placed", "长安五金厂")
    assert list(worker.status_changes.values_list("to_status", flat=True)) == ["employed", "placed"]
    # A placement that fell through puts the worker back.
    services.placement_record(actor=bureau, worker=worker, outcome="not_placed")
    worker.refresh_from_db()
    assert worker.status == "employed" and worker.placed_on is None


def test_placement_with_a_stale_version_is_refused(worker, bureau):
    with pytest.raises(ConflictError):
        services.placement_record(actor=bureau, worker=worker, outcome="retired", expected_version=worker.version + 1)


def test_the_placement_rate_leaves_out_those_who_left(enterprise, make_worker, hq_staff):
    workers = [make_worker(enterprise) for _ in range(4)]
    services.placement_record(actor=hq_staff, worker=workers[0], outcome="moves_with_enterprise")
    services.worker_leave(actor=hq_staff, worker=workers[1], reason="返乡")
    figures = selectors.programme_placement(hq_staff)
    assert (figures["roster"], figures["population"], figures["placed"], figures["left"]) == (4, 3, 1, 1)
    assert figures["rate"] == Decimal("33.3")
    [row] = selectors.enterprise_overview(hq_staff)
    assert (row.roster, row.population, row.placed, row.rate) == (4, 3, 1, Decimal("33.3"))


def _with_check(body: str) -> str:
    from relocation.core import id_number

    return body + id_number.check_character(body)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (_with_check("44190020300101001"), "晚于今天"),  # born in 2030, check digit right
        (_with_check("00000019800101001"), "行政区划代码"),  # region 000000
        (_with_check("99190019800101001"), "行政区划代码"),  # no province 99
        (_with_check("44000019800101001"), "行政区划代码"),  # province only, no prefecture
        (_with_check("44190019800230001"), "真实的日期"),  # 30 February
        (_with_check("44190020160601001"), "未满16周岁"),  # a 10-year-old
        (_with_check("44190019400101001"), "超过70周岁"),
    ],
)
def test_it_refuses_id_numbers_no_office_issued(enterprise, hq_staff, number, message):
    """GB 11643 is more than a check digit: region, a real past date and a working age."""
    with pytest.raises(ServiceError, match=message) as exc:
        services.worker_create(actor=hq_staff, enterprise=enterprise, data={"name": "张三", "id_number": number})
    assert exc.value.code == "id_number"
    assert not Worker.objects.exists()


def test_the_id_number_message_is_english_for_an_english_user(enterprise, hq_staff):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ServiceError, match="younger than 16|under 16") as exc:
        services.worker_create(
            actor=hq_staff, enterprise=enterprise, data={"name": "张三", "id_number": _with_check("44190020160601001")}
        )
    assert "ID number" in str(exc.value)
