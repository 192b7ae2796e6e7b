"""Importing a ledger workbook (.xlsx): check everything, then write all or nothing.

1. The file is refused before any parser touches it if it is too big, is not a
   zip, or declares uncompressed sizes or a compression ratio typical of a zip
   bomb (`check_file_safety`).
2. Every row is read (ledger_columns) and passed through
   `services.enterprise_prepare`, the same rule book as the web form and the
   API. Rows are matched to the ledger by credit code: an existing enterprise
   is updated (or reported unchanged), never duplicated. Duplicates inside the
   file are errors.
3. If any row has an error, nothing is written and the report names each
   row, column and reason. Otherwise all creates and updates are written in
   one transaction, in bulk, with one audit event per enterprise (hash-chained
   like every other event) and one for the import itself.
4. After the commit of a large import the planner statistics of the ledger
   are refreshed (ANALYZE): autovacuum is off on the production clusters, and
   a planner that still thinks the table is small picks slow plans for the
   ledger list (see core.planner_statistics).

The report (ledger_import_report), reading rows into values
(ledger_import_values) and the bulk audit events (ledger_import_events) live
beside this module; the file checks, the row validation and the write stay
here.
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, credit_code, planner_statistics
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.enterprises import services
from relocation.enterprises.ledger_columns import (
    BY_FIELD,
    CellError,
    Column,
    is_blank,
)
from relocation.enterprises.ledger_import_events import _assign_batches, _current_batch_id, _record_events
from relocation.enterprises.ledger_import_report import ImportReport, RowError, RowOutcome
from relocation.enterprises.ledger_import_values import ProgrammeValues, _column_for, _map_headers, _TownGuesser
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme

logger = logging.getLogger(__name__)


MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Limits on what the zip container *declares*; zipfile also refuses to inflate
# a member beyond its declared size, so these bound the work openpyxl can do.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_RATIO = 100
MAX_MEMBERS = 500
MAX_ROWS = 50_000
# A report of more errors than anyone reads is only load: past this many the check stops and says so.
MAX_ERRORS = 1_000


class FileRefused(ServiceError):
    """The whole file is refused before reading its rows."""

    code = "file_refused"


def check_upload_size(size: int) -> None:
    """Refuse an oversized file from its declared size, before reading it."""
    if size > MAX_UPLOAD_BYTES:
        raise FileRefused(
            _("文件过大（%(size).1f MB），上限为 %(limit)d MB。")
            % {"size": size / 1048576, "limit": MAX_UPLOAD_BYTES // 1048576}
        )


def check_file_safety(content: bytes) -> None:
    """Refuse oversized files and zip bombs using only the zip directory."""
    check_upload_size(len(content))
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise FileRefused(_("文件不是有效的 Excel 工作簿（.xlsx）。"))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise FileRefused(_("工作簿结构异常（包含的部件过多），已拒绝。"))
        total = 0
        for info in members:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > MAX_MEMBER_RATIO:
                raise FileRefused(_("工作簿压缩比异常（疑似压缩炸弹），已拒绝。"))
        if total > MAX_UNCOMPRESSED_BYTES:
            raise FileRefused(_("工作簿解压后过大（疑似压缩炸弹），已拒绝。"))
        if "xl/workbook.xml" not in archive.namelist():
            raise FileRefused(_("文件不是有效的 Excel 工作簿（.xlsx）。"))


def _open_rows(content: bytes) -> Any:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — any parser failure means "not a workbook we can read"
        raise FileRefused(_("无法读取工作簿：%(error)s") % {"error": exc.__class__.__name__})
    sheet = workbook["企业台账"] if "企业台账" in workbook.sheetnames else workbook.worksheets[0]
    return workbook, sheet.iter_rows(values_only=True)


def _validate(
    *, programme: Programme, rows: Any, mapping: dict[int, Column], report: ImportReport, lock: bool
) -> tuple[list[tuple[int, Enterprise, dict[str, Any]]], list[tuple[int, Enterprise, dict[str, Any]]]]:
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    known = ProgrammeValues(programme)
    for counted, (row_number, values) in enumerate(rows, start=1):
        # Every non-blank row counts, the refused ones too: a million bad rows must not keep a request busy.
        if counted > MAX_ROWS:
            raise FileRefused(_("文件行数超过上限 %(limit)d 行。") % {"limit": MAX_ROWS})
        if len(report.errors) >= MAX_ERRORS:
            report.errors.append(
                RowError(row_number, "", _("错误超过 %(n)d 条，已停止检查；请先改正以上错误。") % {"n": MAX_ERRORS})
            )
            break
        data: dict[str, Any] = {}
        row_ok = True
        for index, column in mapping.items():
            raw = values[index] if index < len(values) else None
            if is_blank(raw):
                continue
            try:
                value = column.read(raw)
                if column.field == "territorial_unit":
                    value = known.town(value)
                elif column.field == "batch":
                    value = known.batch(value)
            except CellError as exc:
                report.errors.append(RowError(row_number, column.header, str(exc)))
                row_ok = False
                continue
            if column.field == "contact_phone" and "*" in value:
                continue  # a masked phone from our own export: keep what the ledger holds
            data[column.field] = value
        code = credit_code.normalise(str(data.get("credit_code", "")))
        if not code:
            report.errors.append(RowError(row_number, _column_for("credit_code"), _("统一社会信用代码不能为空")))
            continue
        if code in seen:
            report.errors.append(
                RowError(row_number, _column_for("credit_code"), _("与第%(row)s行的信用代码重复") % {"row": seen[code]})
            )
            continue
        seen[code] = row_number
        data["credit_code"] = code
        if row_ok:
            parsed.append((row_number, data))

    existing_qs = Enterprise.objects.filter(programme=programme, credit_code__in=list(seen))
    if lock:
        existing_qs = existing_qs.select_for_update(of=("self",))
    existing = {e.credit_code: e for e in existing_qs.select_related("relocation_plan")}
    guess_town = _TownGuesser(programme)
    creates: list[tuple[int, Enterprise, dict[str, Any]]] = []
    updates: list[tuple[int, Enterprise, dict[str, Any]]] = []
    for row_number, data in parsed:
        current = existing.get(data["credit_code"])
        batch = data.pop("batch", None)
        try:
            if current is None:
                if "name" not in data:
                    raise ServiceError(_("企业名称不能为空。"), code="name")
                enterprise, changes = services.enterprise_prepare(programme=programme, data=data)
                if enterprise.territorial_unit is None:
                    enterprise.territorial_unit = guess_town(enterprise.address)
                creates.append((row_number, enterprise, changes))
                if batch is not None:
                    report.batch_moves.append((enterprise, batch))
            else:
                enterprise, changes = services.enterprise_prepare(programme=programme, data=data, instance=current)
                moves = batch is not None and _current_batch_id(current) != batch.pk
                if moves:
                    report.batch_moves.append((enterprise, batch))
                if changes:
                    updates.append((row_number, enterprise, changes))
                elif moves:
                    label = str(BY_FIELD["batch"].header)
                    report.updated.append(
                        RowOutcome(row_number, enterprise.name, enterprise.credit_code, ["batch"], [label])
                    )
                else:
                    report.unchanged.append(RowOutcome(row_number, enterprise.name, enterprise.credit_code))
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                for message in messages:
                    report.errors.append(RowError(row_number, _column_for(field_name), message))
        except ServiceError as exc:
            report.errors.append(RowError(row_number, _column_for(exc.code), exc.message.rstrip("。")))
    for row_number, enterprise, _changes in creates:
        report.created.append(RowOutcome(row_number, enterprise.name, enterprise.credit_code))
    for row_number, enterprise, changes in updates:
        labels = [str(Enterprise._meta.get_field(f).verbose_name) for f in sorted(changes)]
        report.updated.append(RowOutcome(row_number, enterprise.name, enterprise.credit_code, sorted(changes), labels))
    report.errors.sort(key=lambda e: e.row)
    return creates, updates


def _write(
    *,
    actor: Any,
    creates: list[tuple[int, Enterprise, dict[str, Any]]],
    updates: list[tuple[int, Enterprise, dict[str, Any]]],
    report: ImportReport,
    file_name: str,
) -> None:
    now = timezone.now()
    new = [enterprise for _row, enterprise, _changes in creates]
    Enterprise.objects.bulk_create(new, batch_size=500)
    changed_fields: set[str] = set()
    for _row, enterprise, changes in updates:
        enterprise.version += 1
        enterprise.updated_at = now
        changed_fields.update(changes)
    if updates:
        Enterprise.objects.bulk_update(
            [e for _r, e, _c in updates],
            sorted(changed_fields | {"search_text", "version", "updated_at"}),
            batch_size=200,
        )
    events = [
        {
            "action": "enterprise.created",
            "object_type": "enterprises.enterprise",
            "object_id": str(e.pk),
            "object_repr": e.name[:255],
            "enterprise_id": e.pk,
            "summary": (_("导入新增企业：%(name)s") % {"name": e.name})[:500],
            "changes": changes,
        }
        for _row, e, changes in creates
    ] + [
        {
            "action": "enterprise.updated",
            "object_type": "enterprises.enterprise",
            "object_id": str(e.pk),
            "object_repr": e.name[:255],
            "enterprise_id": e.pk,
            "summary": (_("导入%(summary)s") % {"summary": services.update_summary(changes)})[:500],
            "changes": changes,
        }
        for _row, e, changes in updates
    ]
    events.append(
        {
            "action": "enterprise.ledger_imported",
            "object_type": "enterprises.ledgerimport",
            "object_id": report.sha256[:64],
            "object_repr": file_name[:255],
            "enterprise_id": None,
            "summary": (
                _("导入台账“%(file)s”：新增%(c)d家，更新%(u)d家，未变%(n)d家")
                % {"file": file_name, "c": len(creates), "u": len(updates), "n": len(report.unchanged)}
            )[:500],
            "changes": {"sha256": [None, report.sha256]},
        }
    )
    _record_events(actor, events)
    if len(creates) + len(updates) >= STATISTICS_REFRESH_ROWS:
        transaction.on_commit(_refresh_statistics)


# Rows written by one import from which the planner statistics are refreshed
# after the commit: about a tenth of a city-size ledger, the point where the
# old statistics start to mislead the planner. Smaller imports leave it alone.
STATISTICS_REFRESH_ROWS = 1000


def _refresh_statistics() -> None:
    """After the commit (outside the transaction, so VACUUM may run too). The
    import is already stored: a failure here is logged, never reported as a
    failed import."""
    try:
        planner_statistics.refresh_statistics(Enterprise)
    except DatabaseError:
        logger.warning("ledger import: refreshing the planner statistics failed", exc_info=True)


def import_ledger(
    *, actor: Any, programme: Programme, content: bytes, file_name: str = "", dry_run: bool = False
) -> ImportReport:
    """Check a ledger workbook and, unless `dry_run`, apply it all or nothing.

    Raises FileRefused for a file that cannot be read at all (size, zip bomb,
    not a workbook); row-level problems are returned in the report and, when
    present, nothing is written. HQ editors only (actor=None: command line)."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以导入台账。"))
    check_file_safety(content)
    report = ImportReport(dry_run=dry_run, sha256=hashlib.sha256(content).hexdigest())
    workbook, rows = _open_rows(content)
    # Tens of thousands of short-lived objects without reference cycles: the
    # cyclic garbage collector would rescan them again and again (superlinear).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        header = next(rows, None)
        if header is None:
            raise FileRefused(_("工作簿是空的。"))
        mapping = _map_headers(header, report)
        if report.errors:
            return report
        numbered = (
            (number, values)
            for number, values in enumerate(rows, start=2)
            if values and not all(is_blank(v) for v in values)
        )
        if dry_run:
            _validate(programme=programme, rows=numbered, mapping=mapping, report=report, lock=False)
            return report
        with transaction.atomic():
            creates, updates = _validate(programme=programme, rows=numbered, mapping=mapping, report=report, lock=True)
            if report.errors:
                return report
            _write(actor=actor, creates=creates, updates=updates, report=report, file_name=file_name)
            _assign_batches(actor, report.batch_moves)
            report.applied = True
    finally:
        workbook.close()
        if gc_was_enabled:
            gc.enable()
    return report


UPLOAD_PURPOSE = "ledger_import"


def ledger_import_upload(*, actor: Any, programme: Programme, uploaded_file: Any) -> tuple[Any, ImportReport]:
    """Keep an uploaded workbook (core.uploads: type, size, SHA-256) and preview
    it (dry run). The size is checked before the file is read into memory and
    the zip checks run before it is stored. Returns the LedgerImport and its report."""
    from django.core.files.base import ContentFile

    from relocation.core.uploads import store_upload
    from relocation.enterprises.models import LedgerImport

    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以导入台账。"))
    check_upload_size(uploaded_file.size)
    content = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    check_file_safety(content)
    name = str(getattr(uploaded_file, "name", "") or "ledger.xlsx")[:255]
    report = import_ledger(actor=actor, programme=programme, content=content, file_name=name, dry_run=True)
    with transaction.atomic():
        stored = store_upload(
            actor=actor,
            uploaded_file=ContentFile(content, name=name),
            kinds={"xlsx"},
            max_bytes=MAX_UPLOAD_BYTES,
            purpose=UPLOAD_PURPOSE,
        )
        record = LedgerImport.objects.create(
            programme=programme,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            file_name=name,
            stored_file=stored,
            status=LedgerImport.Status.PREVIEWED,
            report=report.as_dict(),
        )
        audit.record(
            actor=actor,
            action="enterprise.ledger_import_previewed",
            obj=record,
            summary=_("预览台账导入“%(file)s”：%(n)d处错误") % {"file": name, "n": len(report.errors)},
            changes={"sha256": [None, report.sha256]},
        )
    return record, report


def ledger_import_direct(*, actor: Any, programme: Programme, uploaded_file: Any) -> ImportReport:
    """Keep the uploaded workbook (core.uploads) and apply it at once, all or
    nothing, without a separate preview step (the API with dry_run=false)."""
    from django.core.files.base import ContentFile

    from relocation.core.uploads import store_upload
    from relocation.enterprises.models import LedgerImport

    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以导入台账。"))
    check_upload_size(uploaded_file.size)
    content = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    check_file_safety(content)
    name = str(getattr(uploaded_file, "name", "") or "ledger.xlsx")[:255]
    with transaction.atomic():
        report = import_ledger(actor=actor, programme=programme, content=content, file_name=name)
        stored = store_upload(
            actor=actor,
            uploaded_file=ContentFile(content, name=name),
            kinds={"xlsx"},
            max_bytes=MAX_UPLOAD_BYTES,
            purpose=UPLOAD_PURPOSE,
        )
        LedgerImport.objects.create(
            programme=programme,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            file_name=name,
            stored_file=stored,
            status=LedgerImport.Status.APPLIED if report.applied else LedgerImport.Status.REJECTED,
            report=report.as_dict(),
            applied_at=timezone.now() if report.applied else None,
        )
    return report


def ledger_import_confirm(*, actor: Any, record: Any) -> ImportReport:
    """Apply a previewed workbook: the rows are checked again against the
    ledger as it is now, and written all or nothing."""
    from relocation.enterprises.models import LedgerImport

    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以导入台账。"))
    if record.status != LedgerImport.Status.PREVIEWED:
        raise ServiceError(_("该文件已经处理过，请重新上传。"))
    with transaction.atomic():
        claimed = LedgerImport.objects.filter(pk=record.pk, status=LedgerImport.Status.PREVIEWED).update(
            status=LedgerImport.Status.APPLIED, applied_at=timezone.now()
        )
        if claimed != 1:
            raise ServiceError(_("该文件已经处理过，请重新上传。"))
        from relocation.core.uploads import open_verified

        report = import_ledger(
            actor=actor,
            programme=record.programme,
            content=open_verified(record.stored_file),
            file_name=record.file_name,
        )
        if not report.applied:
            # Something changed since the preview: nothing was written; keep the new report.
            LedgerImport.objects.filter(pk=record.pk).update(
                status=LedgerImport.Status.REJECTED, report=report.as_dict(), applied_at=None
            )
        else:
            LedgerImport.objects.filter(pk=record.pk).update(report=report.as_dict())
    return report
