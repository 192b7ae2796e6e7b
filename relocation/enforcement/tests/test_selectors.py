"""Figures for the monthly bulletin and the statistics page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from relocation.enforcement import selectors, services
from relocation.enforcement.models import Inspection

pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(MARCH, tick=False)
def test_it_compiles_the_monthly_figures(programme, record, domain, inspector, inspector2, config):
    inspection = record(inspected_on=dt.date(2026, 3, 5))
    v = services.violation_record(actor=inspector, inspection=inspection, domain=domain, description="偷排")
    order = services.measure_issue(actor=inspector, violation=v, kind="rectification", workdays=3)
    fine = services.measure_issue(actor=inspector, violation=v, kind="fine", amount=Decimal("30000"))
    services.measure_approve(actor=inspector2, measure=fine)
    pending = services.measure_issue(actor=inspector, violation=v, kind="sealing")
    record(
        inspected_on=dt.date(2026, 3, 9),
        follow_up=Inspection.objects.get(follow_up_of=order),
        follow_up_result="fixed",
    )
    record(inspected_on=dt.date(2026, 2, 27))  # another month
    figures = selectors.monthly_enforcement_figures(programme, 2026, 3)
    assert figures["inspections"] == 2
    assert figures["follow_ups"] == 1
    assert figures["enterprises_inspected"] == 1
    assert figures["violations"] == 1
    assert figures["violations_by_domain"] == {"ecology_environment": 1}
    assert figures["orders_issued"] == 1
    assert figures["orders_closed"] == 1
    assert figures["fines_count"] == 1 and figures["fines_amount"] == "30000.00"
    assert figures["sealings"] == 0  # still pending approval
    assert pending.status == "pending_approval"
    assert selectors.monthly_enforcement_figures(programme, 2026, 2)["inspections"] == 1
    assert selectors.monthly_enforcement_figures(programme, 2026, 12)["inspections"] == 0


def test_statistics_group_by_domain_department_team_and_month(inspector, record, domain):
    v = services.violation_record(actor=inspector, inspection=record(), domain=domain, description="偷排")
    services.measure_issue(actor=inspector, violation=v, kind="rectification", workdays=3)
    stats = selectors.statistics(inspector)
    row = next(r for r in stats["by_domain"] if r["key"] == "生态环境")
    assert (row["inspections"], row["violations"], row["orders"]) == (1, 1, 1)
    assert stats["by_department"][0]["key"] == "市生态环境局"
    assert stats["by_team"][0]["key"] == "生态环境执法一组"
    assert len(stats["by_month"]) == 1


def test_readers_are_staff_only(enterprise_contact, auditor, inspector, outsider):
    assert selectors.can_read(inspector) and selectors.can_read(outsider)
    assert not selectors.can_read(enterprise_contact) and not selectors.can_read(auditor)
    assert not selectors.inspections_for_user(enterprise_contact).exists()
