"""Columns of core's own list exports (the audit log), in the page's order."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from relocation.core import audit
from relocation.core.spreadsheets import Col

AUDIT_COLUMNS = [
    Col(_("序号"), lambda e: e.seq, 8),
    Col(_("时间"), lambda e: e.created_at, 18),
    Col(_("操作人"), lambda e: e.actor_name),
    Col(_("IP 地址"), lambda e: e.ip or "", 16),
    Col(_("操作"), lambda e: e.action, 24),
    Col(_("对象类型"), lambda e: e.object_type, 24),
    Col(_("对象编号"), lambda e: e.object_id),
    Col(_("对象"), lambda e: e.object_repr, 30),
    Col(_("相关企业"), lambda e: e.enterprise_id or ""),
    Col(_("摘要"), lambda e: e.summary, 40),
    Col(_("字段变更"), lambda e: audit._canonical(e.changes) if e.changes else "", 40),
]
