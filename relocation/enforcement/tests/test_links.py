"""What enforcement causes in supervision and in the ledger: closing an
order verifies its follow-up task, escalating supersedes it (the renewed
order has its own) and revoking cancels it; a suspension, sealing or ban changes the
enterprise's production status (with history) and lifting it restores it;
open violations are counted from enforcement's own records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from relocation.core import compliance
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.models import AuditEvent
from relocation.enforcement import selectors, services
from relocation.enforcement.models import Inspection, InspectionStatus, MeasureStatus
from relocation.enterprises.models import ProductionStatusChange
from relocation.supervision.models import Task, TaskStage, TaskStatus

pytestmark = pytest.mark.django_db


def _order(violation, inspector):
    order = services.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=5)
    return order, Inspection.objects.get(follow_up_of=order, status=InspectionStatus.SCHEDULED)


def test_closing_an_order_verifies_its_follow_up_task(violation, inspector, record):
    order, follow_up = _order(violation, inspector)
    task = Task.objects.get(dedupe_key=f"enforcement.follow_up:{order.pk}")
    assert task.status == TaskStatus.ASSIGNED
    inspection = record(follow_up=follow_up, follow_up_result="fixed", findings="暗管已封堵")
    task.refresh_from_db()
    assert task.status == TaskStatus.VERIFIED and task.completed_at is not None
    assert task.reported_on_time is True
    assert not TaskStage.objects.filter(task=task, ended_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="task.verified", object_id=str(task.pk))
    assert event.actor_id == inspector.pk and event.enterprise_id == order.enterprise_id
    assert f"检查 #{inspection.pk}" in event.changes["reason"][1]
    # The order's closing and the task's verification are one story on the timeline.
    actions = list(
        AuditEvent.objects.filter(enterprise_id=order.enterprise_id).order_by("id").values_list("action", flat=True)
    )
    assert actions.index("enforcement.order_closed") < actions.index("task.verified")


def test_the_task_is_verified_in_the_same_transaction_as_the_closing(violation, inspector, record, monkeypatch):
    order, follow_up = _order(violation, inspector)
    from relocation.supervision import services as supervision

    def broken(**kwargs):
        raise RuntimeError("supervision down")

    monkeypatch.setattr(supervision, "task_complete_for_subject", broken)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            record(follow_up=follow_up, follow_up_result="fixed")
    order.refresh_from_db()
    assert order.status == MeasureStatus.IN_FORCE
    assert Task.objects.get(dedupe_key=f"enforcement.follow_up:{order.pk}").status == TaskStatus.ASSIGNED


def test_escalating_an_order_supersedes_its_task_and_the_renewed_order_gets_its_own(violation, inspector, record):
    order, follow_up = _order(violation, inspector)
    record(follow_up=follow_up, follow_up_result="not_fixed")
    task = Task.objects.get(dedupe_key=f"enforcement.follow_up:{order.pk}")
    assert task.status == TaskStatus.CANCELLED
    assert not TaskStage.objects.filter(task=task, ended_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="task.superseded", object_id=str(task.pk))
    assert event.actor_id == inspector.pk and "新整改令" in event.changes["reason"][1]
    renewed = order.escalations.get(kind="rectification")
    renewed_task = Task.objects.get(dedupe_key=f"enforcement.follow_up:{renewed.pk}")
    assert renewed_task.status == TaskStatus.ASSIGNED and renewed_task.deadline == renewed.deadline
    # One story on the timeline: the escalation, then the task it superseded.
    actions = list(
        AuditEvent.objects.filter(enterprise_id=order.enterprise_id).order_by("id").values_list("action", flat=True)
    )
    assert actions.index("enforcement.order_escalated") < actions.index("task.superseded")


def test_the_overdue_job_supersedes_the_task_in_the_same_transaction(violation, inspector, monkeypatch):
    import datetime as dt

    order, _follow_up = _order(violation, inspector)
    from relocation.supervision import services as supervision

    def broken(**kwargs):
        raise RuntimeError("supervision down")

    monkeypatch.setattr(supervision, "task_cancel_for_subject", broken)
    with pytest.raises(RuntimeError):
        services.escalate_overdue(today=order.deadline + dt.timedelta(days=1))
    order.refresh_from_db()
    assert order.status == MeasureStatus.IN_FORCE
    assert not order.escalations.exists()
    monkeypatch.undo()
    assert services.escalate_overdue(today=order.deadline + dt.timedelta(days=1)) == 1
    task = Task.objects.get(dedupe_key=f"enforcement.follow_up:{order.pk}")
    assert task.status == TaskStatus.CANCELLED
    assert AuditEvent.objects.get(action="task.superseded", object_id=str(task.pk)).actor_id is None


def test_revoking_an_order_cancels_its_task_with_the_reason(violation, inspector, inspector2):
    order, _follow_up = _order(violation, inspector)
    services.measure_revoke(actor=inspector2, measure=order, reason="认定事实有误")
    task = Task.objects.get(dedupe_key=f"enforcement.follow_up:{order.pk}")
    assert task.status == TaskStatus.CANCELLED
    event = AuditEvent.objects.get(action="task.cancelled", object_id=str(task.pk))
    assert event.actor_id == inspector2.pk and "认定事实有误" in event.changes["reason"][1]
    assert TaskStage.objects.filter(task=task, status=TaskStatus.CANCELLED, reason__contains="认定事实有误").exists()


def _decision(violation, inspector, inspector2, kind):
    amount = Decimal("10000") if kind == "fine" else None
    measure = services.measure_issue(actor=inspector, violation=violation, kind=kind, content="依法决定", amount=amount)
    return services.measure_approve(actor=inspector2, measure=measure)


def test_an_approved_suspension_stops_production_and_lifting_it_restores_it(
    violation, inspector, inspector2, enterprise
):
    assert enterprise.production_status == "producing"
    suspension = _decision(violation, inspector, inspector2, "suspension")
    enterprise.refresh_from_db()
    assert enterprise.production_status == "stopped"
    hold = ProductionStatusChange.objects.get(enterprise=enterprise, kind="hold")
    assert (hold.from_status, hold.to_status, hold.actor) == ("producing", "stopped", inspector2)
    assert hold.decision_object_type == "enforcement.measure" and hold.decision_object_id == str(suspension.pk)
    event = AuditEvent.objects.get(action="enterprise.production_status_changed", enterprise_id=enterprise.pk)
    assert event.actor_id == inspector2.pk and event.changes["production_status"] == ["producing", "stopped"]

    services.measure_lift(actor=inspector2, measure=suspension, reason="整改到位，恢复生产")
    suspension.refresh_from_db()
    enterprise.refresh_from_db()
    assert suspension.status == MeasureStatus.CLOSED
    assert enterprise.production_status == "producing"
    release = ProductionStatusChange.objects.get(enterprise=enterprise, kind="release")
    assert (release.from_status, release.to_status) == ("stopped", "producing")
    assert AuditEvent.objects.filter(action="enforcement.measure_lifted", enterprise_id=enterprise.pk).exists()
    assert AuditEvent.objects.filter(action="enterprise.production_status_changed").count() == 2


def test_lifting_one_decision_keeps_the_other_in_force(violation, inspector, inspector2, enterprise):
    enterprise.production_status = "partial"
    enterprise.save()
    suspension = _decision(violation, inspector, inspector2, "suspension")
    sealing = _decision(violation, inspector, inspector2, "sealing")
    enterprise.refresh_from_db()
    assert enterprise.production_status == "sealed"
    services.measure_lift(actor=inspector2, measure=sealing, reason="解除查封")
    enterprise.refresh_from_db()
    assert enterprise.production_status == "stopped"  # the suspension still holds
    services.measure_revoke(actor=inspector2, measure=suspension, reason="决定有误")
    enterprise.refresh_from_db()
    assert enterprise.production_status == "partial"  # what it was before the first decision


def test_a_ban_is_not_lifted_but_revoking_it_restores_production(violation, inspector, inspector2, enterprise):
    ban = _decision(violation, inspector, inspector2, "ban")
    enterprise.refresh_from_db()
    assert enterprise.production_status == "stopped"
    with pytest.raises(ServiceError, match="只有停产停业整改和查封扣押可以解除"):
        services.measure_lift(actor=inspector2, measure=ban, reason="x")
    services.measure_revoke(actor=inspector2, measure=ban, reason="复议撤销")
    enterprise.refresh_from_db()
    assert enterprise.production_status == "producing"


def test_lifting_keeps_production_stopped_when_the_lifecycle_has_it_stopped(
    violation, inspector, inspector2, enterprise
):
    suspension = _decision(violation, inspector, inspector2, "suspension")
    type(enterprise).objects.filter(pk=enterprise.pk).update(status="production_stopped")
    services.measure_lift(actor=inspector2, measure=suspension, reason="整改到位")
    enterprise.refresh_from_db()
    assert enterprise.production_status == "stopped"


def test_a_fine_does_not_touch_production(violation, inspector, inspector2, enterprise):
    _decision(violation, inspector, inspector2, "fine")
    enterprise.refresh_from_db()
    assert enterprise.production_status == "producing"
    assert not ProductionStatusChange.objects.exists()


def test_only_an_approver_may_lift(violation, inspector, inspector2, outsider):
    suspension = _decision(violation, inspector, inspector2, "suspension")
    with pytest.raises(PermissionDeniedError):
        services.measure_lift(actor=outsider, measure=suspension, reason="x")


def test_open_violations_are_counted_from_enforcement_records(violation, inspector, record, enterprise):
    assert selectors.open_violation_counts([enterprise.pk]) == {enterprise.pk: 1}
    # Registered at start-up for parks (same floor) through core.
    assert compliance.open_violation_counts([enterprise.pk]) == {enterprise.pk: 1}
    order, follow_up = _order(violation, inspector)
    record(follow_up=follow_up, follow_up_result="not_fixed")
    assert selectors.open_violation_counts([enterprise.pk]) == {enterprise.pk: 1}
    renewed = violation.measures.get(status=MeasureStatus.IN_FORCE, kind="rectification")
    record(follow_up=Inspection.objects.get(follow_up_of=renewed), follow_up_result="fixed")
    assert compliance.open_violation_counts([enterprise.pk]) == {enterprise.pk: 0}


def test_the_measure_page_lifts_a_suspension(client, violation, inspector, inspector2, enterprise, outsider):
    from django.urls import reverse

    suspension = _decision(violation, inspector, inspector2, "suspension")
    client.force_login(outsider)
    assert client.post(reverse("enforcement:measure_lift", args=[suspension.pk]), {"reason": "x"}).status_code == 403
    client.force_login(inspector2)
    page = client.get(reverse("enforcement:measure_detail", args=[suspension.pk])).content.decode()
    assert 'id="lift-measure"' in page
    response = client.post(reverse("enforcement:measure_lift", args=[suspension.pk]), {"reason": "整改到位"})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.production_status == "producing"


def test_the_api_lifts_a_sealing(violation, inspector, inspector2, enterprise):
    from rest_framework.test import APIClient

    sealing = _decision(violation, inspector, inspector2, "sealing")
    api = APIClient()
    api.force_login(inspector2)
    assert api.post(f"/api/enforcement/measures/{sealing.pk}/lift/", {"reason": ""}, format="json").status_code == 400
    r = api.post(f"/api/enforcement/measures/{sealing.pk}/lift/", {"reason": "解除查封"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    enterprise.refresh_from_db()
    assert enterprise.production_status == "producing"
