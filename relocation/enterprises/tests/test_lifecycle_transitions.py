"""The lifecycle's table: every listed move works, every other is refused,
guards hold, permissions follow the unit, and concurrent moves cannot both win."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from relocation.core import guards
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError, TransitionError
from relocation.core.models import AuditEvent
from relocation.enterprises import lifecycle
from relocation.enterprises.models import Enterprise, LifecycleStatus, StatusChange
from relocation.enterprises.tests.lifecycle_fixtures import put_in, satisfy_guards
from relocation.enterprises.transitions import ALLOWED

S = LifecycleStatus
ALL_MOVES = [(src, dst) for src in S.values for dst in S.values]
LEGAL = [(src, dst) for src, dst in ALL_MOVES if dst in ALLOWED[src]]
ILLEGAL = [(src, dst) for src, dst in ALL_MOVES if dst not in ALLOWED[src]]


def _extra(dst: str) -> dict:
    if dst == S.DESTINATION_CONFIRMED:
        return {"destination_type": "park", "destination_park_id": 3, "destination_name": "沙田园区"}
    if dst == S.FORCED_CLOSURE:
        return {"decision_ref": "东环罚〔2021〕12号"}
    return {}


@pytest.mark.django_db
@pytest.mark.parametrize("src,dst", LEGAL)
def test_it_makes_every_allowed_move(src, dst, hq_staff, units, enterprise):
    satisfy_guards(enterprise, units, hq_staff)
    put_in(enterprise, src)
    change = lifecycle.enterprise_transition(
        actor=hq_staff, enterprise=enterprise, target=dst, reason="测试", **_extra(dst)
    )
    enterprise.refresh_from_db()
    assert enterprise.status == dst
    assert (change.from_status, change.to_status, change.actor) == (src, dst, hq_staff)
    event = AuditEvent.objects.filter(action="enterprise.status_changed").latest("seq")
    assert event.enterprise_id == enterprise.pk and event.changes["status"] == [src, dst]


@pytest.mark.django_db
@pytest.mark.parametrize("src,dst", ILLEGAL)
def test_it_refuses_every_other_move(src, dst, hq_staff, units, enterprise):
    satisfy_guards(enterprise, units, hq_staff)
    put_in(enterprise, src)
    with pytest.raises(TransitionError) as exc:
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=dst, reason="测试", **_extra(dst))
    assert "不能从" in exc.value.message
    enterprise.refresh_from_db()
    assert enterprise.status == src
    assert not StatusChange.objects.exists()


@pytest.mark.django_db
def test_it_requires_a_reason(hq_staff, units, enterprise):
    satisfy_guards(enterprise, units, hq_staff)
    with pytest.raises(ServiceError, match="理由"):
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.INTENTION_RECORDED, reason=" ")


@pytest.mark.django_db
def test_it_needs_an_intention_and_a_signed_letter(hq_staff, enterprise):
    with pytest.raises(TransitionError, match="意向"):
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.INTENTION_RECORDED, reason="x")
    put_in(enterprise, S.INTENTION_RECORDED)
    with pytest.raises(TransitionError, match="承诺书"):
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.COMMITMENT_SIGNED, reason="x")


@pytest.mark.django_db
def test_a_park_destination_needs_the_park(hq_staff, enterprise):
    put_in(enterprise, S.COMMITMENT_SIGNED)
    with pytest.raises(ServiceError, match="园区"):
        lifecycle.destination_confirm(actor=hq_staff, enterprise=enterprise, destination_type="park")
    change = lifecycle.destination_confirm(
        actor=hq_staff,
        enterprise=enterprise,
        destination_type="park",
        destination_park_id=7,
        destination_name="大朗园区",
    )
    assert (change.destination_park_id, change.destination_name) == (7, "大朗园区")
    assert enterprise.relocation_plan.destination_park_id == 7


@pytest.mark.django_db
def test_closure_cannot_be_verified_with_open_items(hq_staff, enterprise):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    with pytest.raises(TransitionError, match="两断三清"):
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.CLOSURE_VERIFIED, reason="x")


@pytest.mark.django_db
def test_a_registered_closure_guard_blocks_verification(hq_staff, units, enterprise):
    satisfy_guards(enterprise, units, hq_staff)
    put_in(enterprise, S.PRODUCTION_STOPPED)

    def toxic_chemicals_left(e):
        return ["仍有剧毒化学品库存未处置"] if e.pk == enterprise.pk else []

    guards.register_closure_guard(toxic_chemicals_left)
    try:
        with pytest.raises(TransitionError, match="剧毒化学品"):
            lifecycle.enterprise_transition(
                actor=hq_staff, enterprise=enterprise, target=S.CLOSURE_VERIFIED, reason="x"
            )
    finally:
        guards.unregister_closure_guard(toxic_chemicals_left)
    lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.CLOSURE_VERIFIED, reason="x")


@pytest.mark.django_db
def test_relocated_needs_a_destination_other_than_closing(hq_staff, units, enterprise):
    satisfy_guards(enterprise, units, hq_staff)
    enterprise.relocation_plan.destination_type = "close"
    enterprise.relocation_plan.destination_park_id = None
    enterprise.relocation_plan.save()
    put_in(enterprise, S.CLOSURE_VERIFIED)
    with pytest.raises(TransitionError, match="关停退出"):
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.RELOCATED, reason="x")


@pytest.mark.django_db
def test_the_territorial_unit_moves_up_to_production_stopped_only(liaison, hq_staff, units, enterprise):
    satisfy_guards(enterprise, units, hq_staff)
    put_in(enterprise, S.DESTINATION_CONFIRMED)
    lifecycle.enterprise_transition(actor=liaison, enterprise=enterprise, target=S.PRODUCTION_STOPPED, reason="停产")
    with pytest.raises(PermissionDeniedError):
        lifecycle.enterprise_transition(actor=liaison, enterprise=enterprise, target=S.CLOSURE_VERIFIED, reason="x")
    assert lifecycle.allowed_moves(liaison, enterprise) == []
    assert lifecycle.allowed_moves(hq_staff, enterprise) == [S.CLOSURE_VERIFIED]


@pytest.mark.django_db
def test_another_unit_cannot_move(outsider, inspector, units, hq_staff, enterprise):
    satisfy_guards(enterprise, units, hq_staff)
    for user in (outsider, inspector):
        with pytest.raises(PermissionDeniedError):
            lifecycle.enterprise_transition(actor=user, enterprise=enterprise, target=S.INTENTION_RECORDED, reason="x")


@pytest.mark.django_db
def test_of_two_moves_from_the_same_state_only_one_wins(hq_staff, hq_commander, units, enterprise):
    """Both requests read "destination confirmed"; the second one's conditional
    update finds the state changed and is refused."""
    satisfy_guards(enterprise, units, hq_staff)
    put_in(enterprise, S.DESTINATION_CONFIRMED)
    first = Enterprise.objects.get(pk=enterprise.pk)
    second = Enterprise.objects.get(pk=enterprise.pk)
    lifecycle.enterprise_transition(actor=hq_staff, enterprise=first, target=S.PRODUCTION_STOPPED, reason="停产")
    with pytest.raises(ConflictError):
        lifecycle.enterprise_transition(actor=hq_commander, enterprise=second, target=S.HOLDOUT, reason="拒不配合")
    enterprise.refresh_from_db()
    assert enterprise.status == S.PRODUCTION_STOPPED
    assert StatusChange.objects.filter(enterprise=enterprise).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_threads_cannot_both_move(hq_staff, hq_commander, units, enterprise):
    satisfy_guards(enterprise, units, hq_staff)
    put_in(enterprise, S.DESTINATION_CONFIRMED)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(actor, target):
        from django.db import connection as thread_connection

        try:
            mine = Enterprise.objects.get(pk=enterprise.pk)
            barrier.wait()
            lifecycle.enterprise_transition(actor=actor, enterprise=mine, target=target, reason="并发")
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=attempt, args=(hq_staff, S.PRODUCTION_STOPPED)),
        threading.Thread(target=attempt, args=(hq_commander, S.HOLDOUT)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert StatusChange.objects.filter(enterprise=enterprise).count() == 1
