"""The rules of enforcement, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from relocation.core.errors import PermissionDeniedError, ServiceError, TransitionError
from relocation.enforcement import services
from relocation.enforcement.models import (
    EnforcementDocument,
    Inspection,
    InspectionStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    RepeatOffenderRule,
)
from relocation.supervision.models import Task

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_it_loads_the_eight_domains_with_their_lead_units(config, units):
    from relocation.enforcement.models import EnforcementDomain, EscalationStep

    domains = {d.code: d for d in EnforcementDomain.objects.filter(programme=config)}
    assert len(domains) == 8
    assert domains["ecology_environment"].lead_unit == units["eeb"]
    assert domains["toxic_chemicals"].lead_unit == units["police"]
    assert domains["ecology_environment"].checklist_items.count() >= 3
    assert [s.kind for s in EscalationStep.objects.filter(programme=config)] == [
        "rectification",
        "fine",
        "suspension",
        "sealing",
        "ban",
    ]
    services.configuration_ensure(actor=None, programme=config)  # idempotent
    assert EnforcementDomain.objects.filter(programme=config).count() == 8


def test_it_refuses_an_inspection_with_one_inspector(record, inspector):
    with pytest.raises(ServiceError, match="两名"):
        record(inspectors=[inspector])
    with pytest.raises(ServiceError, match="两名"):
        record(inspectors=[inspector, inspector])
    assert not Inspection.objects.exists()


def test_it_refuses_inspectors_outside_the_team(record, inspector, outsider):
    with pytest.raises(ServiceError, match="不是"):
        record(inspectors=[inspector, outsider])


def test_it_refuses_a_non_member(record, outsider, inspector, inspector2):
    with pytest.raises(PermissionDeniedError):
        record(actor=outsider)


def test_it_needs_the_representative_acknowledgement(record):
    with pytest.raises(ServiceError, match="企业代表"):
        record(representative_name="", representative_signed=False)
    with pytest.raises(ServiceError):
        record(representative_signed=False, representative_refused=False)
    inspection = record(representative_name="", representative_signed=False, representative_refused=True)
    assert inspection.representative_refused


def test_it_keeps_the_checklist_of_the_domain(record, domain):
    item = domain.checklist_items.first()
    inspection = record(checklist={str(item.pk): "problem"})
    assert inspection.checklist == {str(item.pk): "problem"}
    with pytest.raises(ServiceError):
        record(checklist={"999999": "ok"})


def test_it_keeps_photos_with_their_hash_time_and_position(record, photo):
    import hashlib

    from relocation.enforcement.tests.conftest import jpeg_bytes

    inspection = record(photos=[photo])
    stored = inspection.photos.get().stored_file
    assert stored.sha256 == hashlib.sha256(jpeg_bytes()).hexdigest()
    assert timezone.localtime(stored.taken_at).strftime("%Y-%m-%d %H:%M") == "2026-03-02 10:15"
    assert round(stored.latitude, 3) == 22.82 and round(stored.longitude, 3) == 113.69
    assert stored.purpose == "enforcement.inspection_photo" and stored.enterprise_id == inspection.enterprise_id


def test_it_refuses_a_photo_that_is_not_an_image(record):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("site.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(ServiceError, match="文件类型"):
        record(photos=[fake])
    assert not Inspection.objects.exists()


@time_machine.travel(MONDAY, tick=False)
def test_it_issues_a_rectification_order_with_a_workday_deadline(violation, inspector, team):
    order = services.measure_issue(
        actor=inspector, violation=violation, kind="rectification", workdays=5, content="封堵暗管"
    )
    assert order.status == MeasureStatus.IN_FORCE
    assert order.deadline == dt.date(2026, 3, 9)  # five working days after Monday 2 March
    follow_up = Inspection.objects.get(follow_up_of=order)
    assert follow_up.status == InspectionStatus.SCHEDULED
    assert follow_up.scheduled_on == order.deadline
    assert follow_up.team == team
    task = Task.objects.get(dedupe_key=f"enforcement.follow_up:{order.pk}")
    assert task.source == "enforcement" and task.lead_unit == team.lead_unit and task.deadline == order.deadline
    doc = EnforcementDocument.objects.get(measure=order)
    assert doc.kind == "rectification_notice"
    assert "〔2026〕" in doc.number and doc.number.endswith("号")
    assert bytes(doc.content[:2]) == b"PK"


def test_it_closes_an_order_only_after_a_re_inspection(violation, inspector, inspector2, record):
    order = services.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=5)
    follow_up = Inspection.objects.get(follow_up_of=order, status=InspectionStatus.SCHEDULED)
    with pytest.raises(ServiceError):
        record(follow_up=follow_up, follow_up_result="")
    record(follow_up=follow_up, follow_up_result="fixed", findings="暗管已封堵")
    order.refresh_from_db()
    assert order.status == MeasureStatus.CLOSED and order.closed_at
    with pytest.raises(ServiceError):
        record(follow_up=Inspection.objects.get(pk=follow_up.pk), follow_up_result="fixed")


def test_it_escalates_a_failed_rectification(violation, inspector, record):
    order = services.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=5)
    follow_up = Inspection.objects.get(follow_up_of=order, status=InspectionStatus.SCHEDULED)
    record(follow_up=follow_up, follow_up_result="not_fixed")
    order.refresh_from_db()
    assert order.status == MeasureStatus.ESCALATED
    fine = Measure.objects.get(escalated_from=order, kind=MeasureKind.FINE)
    assert fine.status == MeasureStatus.PENDING_APPROVAL and fine.level == 2
    renewed = Measure.objects.get(escalated_from=order, kind=MeasureKind.RECTIFICATION)
    assert renewed.status == MeasureStatus.IN_FORCE
    assert Inspection.objects.filter(follow_up_of=renewed, status=InspectionStatus.SCHEDULED).count() == 1


def test_it_escalates_overdue_orders_once(violation, inspector):
    with time_machine.travel(MONDAY, tick=False):
        order = services.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=2)
    assert services.escalate_overdue(today=order.deadline) == 0
    later = order.deadline + dt.timedelta(days=1)
    assert services.escalate_overdue(today=later) == 1
    assert services.escalate_overdue(today=later) == 0  # idempotent
    order.refresh_from_db()
    assert order.status == MeasureStatus.ESCALATED
    assert Measure.objects.filter(escalated_from=order, kind="fine").count() == 1
    # The renewed order escalates to the next rung (suspension) when it too runs late.
    renewed = Measure.objects.get(escalated_from=order, kind="rectification")
    assert services.escalate_overdue(today=renewed.deadline + dt.timedelta(days=1)) == 1
    assert Measure.objects.filter(escalated_from=renewed, kind="suspension").exists()


def test_the_periodic_task_calls_the_escalation(violation, inspector):
    from relocation.enforcement.tasks import escalate_overdue_orders

    with time_machine.travel(MONDAY, tick=False):
        services.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=1)
    with time_machine.travel(MONDAY + dt.timedelta(days=10), tick=False):
        assert escalate_overdue_orders.call_local() == 1
        assert escalate_overdue_orders.call_local() == 0


def test_it_needs_a_second_person_to_approve_a_fine(violation, inspector, inspector2):
    fine = services.measure_issue(actor=inspector, violation=violation, kind="fine", amount=Decimal("50000"))
    assert fine.status == MeasureStatus.PENDING_APPROVAL
    assert not EnforcementDocument.objects.filter(measure=fine).exists()
    with pytest.raises(PermissionDeniedError, match="四眼"):
        services.measure_approve(actor=inspector, measure=fine)
    services.measure_approve(actor=inspector2, measure=fine)
    fine.refresh_from_db()
    assert fine.status == MeasureStatus.IN_FORCE and fine.approved_by == inspector2
    doc = EnforcementDocument.objects.get(measure=fine)
    assert fine.decision_number == doc.number and doc.kind == "penalty_decision"


def test_the_database_refuses_self_approval(violation, inspector):
    from django.db import IntegrityError, transaction

    fine = services.measure_issue(actor=inspector, violation=violation, kind="fine", amount=Decimal("100"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.filter(pk=fine.pk).update(approved_by=inspector)


def test_an_approved_decision_cannot_be_edited_only_revoked(violation, inspector, inspector2):
    fine = services.measure_issue(actor=inspector, violation=violation, kind="fine", amount=Decimal("100"))
    services.measure_update(
        actor=inspector, measure=fine, data={"amount": Decimal("200")}, expected_version=fine.version
    )
    fine.refresh_from_db()
    assert fine.amount == Decimal("200")
    services.measure_approve(actor=inspector2, measure=fine)
    fine.refresh_from_db()
    with pytest.raises(ServiceError, match="撤销"):
        services.measure_update(
            actor=inspector, measure=fine, data={"amount": Decimal("1")}, expected_version=fine.version
        )
    with pytest.raises(ServiceError, match="理由"):
        services.measure_revoke(actor=inspector2, measure=fine, reason=" ")
    services.measure_revoke(actor=inspector2, measure=fine, reason="复议撤销")
    fine.refresh_from_db()
    assert fine.status == MeasureStatus.REVOKED and fine.revoked_reason == "复议撤销"
    with pytest.raises(TransitionError):
        services.measure_approve(actor=inspector2, measure=fine)
    assert [t.to_status for t in fine.transitions.all()] == ["pending_approval", "in_force", "revoked"]


def test_it_asks_water_and_power_to_cut_supply(violation, inspector, inspector2, units):
    cut = services.measure_issue(actor=inspector, violation=violation, kind="utility_cut", content="停止生产供水供电")
    services.measure_approve(actor=inspector2, measure=cut)
    tasks = Task.objects.filter(subject_id=str(cut.pk), source="enforcement").exclude(
        dedupe_key__startswith="enforcement.approve"
    )
    assert {t.lead_unit.code for t in tasks} == {"water", "power"}


def test_it_marks_a_repeat_offender(record, domain, inspector, enterprise, config):
    RepeatOffenderRule.objects.filter(programme=config).update(violations=2, window_days=30)
    for _ in range(2):
        services.violation_record(actor=inspector, inspection=record(), domain=domain, description="偷排")
    enterprise.refresh_from_db()
    assert enterprise.is_repeat_offender


def test_it_proposes_forced_closure_through_the_lifecycle_when_present(record, domain, inspector, config, monkeypatch):
    calls = []
    monkeypatch.setattr(services.inspections, "forced_closure_start", lambda **kw: calls.append(kw))
    RepeatOffenderRule.objects.filter(programme=config).update(violations=1, window_days=30)
    services.violation_record(actor=inspector, inspection=record(), domain=domain, description="偷排")
    assert len(calls) == 1 and "屡禁不止" in calls[0]["reason"]
    assert calls[0]["actor"] is None  # the rule proposes, as the system
    assert calls[0]["decision_object"].description == "偷排"
    services.violation_record(actor=inspector, inspection=record(), domain=domain, description="又偷排")
    assert len(calls) == 1  # proposed once; the enterprise is now flagged


def test_it_refuses_a_legal_basis_of_another_domain(record, config, inspector, domain):
    from relocation.enforcement.models import EnforcementDomain

    tax = EnforcementDomain.objects.get(programme=config, code="tax")
    with pytest.raises(ServiceError, match="法律依据"):
        services.violation_record(
            actor=inspector, inspection=record(), domain=domain, legal_basis=tax.legal_bases.first(), description="x"
        )


def test_it_saves_drafts_per_user_and_key(inspector):
    d1 = services.draft_save(actor=inspector, key="abc", data={"findings": "半句"})
    d2 = services.draft_save(actor=inspector, key="abc", data={"findings": "一整句话"})
    assert d1.pk == d2.pk and d2.data["findings"] == "一整句话"


@time_machine.travel(dt.datetime(2021, 9, 30, 9, 0, tzinfo=dt.UTC), tick=False)
def test_deadlines_skip_official_holidays(violation, inspector):
    order = services.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=1)
    assert order.deadline == dt.date(2021, 10, 8)  # National Day week is not counted


def test_documents_are_numbered_per_department_and_year(violation, inspector, config, units, make_enterprise):
    from relocation.enforcement.models import EnforcementDomain

    first = services.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=5)
    second = services.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=5)
    n1, n2 = first.documents.get().number, second.documents.get().number
    year = first.created_at.year
    assert n1 == f"市生态环境局责改〔{year}〕1号" and n2 == f"市生态环境局责改〔{year}〕2号"
    police_domain = EnforcementDomain.objects.get(programme=config, code="toxic_chemicals")
    police_team = services.team_create(actor=None, domain=police_domain, name="剧毒化学品组", members=[inspector])
    other = services.measure_issue(
        actor=inspector, violation=violation, kind="rectification", workdays=5, team=police_team
    )
    assert other.documents.get().number == f"公安部门责改〔{year}〕1号"


def test_a_repeat_offender_goes_to_forced_closure_through_the_lifecycle(record, domain, inspector, enterprise, config):
    """No stand-in: the real lifecycle takes the proposal, as the system."""
    from relocation.enterprises.lifecycle_models import StatusChange

    RepeatOffenderRule.objects.filter(programme=config).update(violations=1, window_days=30)
    services.violation_record(actor=inspector, inspection=record(), domain=domain, description="偷排")
    enterprise.refresh_from_db()
    assert enterprise.is_repeat_offender and enterprise.status == "forced_closure"
    assert StatusChange.objects.filter(enterprise=enterprise, to_status="forced_closure").exists()
