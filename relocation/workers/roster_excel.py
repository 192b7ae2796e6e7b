"""The roster as a workbook: export (personal data masked) and import (all or
nothing, with a row-by-row error report).

The import follows the ledger import (enterprises.ledger_import): the file is
checked for size and zip bombs before it is parsed, every row goes through
`services.worker_prepare` — the same rule book as the form and the API — and
only a file without any error is written, in one transaction, with one audit
event per worker and one for the file. A person is matched by ID number (blind
index): a row for someone already on the roster updates them; the same ID
number twice in the file is an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.core import audit, crypto, masking
from relocation.core.errors import ServiceError
from relocation.core.spreadsheets import workbook_bytes
from relocation.enterprises.ledger_import import FileRefused, check_file_safety
from relocation.enterprises.models import Enterprise
from relocation.workers import selectors, services
from relocation.workers.models import Worker

MAX_ROWS = 5000
# (field, header) in the order of the template and the export.
COLUMNS = [
    ("name", gettext_lazy("姓名")),
    ("id_number", gettext_lazy("身份证号")),
    ("phone", gettext_lazy("手机号码")),
    ("bank_account", gettext_lazy("工资卡账号")),
    ("job", gettext_lazy("岗位")),
    ("hired_on", gettext_lazy("入职日期")),
    ("monthly_wage", gettext_lazy("月工资(元)")),
]
EXPORT_EXTRA = [gettext_lazy("状态"), gettext_lazy("安置去向"), gettext_lazy("新就业单位")]


def _headers() -> list[str]:
    return [str(h) for _f, h in COLUMNS]


def export_roster(workers: Any) -> bytes:
    """The roster with ID numbers, phones and bank accounts masked."""
    rows = (
        [
            w.name,
            masking.mask_id_number(w.id_number),
            masking.mask_phone(w.phone),
            masking.mask_bank_account(w.bank_account),
            w.job,
            w.hired_on,
            w.monthly_wage,
            w.get_status_display(),
            w.get_placement_outcome_display(),
            w.placement_employer,
        ]
        for w in workers
    )
    return workbook_bytes(title=str(_("工人花名册")), headers=_headers() + [str(h) for h in EXPORT_EXTRA], rows=rows)


def template() -> bytes:
    return workbook_bytes(title=str(_("工人花名册")), headers=_headers(), rows=[])


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def accepted(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "accepted": self.accepted}


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # ID numbers and accounts typed as numbers
    return str(value).strip()


def _read_row(values: tuple[Any, ...], mapping: dict[int, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    data: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for index, field_name in mapping.items():
        raw = values[index] if index < len(values) else None
        if field_name == "hired_on":
            if raw in (None, ""):
                data[field_name] = None
            elif isinstance(raw, dt.datetime):
                data[field_name] = raw.date()
            elif isinstance(raw, dt.date):
                data[field_name] = raw
            else:
                try:
                    data[field_name] = dt.date.fromisoformat(_cell_text(raw).replace("/", "-"))
                except ValueError:
                    problems.append((field_name, _("日期格式应为 YYYY-MM-DD")))
        elif field_name == "monthly_wage":
            data[field_name] = Decimal(str(raw)) if isinstance(raw, (int, float, Decimal)) else _cell_text(raw)
        else:
            text = _cell_text(raw)
            if field_name in {"phone", "bank_account"} and "*" in text:
                continue  # a masked value from our own export: keep what the roster holds
            data[field_name] = text
    return data, problems


def import_roster(*, actor: Any, enterprise: Enterprise, content: bytes, file_name: str = "") -> ImportReport:
    """Check the workbook and apply it all or nothing; the report names each
    row, column and reason. Raises FileRefused for an unreadable file."""
    from openpyxl import load_workbook

    if actor is not None and not selectors.can_edit_roster(actor, enterprise):
        from relocation.core.errors import PermissionDeniedError

        raise PermissionDeniedError(_("只有指挥部、人社部门或属地单位可以维护工人花名册。"))
    check_file_safety(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — any parser failure means "not a workbook we can read"
        raise FileRefused(_("无法读取工作簿：%(error)s") % {"error": exc.__class__.__name__}) from exc
    report = ImportReport()
    labels = {f: str(h) for f, h in COLUMNS}
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None) or ()
        by_header = {str(h): f for f, h in COLUMNS}
        mapping = {i: by_header[_cell_text(h)] for i, h in enumerate(header) if _cell_text(h) in by_header}
        for required in ("name", "id_number"):
            if required not in mapping.values():
                report.errors.append(RowError(1, labels[required], _("缺少必需的列")))
        if report.errors:
            return report
        with transaction.atomic():
            existing = {w.id_number_index: w for w in Worker.objects.select_for_update().filter(enterprise=enterprise)}
            seen: dict[str, int] = {}
            pending: list[tuple[Worker, bool, dict[str, Any]]] = []
            for number, values in enumerate(rows, start=2):
                if not values or all(_cell_text(v) == "" for v in values):
                    continue
                if number > MAX_ROWS + 1:
                    raise FileRefused(_("文件行数超过上限 %(limit)d 行。") % {"limit": MAX_ROWS})
                data, problems = _read_row(values, mapping)
                for field_name, reason in problems:
                    report.errors.append(RowError(number, labels[field_name], reason))
                if problems:
                    continue
                key = crypto.blind_index(str(data.get("id_number", "")).upper())
                if key in seen:
                    report.errors.append(
                        RowError(number, labels["id_number"], _("与第%(row)s行的身份证号重复") % {"row": seen[key]})
                    )
                    continue
                seen[key] = number
                current = existing.get(key)
                try:
                    before = audit.snapshot(current, services.WORKER_FIELDS) if current else {}
                    worker = services.worker_prepare(enterprise=enterprise, data=data, instance=current)
                except ServiceError as exc:
                    report.errors.append(RowError(number, labels.get(exc.code, _("整行")), exc.message.rstrip("。")))
                    continue
                changes = audit.diff(before, audit.snapshot(worker, services.WORKER_FIELDS))
                pending.append((worker, current is None, changes))
            if report.errors:
                transaction.set_rollback(True)
                return report
            for worker, is_new, changes in pending:
                if is_new:
                    worker.save()
                    report.created += 1
                elif changes:
                    worker.version += 1
                    worker.save(update_fields=[*services.WORKER_FIELDS, "id_number_index", "version", "updated_at"])
                    report.updated += 1
                else:
                    report.unchanged += 1
                    continue
                audit.record(
                    actor=actor,
                    action="worker.created" if is_new else "worker.updated",
                    obj=worker,
                    enterprise_id=enterprise.pk,
                    summary=(_("导入工人：%(name)s") if is_new else _("导入更新工人：%(name)s"))
                    % {"name": worker.name},
                    changes=changes,
                )
            audit.record(
                actor=actor,
                action="worker.roster_imported",
                obj=enterprise,
                enterprise_id=enterprise.pk,
                summary=_("导入工人花名册“%(file)s”：新增%(c)d人，更新%(u)d人，未变%(n)d人")
                % {"file": file_name, "c": report.created, "u": report.updated, "n": report.unchanged},
                changes={"sha256": [None, hashlib.sha256(content).hexdigest()]},
            )
            report.applied = True
    finally:
        workbook.close()
    return report
