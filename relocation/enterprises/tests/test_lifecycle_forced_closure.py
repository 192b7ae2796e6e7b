"""Batches, the overdue flag, and forced closure in one step."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from relocation.core.errors import PermissionDeniedError, ServiceError, TransitionError
from relocation.enterprises import batches, lifecycle, lifecycle_selectors
from relocation.enterprises.models import CommitmentLetter, LifecycleStatus, StatusChange
from relocation.enterprises.tests.lifecycle_fixtures import put_in
from relocation.supervision.models import Task

S = LifecycleStatus


@pytest.fixture
def batch(hq_staff, programme):
    return batches.batch_create(actor=hq_staff, programme=programme, name="第一批", deadline=dt.date(2021, 12, 31))


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2022, 1, 10, 9, 0), tick=False)
def test_it_flags_enterprises_past_the_batch_deadline_or_their_committed_date(
    hq_staff, batch, make_enterprise, programme
):
    late_batch = make_enterprise(name="批次逾期")
    late_letter = make_enterprise(name="承诺逾期")
    on_time = make_enterprise(name="按期")
    stopped = make_enterprise(name="已停产")
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[late_batch, stopped])
    CommitmentLetter.objects.create(enterprise=late_letter, committed_shutdown_on=dt.date(2022, 1, 5))
    CommitmentLetter.objects.create(enterprise=on_time, committed_shutdown_on=dt.date(2022, 3, 1))
    put_in(stopped, S.PRODUCTION_STOPPED)
    names = {e.name for e in lifecycle_selectors.overdue_for_user(hq_staff)}
    assert names == {"批次逾期", "承诺逾期"}
    assert lifecycle_selectors.is_overdue(late_batch) and not lifecycle_selectors.is_overdue(on_time)
    progress = lifecycle_selectors.batch_progress(hq_staff)
    assert progress[0]["total"] == 2 and progress[0]["overdue"] == 1


@pytest.mark.django_db
def test_batch_assignment_is_hq_only_and_audited(liaison, hq_staff, batch, enterprise):
    with pytest.raises(PermissionDeniedError):
        batches.batch_assign(actor=liaison, batch=batch, enterprises=[enterprise])
    assert batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[enterprise]) == 1
    assert batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[enterprise]) == 0
    assert enterprise.relocation_plan.batch == batch


def past_deadline(enterprise, hq_staff, programme, deadline=dt.date(2020, 1, 1)):
    """Put the enterprise in a batch whose shutdown deadline has passed."""
    late = batches.batch_create(actor=hq_staff, programme=programme, name=f"已逾期{deadline}", deadline=deadline)
    batches.batch_assign(actor=hq_staff, batch=late, enterprises=[enterprise])


@pytest.mark.django_db
def test_forced_closure_in_one_step_creates_the_territorial_tasks_once(hq_staff, units, enterprise, programme):
    past_deadline(enterprise, hq_staff, programme)
    lifecycle.forced_closure_start(
        actor=hq_staff, enterprise=enterprise, reason="逾期未关停", decision_ref="指挥部〔2022〕3号"
    )
    enterprise.refresh_from_db()
    assert enterprise.status == S.FORCED_CLOSURE
    moves = list(StatusChange.objects.filter(enterprise=enterprise).order_by("id").values_list("to_status", flat=True))
    assert moves == [S.HOLDOUT, S.FORCED_CLOSURE]
    assert enterprise.relocation_plan.decision_ref == "指挥部〔2022〕3号"
    tasks = Task.objects.filter(enterprise_id=enterprise.pk).order_by("id")
    assert [t.lead_unit.code for t in tasks] == ["humen", "humen"]
    assert tasks[0].dedupe_key == f"forced-closure:{enterprise.pk}" and tasks[0].source == "lifecycle"
    assert {u.code for u in tasks[1].co_units.all()} == {"water", "power"}
    # Again: nothing new.
    lifecycle.forced_closure_start(actor=hq_staff, enterprise=enterprise, reason="再次")
    assert Task.objects.filter(enterprise_id=enterprise.pk).count() == 2
    assert StatusChange.objects.filter(enterprise=enterprise).count() == 2


@pytest.mark.django_db
def test_forced_closure_records_the_enforcement_decision(hq_staff, units, enterprise):
    """The enforcement app passes its decision object (any model) down."""
    put_in(enterprise, S.HOLDOUT)
    lifecycle.forced_closure_start(
        actor=None,
        enterprise=enterprise,
        reason="屡禁不止",
        decision_ref="东环罚〔2021〕9号",
        decision_object=units["eeb"],
    )
    change = StatusChange.objects.get(enterprise=enterprise, to_status=S.FORCED_CLOSURE)
    assert (change.decision_object_type, change.decision_object_id) == ("organisation.unit", str(units["eeb"].pk))


@pytest.mark.django_db
def test_forced_closure_is_refused_to_units_and_after_production_stopped(liaison, hq_staff, units, enterprise):
    with pytest.raises(PermissionDeniedError):
        lifecycle.forced_closure_start(actor=liaison, enterprise=enterprise, reason="x")
    put_in(enterprise, S.PRODUCTION_STOPPED)
    with pytest.raises(TransitionError):
        lifecycle.forced_closure_start(actor=hq_staff, enterprise=enterprise, reason="x")
    assert not Task.objects.exists()


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2021, 9, 29, 10, 0), tick=False)
def test_forced_closure_tasks_are_due_in_five_working_days(hq_staff, units, enterprise, programme):
    """29 Sep 2021 + 5 working days skips the National Day holiday and counts
    the make-up Saturday 9 Oct: due Tuesday 12 Oct."""
    past_deadline(enterprise, hq_staff, programme, dt.date(2021, 9, 1))
    lifecycle.forced_closure_start(
        actor=hq_staff, enterprise=enterprise, reason="逾期", decision_ref="指挥部〔2021〕1号"
    )
    assert set(Task.objects.filter(enterprise_id=enterprise.pk).values_list("deadline", flat=True)) == {
        dt.date(2021, 10, 12)
    }


@pytest.mark.django_db
def test_forced_closure_is_refused_within_the_deadline_and_without_a_decision_number(
    hq_staff, units, enterprise, programme
):
    """A just-surveyed enterprise within its deadline is persuaded, not forced; and
    a refusal leaves nothing half-written (no holdout step either)."""
    with pytest.raises(TransitionError, match="关停时限"):
        lifecycle.forced_closure_start(
            actor=hq_staff, enterprise=enterprise, reason="x", decision_ref="指挥部〔2022〕1号"
        )
    assert not lifecycle.forced_closure_allowed(enterprise)
    past_deadline(enterprise, hq_staff, programme)
    assert lifecycle.forced_closure_allowed(enterprise)
    with pytest.raises(ServiceError, match="决定文号"):
        lifecycle.forced_closure_start(actor=hq_staff, enterprise=enterprise, reason="x", decision_ref=" ")
    enterprise.refresh_from_db()
    assert enterprise.status == S.SURVEYED and not StatusChange.objects.exists()


@pytest.mark.django_db
def test_hq_lifts_a_forced_closure_with_a_reason_and_it_is_audited(hq_staff, liaison, units, enterprise, programme):
    from relocation.core.models import AuditEvent

    past_deadline(enterprise, hq_staff, programme)
    lifecycle.forced_closure_start(
        actor=hq_staff, enterprise=enterprise, reason="逾期", decision_ref="指挥部〔2022〕3号"
    )
    with pytest.raises(PermissionDeniedError):
        lifecycle.forced_closure_lift(actor=liaison, enterprise=enterprise, reason="撤销")
    with pytest.raises(ServiceError, match="理由"):
        lifecycle.forced_closure_lift(actor=hq_staff, enterprise=enterprise, reason="  ")
    lifecycle.forced_closure_lift(actor=hq_staff, enterprise=enterprise, reason="企业已签署承诺书，撤销决定")
    enterprise.refresh_from_db()
    assert enterprise.status == S.HOLDOUT
    last = StatusChange.objects.filter(enterprise=enterprise).latest("id")
    assert (last.from_status, last.to_status, last.actor) == (S.FORCED_CLOSURE, S.HOLDOUT, hq_staff)
    assert AuditEvent.objects.filter(action="enterprise.forced_closure_lifted", enterprise_id=enterprise.pk).exists()
