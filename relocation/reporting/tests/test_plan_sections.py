"""The bulletin's sections for the rest of the plan's work: the public
channel, contaminated sites, detector and toxic-chemical alerts, each read
from its app's own figures; compiling costs the same queries however much
work there is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relocation.dashboard.tests.scene_work import add_work
from relocation.reporting import compilation, services

pytestmark = pytest.mark.django_db


def _compile(hq_staff, programme):
    today = timezone.localdate()
    return services.bulletin_compile(actor=hq_staff, programme=programme, year=today.year, month=today.month)


def test_the_bulletin_reports_the_public_channel_sites_and_alerts(programme, units, hq_staff, make_enterprise):
    from relocation.remediation.models import Site, StageChange

    enterprise = make_enterprise()
    add_work(programme, units, enterprise)
    site = Site.objects.get(enterprise=enterprise)
    StageChange.objects.create(
        site=site, from_stage="initial", to_stage="detailed", moved_on=timezone.localdate(), reason="超筛选值"
    )
    bulletin = _compile(hq_staff, programme)
    figures = bulletin.figures
    assert figures["public"]["received"] == 1 and figures["public"]["overdue"] == 1
    assert {"label": "举报污染", "count": 1} in figures["public"]["by_kind"]
    detailed = next(i for i in figures["sites"]["by_stage"] if i["key"] == "detailed")
    assert detailed["count"] == 1 and detailed["reached_in_month"] == 1
    stopped = next(k for k in figures["alerts"]["kinds"] if k["kind"] == "stopped_consuming")
    assert stopped["raised"] == 1 and stopped["open"] == 1 and figures["alerts"]["toxic_open"] == 1

    sections = {s.key: s for s in bulletin.sections.all()}
    assert sections["public"].heading.startswith("七、")
    assert "受理公众和企业诉求1件（举报污染1件）" in sections["public"].text
    assert "超过办理时限1件" in sections["public"].text
    assert sections["sites"].heading.startswith("八、") and "详细调查1块" in sections["sites"].text
    assert "进入详细调查1块" in sections["sites"].text
    assert sections["alerts"].heading.startswith("九、") and "停产仍用水用电1条" in sections["alerts"].text
    assert "剧毒化学品账实不符1条" in sections["alerts"].text
    annexed = {key for key, _title, _rows in compilation.annex_tables(figures)}
    assert {"public", "sites", "alerts", "social"} <= annexed
    assert "sites" in compilation.charts(figures)


def test_severance_and_social_insurance_arrears_are_in_the_workers_figures(programme, units, hq_staff, make_enterprise):
    bulletin = _compile(hq_staff, programme)
    kinds = {k["kind"] for k in bulletin.figures["social"]["workers"]["kinds"]}
    assert {"severance", "social_insurance", "wage_arrears"} <= kinds


def test_a_bulletin_compiled_before_these_sections_still_renders(programme, hq_staff):
    # Figures stored by an earlier version have no "public", "sites" or "alerts".
    assert "尚未办结" not in compilation.default_text("public", {})
    assert compilation.default_text("sites", {}).startswith("（")
    assert compilation.annex_tables({"period": {}}) == []


def test_compiling_costs_the_same_queries_however_much_work(programme, units, hq_staff, make_enterprise):
    add_work(programme, units, make_enterprise())
    _compile(hq_staff, programme)
    with CaptureQueriesContext(connection) as small:
        _compile(hq_staff, programme)
    for n in range(5):
        add_work(programme, units, make_enterprise(), n=n)
    with CaptureQueriesContext(connection) as large:
        _compile(hq_staff, programme)
    assert len(large) == len(small)


def test_an_inquiry_answered_after_its_deadline_is_not_on_time(programme, units, hq_staff, make_enterprise):
    from relocation.portal.models import Inquiry

    add_work(programme, units, make_enterprise())
    Inquiry.objects.update(
        status="answered", answered_at=timezone.now(), due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    public = _compile(hq_staff, programme).figures["public"]
    assert public["answered"] == 1 and public["answered_on_time"] == 0
