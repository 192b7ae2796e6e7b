"""Importing ledger workbooks: what real ledgers contain, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from relocation.conftest import valid_credit_code
from relocation.core.audit import verify_chain
from relocation.core.errors import PermissionDeniedError
from relocation.core.models import AuditEvent
from relocation.enterprises import ledger_import
from relocation.enterprises.ledger_import import FileRefused, import_ledger
from relocation.enterprises.models import Enterprise
from relocation.enterprises.tests.workbooks import row, workbook

pytestmark = pytest.mark.django_db


def run(actor, programme, rows, dry_run=False, **kwargs):
    return import_ledger(actor=actor, programme=programme, content=workbook(rows, **kwargs), dry_run=dry_run)


@pytest.mark.parametrize(
    "cell",
    [
        "2022-06-30",
        "2022/6/30",
        "2022.6.30",
        "2022年6月30日",
        " 2022-06-30 ",
        "２０２２-０６-３０",
        dt.datetime(2022, 6, 30),
    ],
)
def test_it_accepts_every_date_spelling(hq_staff, programme, cell):
    report = run(hq_staff, programme, [row(1, 许可证有效期至=cell)])
    assert report.errors == []
    assert Enterprise.objects.get().permit_expires_on == dt.date(2022, 6, 30)


def test_it_accepts_an_excel_serial_date(hq_staff, programme):
    report = run(hq_staff, programme, [row(1, 租约到期日=44742)])  # 2022-06-30 in Excel's day count
    assert report.errors == []
    assert Enterprise.objects.get().lease_ends_on == dt.date(2022, 6, 30)


def test_it_reads_full_width_digits_letters_and_stray_spaces(hq_staff, programme):
    code = valid_credit_code(42)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    report = run(
        hq_staff,
        programme,
        [
            row(
                1,
                统一社会信用代码=f" {full_width} ",
                从业人数="１２０",
                联系电话=" 138 0000 1111 ",
                企业名称="  东莞市ＡＢ电镀有限公司 ",
            )
        ],
    )
    assert report.errors == []
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == code
    assert enterprise.workers_count == 120
    assert enterprise.contact_phone == "13800001111"
    assert enterprise.name == "东莞市AB电镀有限公司"


@pytest.mark.parametrize("cell,expected", [("是", True), ("否", False), ("Y", True), ("n", False), ("Ｙ", True)])
def test_it_reads_yes_no(hq_staff, programme, cell, expected):
    assert run(hq_staff, programme, [row(1, 是否重点污染企业=cell)]).errors == []
    assert Enterprise.objects.get().is_key_polluter is expected


def test_it_reads_chinese_labels_for_choices_and_processes(hq_staff, programme):
    report = run(
        hq_staff,
        programme,
        [row(1, 行业类别="印染", 资本背景="台资", 物业性质="社区集体", 主要工艺="染色，印花/水洗、 后整理")],
    )
    assert report.errors == []
    e = Enterprise.objects.get()
    assert (e.industry, e.capital_background, e.property_owner_type) == ("dyeing", "taiwan", "community_collective")
    assert e.processes == ["dyeing", "printing", "washing", "finishing"]
    assert e.floor_area_m2 == Decimal("1500") and e.wastewater_t_per_day == Decimal("35.5")


def test_a_bad_credit_code_is_reported_with_row_column_and_reason(hq_staff, programme):
    report = run(hq_staff, programme, [row(1), row(2, 统一社会信用代码="91441900123456789X")])
    assert not report.accepted and not report.applied
    [error] = report.errors
    assert (error.row, error.column) == (3, "统一社会信用代码")
    assert "校验位错误" in error.reason
    assert Enterprise.objects.count() == 0


def test_a_file_with_one_bad_row_creates_nothing(hq_staff, programme):
    rows = [row(n) for n in range(1, 6)] + [row(6, 许可证有效期至="明年六月")]
    report = run(hq_staff, programme, rows)
    assert [(e.row, e.column) for e in report.errors] == [(7, "许可证有效期至")]
    assert "无法识别的日期" in report.errors[0].reason
    assert Enterprise.objects.count() == 0
    assert not AuditEvent.objects.filter(action="enterprise.created").exists()


def test_every_error_of_the_file_is_reported_at_once(hq_staff, programme):
    rows = [row(1, 行业类别="冶炼"), row(2, 是否重点污染企业="也许"), row(3, 从业人数="很多"), row(4, 企业名称="")]
    report = run(hq_staff, programme, rows)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "行业类别"),
        (3, "是否重点污染企业"),
        (4, "从业人数"),
        (5, "企业名称"),
    ]
    assert all(e.reason for e in report.errors)


def test_it_rejects_duplicates_inside_the_file(hq_staff, programme):
    code = valid_credit_code(7)
    report = run(hq_staff, programme, [row(1, 统一社会信用代码=code), row(2, 统一社会信用代码=code.lower())])
    [error] = report.errors
    assert error.row == 3 and "第2行" in error.reason
    assert Enterprise.objects.count() == 0


def test_it_updates_an_enterprise_with_the_same_credit_code(hq_staff, programme, make_enterprise):
    existing = make_enterprise(credit_code=valid_credit_code(501), workers_count=10)
    report = run(hq_staff, programme, [row(1, 从业人数=99)])
    assert [o.credit_code for o in report.updated] == [existing.credit_code]
    assert Enterprise.objects.count() == 1
    existing.refresh_from_db()
    assert existing.workers_count == 99 and existing.version == 2
    event = AuditEvent.objects.get(action="enterprise.updated", enterprise_id=existing.pk)
    assert event.changes["workers_count"] == [10, 99]


def test_re_importing_the_same_file_changes_nothing(hq_staff, programme):
    rows = [row(1), row(2)]
    first = run(hq_staff, programme, rows)
    assert len(first.created) == 2
    events = AuditEvent.objects.count()
    second = run(hq_staff, programme, rows)
    assert second.accepted and (len(second.created), len(second.updated), len(second.unchanged)) == (0, 0, 2)
    assert AuditEvent.objects.count() == events + 1  # only the "file imported" event
    assert list(verify_chain()) == []


def test_a_dry_run_writes_nothing(hq_staff, programme):
    report = run(hq_staff, programme, [row(1)], dry_run=True)
    assert report.accepted and len(report.created) == 1 and not report.applied
    assert Enterprise.objects.count() == 0


def test_created_enterprises_are_audited_on_their_timeline(hq_staff, programme, units):
    run(hq_staff, programme, [row(1, 地址="东莞市虎门镇B区2路1号")])
    enterprise = Enterprise.objects.get()
    assert enterprise.territorial_unit == units["humen"]
    event = AuditEvent.objects.get(action="enterprise.created", enterprise_id=enterprise.pk)
    assert event.actor == hq_staff and event.changes["name"] == [None, enterprise.name]
    assert "13800001111" not in str(event.changes)
    assert list(verify_chain()) == []


def test_extra_columns_are_ignored_with_a_warning(hq_staff, programme):
    from relocation.enterprises.ledger_columns import HEADERS

    rows = [dict(row(1), 备注栏="随便")]
    report = run(hq_staff, programme, rows, headers=[*HEADERS, "备注栏"])
    assert report.accepted and any("备注栏" in w for w in report.warnings)


def test_missing_required_columns_reject_the_file(hq_staff, programme):
    report = run(hq_staff, programme, [row(1)], headers=["企业名称", "地址"])
    assert [(e.row, e.column) for e in report.errors] == [(1, "统一社会信用代码")]


def test_an_oversized_file_is_refused_before_parsing(hq_staff, programme, monkeypatch):
    monkeypatch.setattr(ledger_import, "MAX_UPLOAD_BYTES", 1000)
    opened = []
    monkeypatch.setattr(ledger_import, "_open_rows", lambda content: opened.append(1))
    with pytest.raises(FileRefused, match="文件过大"):
        import_ledger(actor=hq_staff, programme=programme, content=workbook([row(1)]))
    assert opened == []


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_parsing(hq_staff, programme, monkeypatch):
    content = zip_bomb()
    assert len(content) < ledger_import.MAX_UPLOAD_BYTES
    opened = []
    monkeypatch.setattr(ledger_import, "_open_rows", lambda content: opened.append(1))
    with pytest.raises(FileRefused, match="压缩"):
        import_ledger(actor=hq_staff, programme=programme, content=content)
    assert opened == []


def test_a_file_that_is_not_a_workbook_is_refused(hq_staff, programme):
    with pytest.raises(FileRefused):
        import_ledger(actor=hq_staff, programme=programme, content=b"name,code\nA,B\n")


def test_only_hq_editors_import(liaison, programme):
    with pytest.raises(PermissionDeniedError):
        import_ledger(actor=liaison, programme=programme, content=workbook([row(1)]))


def test_an_exported_file_re_imports_unchanged(hq_staff, programme, make_enterprise):
    from relocation.enterprises.ledger_export import export_ledger

    make_enterprise(notes="x", processes=["zinc", "nickel"], permit_expires_on=dt.date(2023, 1, 31))
    make_enterprise(
        name='=HYPERLINK("http://x")公司', property_owner_type="private", lease_ends_on=dt.date(2022, 6, 30)
    )
    content = export_ledger(Enterprise.objects.order_by("id"))
    report = import_ledger(actor=hq_staff, programme=programme, content=content)
    assert report.accepted and len(report.unchanged) == 2, report.as_dict()
    # The masked phones of the export (138****5678) leave the stored numbers alone.
    assert all(e.contact_phone == "13812345678" for e in Enterprise.objects.all())


def test_the_template_has_exactly_the_headers(client, hq_staff):
    from openpyxl import load_workbook

    client.force_login(hq_staff)
    response = client.get("/enterprises/import/template/")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "企业名称", "统一社会信用代码", "法定代表人", "联系人", "联系电话", "地址", "行业类别", "主要工艺", "资本背景",
        "是否重点污染企业", "从业人数", "厂房面积(平方米)", "废水排放量(吨/日)", "排污许可证编号", "许可证有效期至",
        "物业性质", "租约到期日", "经度", "纬度", "属地", "批次",
    ]  # fmt: skip


@pytest.fixture
def analyzed(monkeypatch):
    """The tables whose planner statistics the import refreshed, per call."""
    from relocation.core import planner_statistics

    calls = []
    monkeypatch.setattr(planner_statistics, "refresh_statistics", lambda *models: calls.append(models))
    monkeypatch.setattr(ledger_import, "STATISTICS_REFRESH_ROWS", 3)
    return calls


def test_a_large_import_refreshes_the_planner_statistics_after_the_commit(
    hq_staff, programme, analyzed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run(hq_staff, programme, [row(i) for i in range(1, 4)])
    assert analyzed == []  # not inside the import's transaction
    for callback in callbacks:
        callback()
    assert analyzed == [(Enterprise,)]


def test_a_small_import_or_a_dry_run_leaves_the_statistics_alone(
    hq_staff, programme, analyzed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(hq_staff, programme, [row(i) for i in range(1, 3)])
        run(hq_staff, programme, [row(i) for i in range(3, 7)], dry_run=True)
    assert analyzed == []


def test_the_statistics_are_refreshed_for_real_on_postgresql(hq_staff, programme, monkeypatch):
    """ANALYZE runs against the real table (a no-op on SQLite)."""
    from django.db import connection

    monkeypatch.setattr(ledger_import, "STATISTICS_REFRESH_ROWS", 2)
    run(hq_staff, programme, [row(i) for i in range(1, 3)])
    ledger_import._refresh_statistics()  # what the commit would call; inside the test's transaction: ANALYZE
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Enterprise._meta.db_table])
            assert cursor.fetchone()[0] == 2


def test_the_row_cap_counts_refused_rows_too(hq_staff, programme, monkeypatch):
    """A file of bad rows only (no credit code) was read to the end whatever its length."""
    monkeypatch.setattr(ledger_import, "MAX_ROWS", 5)
    monkeypatch.setattr(ledger_import, "MAX_ERRORS", 100)
    bad = [row(n, **{"统一社会信用代码": ""}) for n in range(8)]
    with pytest.raises(FileRefused, match="上限 5 行"):
        run(hq_staff, programme, bad)


def test_the_error_report_stops_at_its_cap_and_says_so(hq_staff, programme, monkeypatch):
    monkeypatch.setattr(ledger_import, "MAX_ERRORS", 3)
    report = run(hq_staff, programme, [row(n, **{"统一社会信用代码": ""}) for n in range(10)])
    assert len(report.errors) == 4 and "已停止检查" in report.errors[-1].reason
    assert not report.applied and Enterprise.objects.count() == 0
