"""Monthly supervision (每月督办: a checklist of every open task for HQ to
review) and quarterly special inspections (专题督查) with findings that
become rectification tasks and a report to the coordination group."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, documents
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.official_layout import official_date
from relocation.core.roles import Role, is_hq_editor
from relocation.organisation.models import Programme, Unit
from relocation.organisation.selectors import people_in_roles
from relocation.supervision.models import (
    Inspection,
    InspectionFinding,
    MonthlyReview,
    MonthlyReviewItem,
    Task,
    TaskSource,
)
from relocation.supervision.services import settings_for, task_create
from relocation.supervision.transitions import OPEN_STATUSES

REPORT_TEMPLATE = Path(__file__).resolve().parent / "docx" / "inspection_report.docx"


def _require_hq_editor(actor: Any) -> None:
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部工作人员可以执行此操作。"))


def review_generate(*, actor: Any, programme: Programme, month: dt.date) -> MonthlyReview:
    """Create the month's checklist with every task open at the time. Running it
    again adds tasks opened since, and never duplicates an item."""
    _require_hq_editor(actor)
    month = month.replace(day=1)
    with transaction.atomic():
        try:
            with transaction.atomic():
                review, created = MonthlyReview.objects.get_or_create(programme=programme, month=month)
        except IntegrityError:
            review, created = MonthlyReview.objects.get(programme=programme, month=month), False
        have = set(review.items.values_list("task_id", flat=True))
        open_ids = Task.objects.filter(programme=programme, status__in=OPEN_STATUSES).values_list("pk", flat=True)
        new = [MonthlyReviewItem(review=review, task_id=pk) for pk in open_ids if pk not in have]
        MonthlyReviewItem.objects.bulk_create(new, ignore_conflicts=True)
        if created or new:
            audit.record(
                actor=actor,
                action="supervision.review_generated",
                obj=review,
                summary=_("生成 %(m)s 月度督办清单（新增 %(n)d 项）") % {"m": month.strftime("%Y-%m"), "n": len(new)},
            )
        if created:
            notify(
                recipients=people_in_roles(programme, Role.HQ_STAFF, Role.HQ_COMMANDER),
                verb="supervision.review",
                title=_("%(m)s 月度督办清单已生成，共 %(n)d 项") % {"m": month.strftime("%Y-%m"), "n": len(new)},
                url=f"/supervision/reviews/{review.pk}/",
                dedupe_key=f"supervision.review:{review.pk}",
            )
    return review


def review_item_mark(*, actor: Any, item: MonthlyReviewItem, reviewed: bool, comment: str) -> MonthlyReviewItem:
    _require_hq_editor(actor)
    if actor is None:
        raise PermissionDeniedError(_("只有指挥部工作人员可以执行此操作。"))
    with transaction.atomic():
        item = MonthlyReviewItem.objects.select_for_update().get(pk=item.pk)
        before = {"reviewed": item.reviewed, "comment": item.comment}
        item.reviewed, item.comment = reviewed, comment
        item.reviewed_by, item.reviewed_at = actor, timezone.now()
        item.save(update_fields=["reviewed", "comment", "reviewed_by", "reviewed_at", "updated_at"])
        audit.record(
            actor=actor,
            action="supervision.review_item",
            obj=item.task,
            summary=_("月度督办审核：%(title)s") % {"title": item.task.title},
            changes=audit.diff(before, {"reviewed": reviewed, "comment": comment}),
        )
    return item


def inspection_create(
    *, actor: Any, programme: Programme, title: str, year: int, quarter: int, scope: str = ""
) -> Inspection:
    _require_hq_editor(actor)
    if not title.strip():
        raise ServiceError(_("请填写督查主题。"))
    if quarter not in (1, 2, 3, 4):
        raise ServiceError(_("季度必须是 1 至 4。"))
    with transaction.atomic():
        inspection = Inspection.objects.create(
            programme=programme, title=title.strip(), year=year, quarter=quarter, scope=scope, created_by=actor
        )
        audit.record(
            actor=actor,
            action="supervision.inspection_created",
            obj=inspection,
            summary=_("开展专题督查：%(t)s") % {"t": inspection.title},
        )
    return inspection


def finding_add(
    *,
    actor: Any,
    inspection: Inspection,
    unit: Unit,
    description: str,
    rectification: str,
    deadline: dt.date | None,
) -> InspectionFinding:
    """Record a finding; with a deadline its rectification becomes a task for the unit."""
    _require_hq_editor(actor)
    if inspection.status != Inspection.Status.OPEN:
        raise ServiceError(_("督查已报告，不能再添加发现问题。"))
    if not description.strip():
        raise ServiceError(_("请填写发现问题。"))
    with transaction.atomic():
        finding = InspectionFinding.objects.create(
            inspection=inspection, unit=unit, description=description.strip(), rectification=rectification.strip()
        )
        if deadline is not None:
            finding.task = task_create(
                actor=actor,
                title=_("整改：%(d)s") % {"d": description.strip()[:120]},
                description=rectification,
                lead_unit=unit,
                deadline=deadline,
                source=TaskSource.SUPERVISION,
                subject=finding,
                dedupe_key=f"inspection.finding:{finding.pk}",
            )
            finding.save(update_fields=["task", "updated_at"])
        audit.record(
            actor=actor,
            action="supervision.finding_added",
            obj=inspection,
            summary=_("专题督查发现问题（%(unit)s）：%(d)s") % {"unit": unit, "d": description.strip()[:100]},
        )
    return finding


def inspection_report(*, actor: Any, inspection: Inspection, today: dt.date | None = None) -> Inspection:
    """Issue the inspection's report to the coordination group (a numbered Word document)."""
    _require_hq_editor(actor)
    from relocation.supervision.scorecards import task_stats

    today = today or timezone.localdate()
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.status != Inspection.Status.OPEN:
            raise ServiceError(_("该专题督查已报告。"))
        conf = settings_for(inspection.programme)
        _serial, number = documents.next_document_number(conf.notice_prefix + "报", today.year)
        q_start = dt.date(inspection.year, 3 * inspection.quarter - 2, 1)
        stats = task_stats(inspection.programme, q_start, today)
        findings = inspection.findings.select_related("unit", "task")
        context = {
            "issuer": conf.notice_issuer,
            "number": number,
            "title": inspection.title,
            "year": inspection.year,
            "quarter": inspection.quarter,
            "scope": inspection.scope or _("全体成员单位"),
            "findings": [
                {
                    "unit": f.unit.name,
                    "description": f.description,
                    "rectification": f.rectification or "—",
                    "task": (_("整改时限 %(d)s") % {"d": f.task.deadline.isoformat()}) if f.task else _("无整改任务"),
                }
                for f in findings
            ],
            "stats": {
                "total": stats["total"],
                "rate": f"{stats['on_time_rate'] * 100:.1f}%" if stats["on_time_rate"] is not None else "—",
                "overdue": len(stats["overdue"]),
            },
            "issued_on": official_date(today),
        }
        inspection.report = documents.render_docx("inspection_report", REPORT_TEMPLATE, context)
        inspection.report_number = number
        inspection.status = Inspection.Status.REPORTED
        inspection.reported_at = timezone.now()
        inspection.save(update_fields=["report", "report_number", "status", "reported_at", "updated_at"])
        audit.record(
            actor=actor,
            action="supervision.inspection_reported",
            obj=inspection,
            summary=_("专题督查报告 %(n)s 报协调小组") % {"n": number},
        )
        notify(
            recipients=people_in_roles(inspection.programme_id, Role.GROUP_LEADER),
            verb="supervision.inspection_report",
            title=_("专题督查报告：%(t)s") % {"t": inspection.title},
            url=f"/supervision/inspections/{inspection.pk}/",
            dedupe_key=f"supervision.inspection_report:{inspection.pk}",
        )
    return inspection
