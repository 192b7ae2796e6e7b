"""Open labour cases (workers) and detector alerts (monitoring) reach the risk
register through core.risk_signals, without stability importing either app."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from relocation.core import risk_signals
from relocation.stability import selectors, services
from relocation.workers import services as workers_services
from relocation.workers.tests.conftest import valid_id

pytestmark = pytest.mark.django_db


def _owe(actor, enterprise, amount: str, n: int = 1, kind: str = "wage_arrears"):
    worker = workers_services.worker_create(
        actor=actor,
        enterprise=enterprise,
        data={"name": f"工人{n}", "id_number": valid_id(n + enterprise.pk * 50), "hired_on": dt.date(2020, 1, 1)},
    )
    return workers_services.case_report(
        actor=actor,
        enterprise=enterprise,
        kind=kind,
        summary="停产后工资未发",
        lines=[{"worker": worker, "amount": amount, "months": 1}],
    )


@pytest.fixture
def low_risk(hq_staff, enterprise, stability_units):
    return services.risk_assess(
        actor=hq_staff,
        enterprise=enterprise,
        level="low",
        responsible_unit=stability_units["humen"],
        review_on=timezone.localdate() + dt.timedelta(days=7),
    )


def test_an_enterprise_owing_2900_yuan_gets_a_factor_and_a_level_above_low(hq_staff, enterprise, low_risk):
    _owe(hq_staff, enterprise, "2900")
    [risk] = selectors.with_signals(list(selectors.risks_for_user(hq_staff)))
    assert risk.level == "low" and risk.effective_level == "medium"
    [signal] = risk.signals
    assert signal.factor == "wage_arrears" and "2900" in signal.detail and signal.source == "workers"


def test_a_paid_case_no_longer_signals(hq_staff, enterprise, low_risk):
    case = _owe(hq_staff, enterprise, "2900")
    workers_services.case_transition(actor=hq_staff, case=case, target="verified", reason="核实")
    workers_services.payment_record(actor=hq_staff, case=case, amount="2900", paid_on=timezone.localdate())
    [risk] = selectors.with_signals(list(selectors.risks_for_user(hq_staff)))
    assert risk.signals == [] and risk.effective_level == "low"


def test_the_register_page_and_the_api_show_the_signal(client, hq_staff, enterprise, low_risk):
    _owe(hq_staff, enterprise, "2900")
    client.force_login(hq_staff)
    page = client.get(reverse("stability:risks")).content.decode()
    assert 'data-signal="wage_arrears"' in page and 'data-level="medium"' in page
    api = APIClient()
    api.force_login(hq_staff)
    [row] = api.get("/api/stability/risks/").data["results"]
    assert row["level"] == "low" and row["effective_level"] == "medium"
    assert row["signals"][0]["factor"] == "wage_arrears"
    assert api.get(f"/api/stability/risks/{row['id']}/").data["effective_level"] == "medium"


def test_an_enterprise_not_yet_assessed_is_listed_with_its_signals(client, hq_staff, enterprise, stability_units):
    _owe(hq_staff, enterprise, "2900", kind="social_insurance")
    [row] = selectors.unassessed_signals(hq_staff)
    assert row["enterprise_id"] == enterprise.pk and row["level"] == "medium"
    api = APIClient()
    api.force_login(hq_staff)
    assert api.get("/api/stability/risks/signals/").data[0]["signals"][0]["factor"] == "social_insurance"
    client.force_login(hq_staff)
    assert 'id="unassessed-signals"' in client.get(reverse("stability:risks")).content.decode()


def test_an_open_detector_alert_signals(hq_staff, enterprise, low_risk):
    from relocation.monitoring.models import Alert

    Alert.objects.create(
        enterprise=enterprise, kind="stopped_consuming", title="停产仍用水", dedupe_key=f"t:{enterprise.pk}"
    )
    [risk] = selectors.with_signals(list(selectors.risks_for_user(hq_staff)))
    assert [s.source for s in risk.signals] == ["monitoring"] and risk.effective_level == "medium"


def test_a_provider_is_asked_once_for_the_whole_register(hq_staff, make_enterprise, stability_units):
    calls = []

    def provider(programme_id, ids):
        calls.append(ids)
        return [risk_signals.RiskSignal(enterprise_id=pk, factor="x", label="x", level="high") for pk in ids or []]

    for _ in range(3):
        services.risk_assess(
            actor=hq_staff,
            enterprise=make_enterprise(),
            level="low",
            responsible_unit=stability_units["humen"],
            review_on=timezone.localdate(),
        )
    risk_signals.register("test.provider", provider)
    try:
        rows = selectors.with_signals(list(selectors.risks_for_user(hq_staff)))
    finally:
        risk_signals.unregister("test.provider")
    assert len(calls) == 1 and len(calls[0]) == 3
    assert {r.effective_level for r in rows} == {"high"}


def test_the_register_list_takes_a_fixed_number_of_queries(
    client, hq_staff, make_enterprise, stability_units, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            e = make_enterprise()
            _owe(hq_staff, e, "100", n=i + 1)
            services.risk_assess(
                actor=hq_staff,
                enterprise=e,
                level="low",
                responsible_unit=stability_units["humen"],
                review_on=timezone.localdate(),
            )

    add(1)
    client.force_login(hq_staff)
    client.get(reverse("stability:risks"))
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("stability:risks"))
    add(4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("stability:risks")).status_code == 200
