"""The bulletin's workers and stability section: arrears open and paid,
placement, incidents and the risk register, from those apps' selectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from relocation.reporting import compilation, services
from relocation.workers import services as workers_services
from relocation.workers.tests.conftest import valid_id

pytestmark = pytest.mark.django_db


def test_the_bulletin_reports_arrears_placement_incidents_and_risks(programme, hq_staff, make_enterprise, units):
    from relocation.stability import services as stability_services

    enterprise = make_enterprise()
    owed = workers_services.worker_create(
        actor=hq_staff, enterprise=enterprise, data={"name": "甲", "id_number": valid_id(1)}
    )
    placed = workers_services.worker_create(
        actor=hq_staff, enterprise=enterprise, data={"name": "乙", "id_number": valid_id(2)}
    )
    workers_services.placement_record(actor=hq_staff, worker=placed, outcome="retired")
    workers_services.case_report(
        actor=hq_staff,
        enterprise=enterprise,
        kind="wage_arrears",
        summary="欠薪",
        lines=[{"worker": owed, "amount": Decimal("2900"), "months": 1}],
    )
    stability_services.incident_report(
        actor=hq_staff,
        programme=programme,
        kind="petition",
        title="聚集上访",
        occurred_at=timezone.now() - dt.timedelta(minutes=5),
        place="厂门口",
        description="工人聚集。",
        people_count=12,
        lead_unit=units["humen"],
    )
    today = timezone.localdate()
    bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=today.year, month=today.month)
    social = bulletin.figures["social"]
    wages = next(k for k in social["workers"]["kinds"] if k["kind"] == "wage_arrears")
    assert wages["open"] == 1 and wages["outstanding"] == "2900.00"
    assert social["workers"]["placement"]["placed"] == 1 and social["workers"]["placement"]["rate"] == "50.0"
    assert social["stability"]["incidents"]["total"] == 1 and social["stability"]["incidents"]["people"] == 12
    assert social["stability"]["risks"]["unassessed_signals"] == 1
    section = bulletin.sections.get(key="social")
    assert section.heading.startswith("六、") and "工资拖欠1件（尚欠2900.00元）" in section.text
    assert "安置率50.0%" in section.text and "本月发生1起" in section.text
    assert bulletin.sections.get(key="next_steps").heading.startswith("十一、")
    assert any(key == "social" for key, _title, _rows in compilation.annex_tables(bulletin.figures))


def test_an_older_bulletin_recompiled_gets_the_section_and_renumbers(programme, hq_staff):
    today = timezone.localdate()
    bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=today.year, month=today.month)
    bulletin.sections.filter(key="social").delete()
    bulletin.sections.filter(key="highlights").update(heading="六、成员单位工作亮点", order=5)
    bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=today.year, month=today.month)
    keys = [s.key for s in bulletin.sections.order_by("order")]
    assert keys.index("social") < keys.index("highlights")
    assert bulletin.sections.get(key="highlights").heading.startswith("十、")
