from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError, TransitionError
from relocation.parks import lifecycle_port, services
from relocation.parks.models import Allocation, ProcedureItem, StatusChange
from relocation.supervision.models import Task


@pytest.mark.django_db
def test_a_proposal_allocates_nothing_until_confirmed(park, mover, proposal_for):
    proposal = proposal_for()
    assert proposal.status == "done"
    (allocation,) = proposal.allocations.all()
    assert allocation.status == "proposed" and allocation.park == park
    assert not ProcedureItem.objects.exists()


@pytest.mark.django_db
def test_the_proposal_explains_an_unplaced_enterprise(park, make_enterprise, proposal_for):
    big = make_enterprise(
        name="东莞市大镍电镀有限公司",
        processes=["nickel"],
        wastewater_t_per_day=Decimal("150"),
        intention="move_to_park",
        status="commitment_signed",
    )
    proposal = proposal_for()
    (u,) = proposal.result["unplaced"]
    assert u["enterprise"] == str(big.pk) and u["name"] == big.name
    assert "镍废水处理能力剩余 100 t/d，需 150 t/d；再增加 50 t/d 即可安置" in u["reason"]


@pytest.mark.django_db(transaction=True)
def test_running_a_proposal_goes_through_the_background_job(park, mover, hq_staff, programme):
    # HUEY is immediate in tests: the job runs at commit.
    proposal = services.proposal_start(actor=hq_staff, programme=programme, time_limit=5)
    proposal.refresh_from_db()
    assert proposal.status == "done" and proposal.result["objective"]["placed"] == 1


@pytest.mark.django_db
def test_confirming_creates_procedures_and_tasks_once(park, mover, proposal_for, hq_commander, time_machine):
    time_machine.move_to(dt.datetime(2022, 3, 1, 9, 0))
    allocation = proposal_for().allocations.get()
    services.allocation_confirm(actor=hq_commander, allocation=allocation)
    allocation.refresh_from_db()
    assert allocation.status == "confirmed" and allocation.decided_by == hq_commander
    items = list(ProcedureItem.objects.filter(enterprise=mover).order_by("order"))
    assert [i.kind for i in items][:3] == ["lease", "construction_permit", "eia"]
    assert items[0].responsible_unit == park.town_unit and items[0].due_on > dt.date(2022, 3, 1)
    assert Task.objects.filter(source="procedure", enterprise_id=mover.pk).count() == len(items)
    assert StatusChange.objects.filter(subject_type="allocation", to_status="confirmed").count() == 1
    # Idempotent: a second run adds nothing.
    services.procedures_create(actor=hq_commander, allocation=allocation)
    assert ProcedureItem.objects.filter(enterprise=mover).count() == len(items)
    assert Task.objects.filter(source="procedure").count() == len(items)


@pytest.mark.django_db
def test_confirming_twice_or_overbooking_is_refused(park, make_enterprise, proposal_for, hq_commander):
    a = make_enterprise(
        processes=["nickel"], wastewater_t_per_day=Decimal("60"), intention="move_to_park", status="commitment_signed"
    )
    b = make_enterprise(
        processes=["nickel"], wastewater_t_per_day=Decimal("60"), intention="move_to_park", status="commitment_signed"
    )
    proposal = proposal_for()
    placed = proposal.allocations.get()
    services.allocation_confirm(actor=hq_commander, allocation=placed)
    with pytest.raises(TransitionError):
        services.allocation_confirm(actor=hq_commander, allocation=placed)
    other = b if placed.enterprise == a else a
    manual = Allocation.objects.create(enterprise=other, park=park)
    with pytest.raises(ServiceError, match="含镍废水剩余 40.00 t/d"):
        services.allocation_confirm(actor=hq_commander, allocation=manual)
    again = Allocation.objects.create(enterprise=placed.enterprise, park=park)
    with pytest.raises(ConflictError):
        services.allocation_confirm(actor=hq_commander, allocation=again)


@pytest.mark.django_db
def test_bulk_confirm_reports_refusals_and_keeps_the_rest(park, make_enterprise, proposal_for, hq_commander):
    for _ in range(3):
        make_enterprise(
            processes=["zinc"], wastewater_t_per_day=Decimal("10"), intention="move_to_park", status="commitment_signed"
        )
    allocations = list(proposal_for().allocations.select_related("enterprise", "park"))
    services.allocation_confirm(actor=hq_commander, allocation=allocations[0])
    done, errors = services.allocations_confirm_bulk(actor=hq_commander, allocations=allocations)
    assert len(done) == 2 and len(errors) == 1


@pytest.mark.django_db
def test_only_hq_editors_confirm(park, mover, proposal_for, liaison, group_leader):
    allocation = proposal_for().allocations.get()
    for person in (liaison, group_leader):
        with pytest.raises(PermissionDeniedError):
            services.allocation_confirm(actor=person, allocation=allocation)


@pytest.mark.django_db
def test_confirming_records_the_destination_in_the_lifecycle(park, mover, proposal_for, hq_commander, monkeypatch):
    calls = []

    class FakeLifecycle:
        @staticmethod
        def destination_confirm(**kwargs):
            calls.append(kwargs)

    monkeypatch.setattr(lifecycle_port, "lifecycle_module", lambda: FakeLifecycle)
    allocation = proposal_for().allocations.get()
    services.allocation_confirm(actor=hq_commander, allocation=allocation, reason="测试")
    assert calls == [
        {
            "actor": hq_commander,
            "enterprise": allocation.enterprise,
            "destination_type": "park",
            "destination_park_id": park.pk,
            "destination_name": park.name,
            "reason": "测试",
        }
    ]


@pytest.mark.django_db
def test_a_refused_lifecycle_move_confirms_nothing(park, mover, proposal_for, hq_commander, monkeypatch):
    class RefusingLifecycle:
        @staticmethod
        def destination_confirm(**kwargs):
            raise TransitionError("不能从“已摸查”变更为“去向已确定”。")

    monkeypatch.setattr(lifecycle_port, "lifecycle_module", lambda: RefusingLifecycle)
    allocation = proposal_for().allocations.get()
    with pytest.raises(TransitionError):
        services.allocation_confirm(actor=hq_commander, allocation=allocation)
    allocation.refresh_from_db()
    assert allocation.status == "proposed" and not ProcedureItem.objects.exists()


@pytest.mark.django_db
def test_procedure_items_move_with_history_and_blocking_needs_a_reason(
    park, mover, proposal_for, hq_commander, liaison, units
):
    services.allocation_confirm(actor=hq_commander, allocation=proposal_for().allocations.get())
    item = ProcedureItem.objects.get(enterprise=mover, kind="eia")
    assert item.responsible_unit == units["eeb"]
    with pytest.raises(PermissionDeniedError):
        services.procedure_item_move(actor=liaison, item=item, target="in_progress")
    with pytest.raises(ServiceError):
        services.procedure_item_move(actor=hq_commander, item=item, target="blocked")
    services.procedure_item_move(actor=hq_commander, item=item, target="blocked", note="材料不全")
    services.procedure_item_move(actor=hq_commander, item=item, target="done")
    item.refresh_from_db()
    assert item.status == "done" and item.completed_on is not None
    assert list(
        StatusChange.objects.filter(subject_type="procedure_item", subject_id=item.pk).values_list(
            "to_status", flat=True
        )
    ) == ["blocked", "done"]


@pytest.mark.django_db
def test_confirming_moves_the_real_lifecycle_to_the_park(park, mover, proposal_for, hq_commander):
    pytest.importorskip("relocation.enterprises.lifecycle")
    services.allocation_confirm(actor=hq_commander, allocation=proposal_for().allocations.get())
    mover.refresh_from_db()
    assert mover.status == "destination_confirmed"
    plan = mover.relocation_plan
    assert (plan.destination_type, plan.destination_park_id, plan.destination_name) == ("park", park.pk, park.name)


@pytest.mark.django_db
def test_an_enterprise_that_has_not_signed_cannot_be_confirmed(park, make_enterprise, proposal_for, hq_commander):
    pytest.importorskip("relocation.enterprises.lifecycle")
    make_enterprise(intention="move_to_park", status="intention_recorded")
    allocation = proposal_for().allocations.get()
    with pytest.raises(TransitionError):
        services.allocation_confirm(actor=hq_commander, allocation=allocation)
    assert not ProcedureItem.objects.exists()
