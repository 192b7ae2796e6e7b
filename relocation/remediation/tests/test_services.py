"""Services: stage moves follow the table and the results, with history and
audit; imports are all-or-nothing; liability needs a basis; overdue
obligations become supervision tasks; edits are version-checked."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError, TransitionError
from relocation.core.models import AuditEvent
from relocation.remediation import selectors, services
from relocation.remediation.models import SamplingResult, Stage
from relocation.remediation.tests.conftest import add_results, move, pdf

pytestmark = pytest.mark.django_db

OVER = [("S1", "cr6", "12.4"), ("S2", "ni", "2100"), ("S3", "pb", "100")]
UNDER = [("S1", "cr6", "1.2"), ("S2", "ni", "80")]


def test_it_moves_through_the_investigation_with_history_and_audit(site, liaison, values):
    move(liaison, site, Stage.INITIAL)
    add_results(liaison, site, values, OVER)
    change = move(liaison, site, Stage.DETAILED, reason="六价铬超筛选值")
    site.refresh_from_db()
    assert site.stage == Stage.DETAILED
    assert change.from_stage == Stage.INITIAL and change.evidence.sha256
    assert site.stage_changes.count() == 2
    event = AuditEvent.objects.filter(action="remediation.stage_moved").first()
    assert event.enterprise_id == site.enterprise_id and "初步调查" in event.summary


def test_it_judges_results_against_the_land_use(site, liaison, values):
    add_results(liaison, site, values, OVER)
    judged = {j.result.point: j for j in selectors.judged_results(site)}
    assert judged["S1"].over_screening and not judged["S1"].over_intervention  # 12.4 > 5.7, < 78
    assert judged["S2"].over_intervention  # Ni 2100 > 2000
    assert not judged["S3"].over_screening  # Pb 100 < 800
    site.land_use = "first"
    site.save()
    assert {j.result.point for j in selectors.exceedances_of(site)} == {"S1", "S2"}
    assert judged["S1"].ratio == Decimal("2.18")


def test_it_refuses_no_remediation_when_results_exceed(site, liaison, values):
    move(liaison, site, Stage.INITIAL)
    add_results(liaison, site, values, OVER)
    with pytest.raises(ServiceError, match="超过筛选值"):
        move(liaison, site, Stage.NOT_REQUIRED)


def test_it_refuses_further_investigation_when_results_are_below(site, liaison, values):
    move(liaison, site, Stage.INITIAL)
    with pytest.raises(ServiceError, match="检测结果"):
        move(liaison, site, Stage.DETAILED)
    add_results(liaison, site, values, UNDER)
    with pytest.raises(ServiceError, match="无需修复"):
        move(liaison, site, Stage.DETAILED)
    move(liaison, site, Stage.NOT_REQUIRED)
    site.refresh_from_db()
    assert site.stage == Stage.NOT_REQUIRED


def test_it_refuses_a_jump_the_table_does_not_list(site, liaison):
    with pytest.raises(TransitionError):
        move(liaison, site, Stage.REMEDIATION)


def test_it_needs_a_checked_evidence_file(site, liaison):
    with pytest.raises(ServiceError, match="依据文件"):
        services.site_move(actor=liaison, site=site, target=Stage.INITIAL, reason="x", evidence=None)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ServiceError, match="文件类型"):
        services.site_move(actor=liaison, site=site, target=Stage.INITIAL, reason="x", evidence=fake)
    site.refresh_from_db()
    assert site.stage == Stage.PENDING and not site.stage_changes.exists()


def test_a_stale_copy_cannot_move_the_site_twice(site, liaison):
    stale = type(site).objects.get(pk=site.pk)
    move(liaison, site, Stage.INITIAL)
    with pytest.raises(ServiceError):
        services.site_move(actor=liaison, site=stale, target=Stage.INITIAL, reason="x", evidence=pdf())
    assert site.stage_changes.count() == 1


def test_other_towns_and_enterprises_cannot_move_a_site(site, outsider, enterprise_contact, units):
    from relocation.conftest import make_user

    binhaiwan = make_user("bh_liaison", "unit_liaison", units["binhaiwan"])
    for actor in (outsider, enterprise_contact, binhaiwan):
        with pytest.raises(PermissionDeniedError):
            move(actor, site, Stage.INITIAL)


def _xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEADER = ["采样点", "深度（米）", "污染物", "浓度（mg/kg）", "采样日期", "调查阶段"]


def test_it_imports_a_laboratory_workbook(site, liaison, values):
    data = _xlsx(
        [HEADER, ["S1", 0.5, "铬（六价）", 12.4, "2022-03-01", "初步调查"], ["S1", 1.5, "ni", 60, "2022-03-01", ""]]
    )
    outcome = services.results_import(actor=liaison, site=site, file_name="lab.xlsx", data=data)
    assert (outcome.imported, outcome.errors) == (2, [])
    assert len(selectors.exceedances_of(site)) == 1
    assert AuditEvent.objects.filter(action="remediation.results_imported").exists()


def test_one_bad_row_refuses_the_whole_file(site, liaison, values):
    data = _xlsx(
        [
            HEADER,
            ["S1", 0.5, "铬（六价）", 12.4, "2022-03-01", ""],
            ["S2", -1, "锌", "abc", "明天", "修复"],
            ["S1", 0.5, "铬（六价）", 12.4, "2022-03-01", ""],
        ]
    )
    outcome = services.results_import(actor=liaison, site=site, file_name="lab.xlsx", data=data)
    count, errors = outcome.imported, outcome.errors
    assert count == 0
    assert errors[0].startswith("第 3 行") and "锌" in errors[0] and "深度" in errors[0] and "调查阶段" in errors[0]
    assert errors[1].startswith("第 4 行") and "重复" in errors[1]
    assert not SamplingResult.objects.exists()


def test_a_dyeing_lab_file_is_imported_and_unknown_items_are_named(site, liaison, values):
    """Aniline, TPH C10–C40 and benzo[a]pyrene as a laboratory writes them are
    known; zinc and pH are not in the standard: named, left out, the rest kept."""
    data = _xlsx(
        [
            HEADER,
            ["S1", 0.5, "苯胺", 120, "2022-03-01", "初步调查"],
            ["S1", 0.5, "石油烃（C10～C40）", 5200, "2022-03-01", "初步调查"],
            ["S1", 0.5, "苯并［a］芘", 2.1, "2022-03-01", "初步调查"],
            ["S1", 0.5, "锌", 310, "2022-03-01", "初步调查"],
            ["S2", 0.5, "Benzo(a)pyrene", 0.2, "2022-03-01", "初步调查"],
            ["S2", 0.5, "锌", 150, "2022-03-01", "初步调查"],
            ["S2", 0.5, "pH", 7.1, "2022-03-01", "初步调查"],
        ]
    )
    outcome = services.results_import(actor=liaison, site=site, file_name="dyeing.xlsx", data=data)
    assert outcome.errors == []
    assert outcome.imported == 4
    assert outcome.warnings == [
        "检测项目“锌”不在筛选值表中，第 5、7 行未导入。",
        "检测项目“pH”不在筛选值表中，第 8 行未导入。",
    ]
    codes = sorted(SamplingResult.objects.filter(site=site).values_list("pollutant__code", flat=True))
    assert codes == ["aniline", "bap", "bap", "tph"]
    # Second-class land: TPH 5200 > 4500 and BaP 2.1 > 1.5 exceed screening; aniline 120 < 260 does not.
    assert {j.result.pollutant.code for j in selectors.exceedances_of(site)} == {"tph", "bap"}


def test_an_import_without_the_columns_says_which_are_missing(site, liaison, values):
    outcome = services.results_import(
        actor=liaison, site=site, file_name="lab.csv", data="采样点,浓度\nS1,3\n".encode()
    )
    count, errors = outcome.imported, outcome.errors
    assert count == 0 and any("污染物" in e for e in errors)


def test_a_zip_that_is_not_a_workbook_is_refused_before_it_is_unpacked(site, liaison, values):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("payload.bin", b"0" * (4 * 1024 * 1024))  # compresses ~1000:1
    outcome = services.results_import(actor=liaison, site=site, file_name="lab.xlsx", data=buffer.getvalue())
    count, errors = outcome.imported, outcome.errors
    assert count == 0 and errors and "压缩" in errors[0]
    assert not SamplingResult.objects.filter(site=site).exists()


def test_a_land_user_is_liable_only_with_a_basis(site, inspector, liaison, units):
    with pytest.raises(ServiceError, match="认定说明"):
        services.liability_determine(actor=inspector, site=site, basis="land_user", party_name="某经济联合社")
    liability = services.liability_determine(
        actor=inspector, site=site, basis="land_user", party_name="某经济联合社", basis_note="原企业已注销"
    )
    assert liability.party_name == "某经济联合社"
    # The refusal names the programme's own environment unit (found by function), from its data.
    with pytest.raises(PermissionDeniedError, match=units["eeb"].name):
        services.liability_determine(actor=liaison, site=site, basis="polluter", enterprise=site.enterprise)


def test_compensation_is_fulfilled_only_when_paid_in_full(liable, liaison):
    _liability, obligation = liable
    services.payment_record(actor=liaison, obligation=obligation, paid_on=dt.date(2022, 2, 1), amount=Decimal("40000"))
    with pytest.raises(ServiceError, match="足额"):
        services.obligation_fulfil(actor=liaison, obligation=obligation, reason="已付")
    services.payment_record(actor=liaison, obligation=obligation, paid_on=dt.date(2022, 2, 8), amount=Decimal("60000"))
    services.obligation_fulfil(actor=liaison, obligation=obligation, reason="赔偿款已足额到账")
    obligation.refresh_from_db()
    assert obligation.status == "fulfilled"
    assert obligation.changes.get().to_status == "fulfilled"


def test_escalation_creates_a_task_for_the_territorial_unit(liable, inspector, units):
    from relocation.supervision.models import Task

    _liability, obligation = liable
    with pytest.raises(ServiceError, match="逾期"):
        services.obligation_escalate(actor=inspector, obligation=obligation, today=dt.date(2022, 3, 1))
    task = services.obligation_escalate(actor=inspector, obligation=obligation, today=dt.date(2022, 4, 1))
    assert task.lead_unit == units["humen"]
    assert list(task.co_units.all()) == [units["eeb"]]
    assert task.subject_type == "remediation.obligation" and task.subject_id == str(obligation.pk)
    # Ten working days: the make-up Saturday 2 April counts, the Qingming holiday 3–5 April does not.
    assert task.deadline == dt.date(2022, 4, 18)
    obligation.refresh_from_db()
    assert obligation.task_id == task.pk
    again = services.obligation_escalate(actor=inspector, obligation=obligation, today=dt.date(2022, 4, 7))
    assert again.pk == task.pk and Task.objects.count() == 1


def test_the_daily_job_escalates_each_overdue_obligation_once(liable):
    assert services.escalate_overdue(today=dt.date(2022, 4, 6)) == 1
    assert services.escalate_overdue(today=dt.date(2022, 4, 7)) == 0


def test_the_enterprise_uploads_its_own_proof(liable, enterprise_contact, outsider):
    _liability, obligation = liable
    document = services.obligation_document_upload(
        actor=enterprise_contact, obligation=obligation, uploaded_file=pdf("回执.pdf"), note="银行回单"
    )
    assert document.file.enterprise_id == obligation.liability.enterprise_id
    with pytest.raises(PermissionDeniedError):
        services.obligation_document_upload(actor=outsider, obligation=obligation, uploaded_file=pdf())


def _to_plan(site, liaison, values):
    move(liaison, site, Stage.INITIAL)
    add_results(liaison, site, values, OVER)
    move(liaison, site, Stage.DETAILED)
    add_results(liaison, site, values, OVER, stage="detailed", day=dt.date(2022, 3, 20))
    move(liaison, site, Stage.RISK)
    move(liaison, site, Stage.PLAN)


def test_milestones_fall_due_in_working_days_and_are_version_checked(site, liaison, values):
    _to_plan(site, liaison, values)
    with pytest.raises(ServiceError, match="进度节点"):
        move(liaison, site, Stage.REMEDIATION)
    first, second = services.milestones_plan(
        actor=liaison, site=site, start=dt.date(2022, 9, 29), steps=[("进场", 3), ("清挖", 10)]
    )
    assert first.due_on == dt.date(2022, 10, 9)  # 30 Sep, then National Day off, then the make-up 8 and 9 Oct
    services.milestone_progress(actor=liaison, milestone=first, percent=100, expected_version=1)
    assert first.done_on is not None
    with pytest.raises(ConflictError):
        services.milestone_progress(actor=liaison, milestone=second, percent=50, expected_version=0)
    assert selectors.site_percent_done([first, second]) == 50
    move(liaison, site, Stage.REMEDIATION)


def test_a_stale_site_edit_is_refused(site, liaison):
    services.site_update(actor=liaison, site=site, expected_version=site.version, values={"name": "新名称"})
    with pytest.raises(ConflictError):
        services.site_update(actor=liaison, site=site, expected_version=1, values={"name": "旧表单"})


def test_a_town_registers_only_its_own_enterprises(liaison, make_enterprise, units, values):
    other = make_enterprise(territorial_unit=units["binhaiwan"], status="closure_verified")
    with pytest.raises(PermissionDeniedError):
        services.site_create(actor=liaison, enterprise=other, code="X-1", name="x")
    mine = make_enterprise(status="relocated")
    site = services.site_create(actor=liaison, enterprise=mine, code="X-1", name="x")
    assert site.polluters.get().enterprise == mine
    with pytest.raises(ServiceError, match="已经登记"):
        services.site_create(actor=liaison, enterprise=mine, code="X-2", name="x")


def test_a_payment_above_the_obligation_is_refused(site, inspector, liaison):
    """600,000 on a 500,000 obligation: refused, nothing written, still open."""
    liability = services.liability_determine(actor=inspector, site=site, basis="polluter", enterprise=site.enterprise)
    obligation = services.obligation_create(
        actor=inspector,
        liability=liability,
        kind="compensation",
        description="赔偿",
        amount=Decimal("500000"),
        due_on=dt.date(2022, 6, 30),
    )
    with pytest.raises(ServiceError, match="超过未付余额") as refused:
        services.payment_record(
            actor=liaison, obligation=obligation, paid_on=dt.date(2022, 2, 1), amount=Decimal("600000")
        )
    assert "应付 500,000.00 元" in refused.value.message and "最多还可登记 500,000.00 元" in refused.value.message
    assert not obligation.payments.exists()
    with pytest.raises(ServiceError, match="足额"):
        services.obligation_fulfil(actor=liaison, obligation=obligation, reason="已付")
    services.payment_record(actor=liaison, obligation=obligation, paid_on=dt.date(2022, 2, 1), amount=Decimal("300000"))
    with pytest.raises(ServiceError, match="最多还可登记 200,000.00 元"):
        services.payment_record(
            actor=liaison, obligation=obligation, paid_on=dt.date(2022, 2, 2), amount=Decimal("200000.01")
        )
    with pytest.raises(ServiceError, match="不能低于已支付"):
        services.obligation_update(
            actor=inspector,
            obligation=obligation,
            expected_version=obligation.version,
            description="赔偿",
            due_on=obligation.due_on,
            amount=Decimal("250000"),
        )
    services.payment_record(actor=liaison, obligation=obligation, paid_on=dt.date(2022, 2, 3), amount=Decimal("200000"))
    services.obligation_fulfil(actor=liaison, obligation=obligation, reason="足额到账")
    obligation.refresh_from_db()
    assert obligation.status == "fulfilled" and services.paid_total(obligation) == Decimal("500000")


@pytest.mark.parametrize(
    "status", ["surveyed", "commitment_signed", "destination_confirmed", "holdout", "forced_closure"]
)
def test_no_site_is_opened_for_an_enterprise_still_producing(liaison, make_enterprise, values, status):
    """The lifecycle's definition of "stopped" (lifecycle_facts.STOPPED) decides;
    a forced closure under way has not stopped production yet."""
    producing = make_enterprise(status=status)
    with pytest.raises(ServiceError, match="尚未停产"):
        services.site_create(actor=liaison, enterprise=producing, code="P-1", name="x")
    assert not producing.remediation_sites.exists()


@pytest.mark.parametrize("status", ["production_stopped", "closure_verified", "relocated", "closed"])
def test_a_site_is_opened_once_production_stopped(liaison, make_enterprise, values, status):
    site = services.site_create(actor=liaison, enterprise=make_enterprise(status=status), code="P-1", name="x")
    assert site.stage == Stage.PENDING
