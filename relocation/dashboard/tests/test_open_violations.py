"""The dashboard's "有违法未销号" filter and risk column ask enforcement's one
definition of an open violation (core.compliance, the one parks' incentives
use): both must name the same enterprises, and the filter stays a query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relocation.core import compliance
from relocation.dashboard import risks, selectors
from relocation.enforcement import services
from relocation.enforcement.models import Inspection, InspectionStatus
from relocation.enforcement.tests.conftest import config, domain, record, team  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(make_enterprise, record, domain, inspector, inspector2):  # noqa: F811 - fixtures
    def violate(enterprise):
        inspection = record(enterprise=enterprise)
        return services.violation_record(actor=inspector, inspection=inspection, domain=domain, description="暗管")

    es = {key: make_enterprise() for key in ("no_measure", "order_in_force", "fixed", "fixed_fine_pending", "clean")}
    violate(es["no_measure"])
    services.measure_issue(actor=inspector, violation=violate(es["order_in_force"]), kind="rectification", workdays=5)
    for key in ("fixed", "fixed_fine_pending"):
        violation = violate(es[key])
        order = services.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=5)
        follow_up = Inspection.objects.get(follow_up_of=order, status=InspectionStatus.SCHEDULED)
        record(enterprise=es[key], follow_up=follow_up, follow_up_result="fixed")
        if key == "fixed_fine_pending":
            # A fine still awaiting approval does not reopen a violation the
            # re-inspection found put right.
            services.measure_issue(actor=inspector, violation=violation, kind="fine", amount=Decimal("5000"))
    return es


def test_the_dashboard_and_the_provider_agree(hq_staff, cases):
    ids = [e.pk for e in cases.values()]
    counts = compliance.open_violation_counts(ids)
    provider = {pk for pk, n in counts.items() if n}
    assert provider == {cases["no_measure"].pk, cases["order_in_force"].pk}

    programme = selectors.programme_for(hq_staff)
    filtered = set(
        selectors.map_enterprises(hq_staff, programme, {"open_violations": "1"}).values_list("pk", flat=True)
    )
    assert filtered == provider

    scope = risks.annotate(selectors.map_enterprises(hq_staff, programme, {}), dt.date.today())
    flagged = set(scope.filter(risk_open_violation=1).values_list("pk", flat=True))
    assert flagged == provider


def test_the_filter_is_one_query(hq_staff, cases, django_assert_num_queries):
    programme = selectors.programme_for(hq_staff)
    qs = selectors.map_enterprises(hq_staff, programme, {"open_violations": "1"})
    with django_assert_num_queries(1):
        assert len(list(qs.values_list("pk", flat=True))) == 2


def test_without_a_provider_no_enterprise_is_flagged(hq_staff, cases, monkeypatch):
    monkeypatch.setattr(compliance, "_open_violation_enterprises", [])
    programme = selectors.programme_for(hq_staff)
    assert not selectors.map_enterprises(hq_staff, programme, {"open_violations": "1"}).exists()
