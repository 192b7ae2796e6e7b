"""Severance (经济补偿金) and social-insurance arrears are case kinds beside
wage arrears: computed by art. 47, in the figures (page and API) and in the
closure guard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from relocation.core.errors import ServiceError, TransitionError
from relocation.enterprises import lifecycle
from relocation.enterprises.models import LifecycleStatus
from relocation.enterprises.tests.lifecycle_fixtures import put_in, satisfy_guards
from relocation.workers import services
from relocation.workers.models import LabourCase
from relocation.workers.tests.test_api import api

pytestmark = pytest.mark.django_db
S = LifecycleStatus


def _severance(actor, enterprise, workers, **overrides):
    data = {
        "actor": actor,
        "enterprise": enterprise,
        "kind": "severance",
        "summary": "关停解除劳动合同",
        "lines": [{"worker": w} for w in workers],
        "separation_on": dt.date(2026, 6, 1),
        "average_wage": Decimal("8000"),
    }
    data.update(overrides)
    return services.case_report(**data)


def test_a_severance_case_computes_each_amount_by_article_47(hq_staff, enterprise, make_worker):
    ordinary = make_worker(enterprise, hired_on=dt.date(2022, 10, 1), monthly_wage=Decimal("5000"))  # 3 y 8 m
    manager = make_worker(enterprise, hired_on=dt.date(2006, 6, 1), monthly_wage=Decimal("30000"))  # 20 y, capped
    case = _severance(hq_staff, enterprise, [ordinary, manager])
    lines = {line.worker_id: line for line in case.lines.all()}
    assert lines[ordinary.pk].amount == Decimal("20000.00") and lines[ordinary.pk].months_counted == 4
    assert lines[manager.pk].amount == Decimal("288000.00") and lines[manager.pk].months_counted == 12
    assert "3倍" in lines[manager.pk].basis
    assert case.total_owed == Decimal("308000.00")


def test_a_severance_case_needs_the_separation_date_and_the_average_wage(hq_staff, enterprise, worker):
    with pytest.raises(ServiceError) as exc:
        _severance(hq_staff, enterprise, [worker], separation_on=None)
    assert exc.value.code == "separation_on"
    with pytest.raises(ServiceError) as exc:
        _severance(hq_staff, enterprise, [worker], average_wage=None)
    assert exc.value.code == "average_wage"
    assert not LabourCase.objects.exists()


def test_a_worker_without_a_hiring_date_is_named(hq_staff, enterprise, make_worker):
    unknown = make_worker(enterprise, hired_on=None)
    with pytest.raises(ServiceError, match=unknown.name):
        _severance(hq_staff, enterprise, [unknown])


def test_social_insurance_arrears_are_a_case_kind(hq_staff, enterprise, make_case):
    case = make_case(enterprise, amounts=(Decimal("2100"),), kind="social_insurance")
    assert case.get_kind_display() == "社会保险欠缴" and case.total_owed == Decimal("2100")


def test_severance_and_social_insurance_block_closure(enterprise, units, hq_staff, make_worker, make_case):
    satisfy_guards(enterprise, units, hq_staff)
    stopped = put_in(enterprise, S.PRODUCTION_STOPPED)
    _severance(hq_staff, stopped, [make_worker(stopped)])
    make_case(stopped, amounts=(Decimal("900"),), kind="social_insurance")
    with pytest.raises(TransitionError) as exc:
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=stopped, target=S.CLOSURE_VERIFIED, reason="核验")
    assert "经济补偿金" in exc.value.message and "社会保险欠缴" in exc.value.message


def test_the_figures_count_each_kind(client, hq_staff, enterprise, make_worker, make_case):
    _severance(hq_staff, enterprise, [make_worker(enterprise, hired_on=dt.date(2023, 6, 1))])
    make_case(enterprise, amounts=(Decimal("2900"),))
    make_case(enterprise, amounts=(Decimal("700"),), kind="social_insurance")
    rows = {r["kind"]: r for r in api(hq_staff).get("/api/workers/cases/figures/").data}
    assert rows["severance"]["open"] == 1 and Decimal(rows["severance"]["outstanding"]) == Decimal("15000")
    assert Decimal(rows["wage_arrears"]["outstanding"]) == Decimal("2900")
    assert Decimal(rows["social_insurance"]["owed"]) == Decimal("700")
    client.force_login(hq_staff)
    page = client.get(reverse("workers:overview")).content.decode()
    assert 'data-kind="severance"' in page and "15000" in page


def test_the_case_form_reports_a_severance_case(client, hq_staff, enterprise, make_worker):
    w = make_worker(enterprise, hired_on=dt.date(2023, 6, 1), monthly_wage=Decimal("5000"))
    client.force_login(hq_staff)
    response = client.post(
        reverse("workers:case_new", args=[enterprise.pk]),
        {
            "kind": "severance",
            "summary": "关停解除劳动合同",
            "reported_on": "2026-06-02",
            "separation_on": "2026-06-01",
            "average_wage": "8000",
            f"include_{w.pk}": "1",
        },
    )
    assert response.status_code == 302
    case = LabourCase.objects.get()
    assert case.total_owed == Decimal("15000.00") and case.average_wage == Decimal("8000")


def test_the_api_reports_a_severance_case(bureau, enterprise, make_worker):
    w = make_worker(enterprise, hired_on=dt.date(2023, 6, 1), monthly_wage=Decimal("5000"))
    response = api(bureau).post(
        "/api/workers/cases/",
        {
            "enterprise": enterprise.pk,
            "kind": "severance",
            "summary": "关停解除劳动合同",
            "separation_on": "2026-06-01",
            "average_wage": "8000",
            "lines": [{"worker": w.pk}],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["total_owed"] == "15000.00" and response.data["lines"][0]["months_counted"] == "3.0"


def test_the_figures_take_a_fixed_number_of_queries(
    hq_staff, make_enterprise, make_case, django_assert_max_num_queries
):
    client = api(hq_staff)
    make_case(make_enterprise(), amounts=(Decimal(1),))
    client.get("/api/workers/cases/figures/")
    with django_assert_max_num_queries(12) as small:
        client.get("/api/workers/cases/figures/")
    for kind in ("wage_arrears", "deposit_dispute", "social_insurance"):
        make_case(make_enterprise(), amounts=(Decimal(1), Decimal(2)), kind=kind)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/api/workers/cases/figures/").status_code == 200
