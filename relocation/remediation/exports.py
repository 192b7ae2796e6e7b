"""Columns of the 污染地块 export, in the page's order; the counts come from
the list's own annotations (selectors.site_list)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from relocation.core.spreadsheets import Col

SITE_COLUMNS = [
    Col(_("地块编号"), lambda s: s.code, 14),
    Col(_("地块"), lambda s: s.name, 30),
    Col(_("腾退企业"), lambda s: s.enterprise.name if s.enterprise_id else "", 32),
    Col(_("属地单位"), lambda s: str(s.territorial_unit) if s.territorial_unit_id else "", 20),
    Col(_("阶段"), lambda s: s.get_stage_display()),
    Col(_("检测结果"), lambda s: s.result_count, 10),
    Col(_("修复节点"), lambda s: s.milestone_count, 10),
    Col(_("逾期节点"), lambda s: s.late_milestones, 10),
]
