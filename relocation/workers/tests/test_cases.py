"""Wage-arrears and deposit cases: the table of moves, partial payments,
the paid guard, escalation and its reason, evidence uploads and the history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError, TransitionError
from relocation.core.models import AuditEvent
from relocation.workers import services
from relocation.workers.models import CaseStatus, LabourCase
from relocation.workers.transitions import CASE

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 test"
ALL = [(s, t) for s in CaseStatus.values for t in CaseStatus.values]


def put_in(case: LabourCase, status: str) -> LabourCase:
    LabourCase.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def test_it_reports_a_case_with_the_total_of_its_lines(enterprise, make_case):
    case = make_case(enterprise, amounts=(Decimal("3000"), Decimal("4500.50")))
    assert (case.status, case.total_owed, case.lines.count()) == ("reported", Decimal("7500.50"), 2)
    assert AuditEvent.objects.filter(action="labour_case.reported", enterprise_id=enterprise.pk).exists()


def test_it_refuses_workers_of_another_enterprise(enterprise, make_enterprise, make_worker, hq_staff):
    stranger = make_worker(make_enterprise())
    with pytest.raises(ServiceError, match="花名册"):
        services.case_report(
            actor=hq_staff,
            enterprise=enterprise,
            kind="wage_arrears",
            summary="x",
            lines=[{"worker": stranger, "amount": 100}],
        )
    assert not LabourCase.objects.exists()


@pytest.mark.parametrize("src,dst", [(s, t) for s, t in ALL if t not in CASE[s]])
def test_it_refuses_every_move_the_table_does_not_list(src, dst, enterprise, make_case, hq_staff):
    case = put_in(make_case(enterprise), src)
    with pytest.raises(TransitionError):
        services.case_transition(actor=hq_staff, case=case, target=dst, reason="x", escalated_to="judiciary")
    assert LabourCase.objects.get(pk=case.pk).status == src


def test_paid_needs_the_total_covered_and_partial_payments_add_up(enterprise, make_case, bureau):
    case = make_case(enterprise, amounts=(Decimal("3000"), Decimal("2000")))
    with pytest.raises(ServiceError, match="已核实或调解中"):
        services.payment_record(actor=bureau, case=case, amount=100, paid_on=dt.date(2022, 4, 1))
    services.case_transition(actor=bureau, case=case, target="verified", reason="核对工资表")
    services.case_transition(actor=bureau, case=case, target="mediating", reason="组织调解")
    with pytest.raises(ServiceError, match="尚未清偿完毕"):
        services.case_transition(actor=bureau, case=case, target="paid", reason="x")
    services.payment_record(actor=bureau, case=case, amount="2000", paid_on=dt.date(2022, 4, 1))
    case.refresh_from_db()
    assert (case.status, case.total_paid) == ("mediating", Decimal("2000"))
    with pytest.raises(ServiceError, match="超过尚欠"):
        services.payment_record(actor=bureau, case=case, amount="3000.01", paid_on=dt.date(2022, 4, 2))
    services.payment_record(actor=bureau, case=case, amount="3000", paid_on=dt.date(2022, 4, 2))
    case.refresh_from_db()
    assert (case.status, case.total_paid, case.outstanding) == ("paid", Decimal("5000"), 0)
    assert list(case.status_changes.values_list("to_status", flat=True)) == [
        "reported",
        "verified",
        "mediating",
        "paid",
    ]


def test_escalation_needs_the_authority_and_the_bureau(enterprise, make_case, bureau, liaison):
    case = make_case(enterprise)
    with pytest.raises(PermissionDeniedError):
        services.case_transition(
            actor=liaison, case=case, target="escalated", reason="老板失联", escalated_to="labour_inspection"
        )
    with pytest.raises(ServiceError, match="移送机关"):
        services.case_transition(actor=bureau, case=case, target="escalated", reason="老板失联")
    with pytest.raises(ServiceError, match="理由"):
        services.case_transition(actor=bureau, case=case, target="escalated", reason=" ", escalated_to="judiciary")
    services.case_transition(
        actor=bureau, case=case, target="escalated", reason="老板失联", escalated_to="labour_inspection"
    )
    case.refresh_from_db()
    assert (case.status, case.escalated_to) == ("escalated", "labour_inspection")
    assert "劳动保障监察" in AuditEvent.objects.filter(action="labour_case.moved").latest("seq").summary


def test_the_territorial_unit_mediates_an_outsider_cannot(enterprise, make_case, liaison, other_town):
    case = make_case(enterprise)
    services.case_transition(actor=liaison, case=case, target="verified", reason="属地核实")
    with pytest.raises(PermissionDeniedError):
        services.case_transition(actor=other_town, case=case, target="mediating", reason="x")


def test_a_concurrent_move_loses(enterprise, make_case, bureau):
    case = make_case(enterprise)
    stale = LabourCase.objects.get(pk=case.pk)
    services.case_transition(actor=bureau, case=case, target="verified", reason="核实")
    # The stale copy is re-read under the lock: its move is checked against "verified".
    services.case_transition(actor=bureau, case=stale, target="mediating", reason="调解")
    with pytest.raises(TransitionError):
        services.case_transition(actor=bureau, case=stale, target="verified", reason="再次核实")


def test_line_corrections_check_the_version(enterprise, make_case, bureau):
    case = make_case(enterprise, amounts=(Decimal("3000"),))
    worker = case.lines.get().worker
    services.case_lines_update(
        actor=bureau,
        case=case,
        expected_version=case.version,
        lines=[{"worker": worker, "amount": "3500", "months": 2}],
    )
    assert LabourCase.objects.get(pk=case.pk).total_owed == Decimal("3500")
    with pytest.raises(ConflictError):
        services.case_lines_update(actor=bureau, case=case, expected_version=1, lines=[{"worker": worker, "amount": 1}])


def test_evidence_is_checked_and_kept(enterprise, make_case, enterprise_contact):
    case = make_case(enterprise)
    evidence = services.evidence_add(
        actor=enterprise_contact, case=case, uploaded_file=SimpleUploadedFile("工资条.pdf", PDF), title="工资条"
    )
    assert evidence.file.enterprise_id == enterprise.pk and evidence.file.purpose == services.EVIDENCE_PURPOSE
    with pytest.raises(ServiceError, match="文件类型"):
        services.evidence_add(actor=enterprise_contact, case=case, uploaded_file=SimpleUploadedFile("x.pdf", b"MZ.."))
    assert case.evidence.count() == 1


def test_the_enterprise_contact_may_report_but_not_verify(enterprise, worker, enterprise_contact):
    case = services.case_report(
        actor=enterprise_contact,
        enterprise=enterprise,
        kind="deposit_dispute",
        summary="押金未退",
        lines=[{"worker": worker, "amount": "800"}],
    )
    with pytest.raises(PermissionDeniedError):
        services.case_transition(actor=enterprise_contact, case=case, target="verified", reason="x")
