"""The highly-toxic-chemical ledger a police officer would sign: catalogue
entries only, stock never negative in date order, corrections as
counter-entries, permit and filing numbers, the police owning the alerts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from relocation.conftest import make_user
from relocation.core.errors import ConflictError, ServiceError
from relocation.core.models import AuditEvent, Notification
from relocation.monitoring import selectors, services, toxic_catalogue
from relocation.monitoring.models import Alert, ToxicChemical, ToxicMovement

pytestmark = pytest.mark.django_db
JAN = dt.date(2022, 1, 5)


@pytest.fixture(autouse=True)
def catalogue(db):
    toxic_catalogue.load(ToxicChemical)  # the data migration seeds it; a flushed database does not keep it


@pytest.fixture
def police(units):
    return make_user("police_liaison", "unit_liaison", units["police"])


def record(actor, enterprise, kind, qty, day=JAN, chemical="氰化钠", **extra):
    if kind == "purchase":
        extra.setdefault("permit_no", "GA-GM-2022-001")
    return services.toxic_movement_record(
        actor=actor,
        enterprise=enterprise,
        chemical=chemical,
        kind=kind,
        quantity_kg=Decimal(qty),
        occurred_on=day,
        **extra,
    )


def book(enterprise, chemical="氰化钠"):
    return next(b["book"] for b in selectors.toxic_balances(enterprise) if b["chemical"] == chemical)


def test_a_use_above_the_stock_is_refused(enterprise, hq_staff):
    record(hq_staff, enterprise, "purchase", "70")
    with pytest.raises(ServiceError) as refused:
        record(hq_staff, enterprise, "use", "100", JAN + dt.timedelta(days=3))
    assert "只有 70 千克" in refused.value.message and "100" in refused.value.message
    assert ToxicMovement.objects.count() == 1 and book(enterprise) == 70


def test_a_use_dated_before_any_purchase_is_refused(enterprise, hq_staff):
    record(hq_staff, enterprise, "purchase", "70", JAN)
    with pytest.raises(ServiceError) as refused:
        record(hq_staff, enterprise, "use", "10", JAN - dt.timedelta(days=1))
    assert "只有 0 千克" in refused.value.message


def test_a_back_dated_use_that_empties_a_later_day_is_refused(enterprise, hq_staff):
    record(hq_staff, enterprise, "purchase", "70", JAN)
    record(hq_staff, enterprise, "use", "60", JAN + dt.timedelta(days=10))
    with pytest.raises(ServiceError) as refused:
        record(hq_staff, enterprise, "use", "20", JAN + dt.timedelta(days=5))
    assert "将为 -10" in refused.value.message


def test_a_purchase_and_a_use_on_the_same_day_pass(enterprise, hq_staff):
    record(hq_staff, enterprise, "purchase", "30", JAN)
    record(hq_staff, enterprise, "use", "30", JAN)
    assert book(enterprise) == 0


def test_names_formulas_synonyms_and_cas_are_one_chemical(enterprise, hq_staff):
    record(hq_staff, enterprise, "purchase", "50", chemical="NaCN")
    record(hq_staff, enterprise, "use", "10", chemical="氰化钠")
    record(hq_staff, enterprise, "use", "5", chemical="ＮａＣＮ")  # full-width, as some keyboards type it
    record(hq_staff, enterprise, "use", "5", chemical="", cas_number="143-33-9")
    record(hq_staff, enterprise, "use", "5", chemical="山奈")
    balances = selectors.toxic_balances(enterprise)
    assert [b["chemical"] for b in balances] == ["氰化钠"] and balances[0]["book"] == 25
    assert set(ToxicMovement.objects.values_list("cas_number", flat=True)) == {"143-33-9"}


def test_a_chemical_outside_the_catalogue_or_a_wrong_cas_is_refused(enterprise, hq_staff):
    with pytest.raises(ServiceError) as refused:
        record(hq_staff, enterprise, "purchase", "5", chemical="硫酸")
    assert "不在剧毒化学品目录中" in refused.value.message
    with pytest.raises(ServiceError) as refused:
        record(hq_staff, enterprise, "purchase", "5", chemical="氰化钠", cas_number="151-50-8")
    assert "151-50-8" in refused.value.message and "143-33-9" in refused.value.message
    assert not ToxicMovement.objects.exists()


def test_a_purchase_needs_its_permit_and_keeps_the_filing_number(enterprise, hq_staff):
    with pytest.raises(ServiceError) as refused:
        record(hq_staff, enterprise, "purchase", "5", permit_no="")
    assert refused.value.code == "permit_no"
    line = record(hq_staff, enterprise, "purchase", "5", permit_no="GA-GM-01", filing_no="GA-BA-07")
    assert (line.permit_no, line.filing_no) == ("GA-GM-01", "GA-BA-07")


def test_a_wrong_line_is_cancelled_by_a_counter_entry_with_a_reason(enterprise, hq_staff):
    record(hq_staff, enterprise, "purchase", "70")
    wrong = record(hq_staff, enterprise, "use", "50", JAN + dt.timedelta(days=2))  # really 5
    with pytest.raises(ServiceError):
        services.toxic_movement_reverse(actor=hq_staff, movement=wrong, reason=" ")
    counter = services.toxic_movement_reverse(actor=hq_staff, movement=wrong, reason="误将 5 千克录为 50 千克")
    record(hq_staff, enterprise, "use", "5", JAN + dt.timedelta(days=2))
    wrong.refresh_from_db()
    assert counter.reverses == wrong and wrong.reversed_by == counter and wrong.quantity_kg == 50
    assert book(enterprise) == 65
    assert AuditEvent.objects.filter(action="monitoring.toxic_reversed", enterprise_id=enterprise.pk).exists()
    with pytest.raises(ConflictError):
        services.toxic_movement_reverse(actor=hq_staff, movement=wrong, reason="再次")
    with pytest.raises(ServiceError):
        services.toxic_movement_reverse(actor=hq_staff, movement=counter, reason="冲销冲销行")


def test_cancelling_a_purchase_that_was_used_is_refused(enterprise, hq_staff):
    purchase = record(hq_staff, enterprise, "purchase", "70")
    record(hq_staff, enterprise, "use", "40", JAN + dt.timedelta(days=2))
    with pytest.raises(ServiceError):
        services.toxic_movement_reverse(actor=hq_staff, movement=purchase, reason="重复登记")
    assert book(enterprise) == 30


def test_a_cancelled_stocktake_no_longer_counts(enterprise, hq_staff):
    record(hq_staff, enterprise, "purchase", "70")
    record(hq_staff, enterprise, "stocktake", "70", JAN + dt.timedelta(days=1))
    wrong = record(hq_staff, enterprise, "stocktake", "7", JAN + dt.timedelta(days=2))  # a digit dropped
    assert Alert.objects.filter(kind="toxic_discrepancy", status="open").count() == 1
    services.toxic_movement_reverse(actor=hq_staff, movement=wrong, reason="盘点数漏录一位")
    balance = selectors.toxic_balances(enterprise)[0]
    assert balance["stocktake"] == 70 and balance["consistent"]
    assert not Alert.objects.filter(kind="toxic_discrepancy").exclude(status="closed").exists()


def test_the_police_own_the_alerts_and_can_open_them(client, enterprise, hq_staff, police, liaison, units):
    record(hq_staff, enterprise, "purchase", "70")
    record(hq_staff, enterprise, "stocktake", "60", JAN + dt.timedelta(days=1))
    alert = Alert.objects.get(kind="toxic_discrepancy")
    assert alert.responsible_unit == units["police"]
    assert list(alert.informed_units.all()) == [units["humen"]]
    assert Notification.objects.filter(recipient=police, verb="monitoring.alert").exists()
    assert Notification.objects.filter(recipient=liaison, verb="monitoring.alert").exists()
    client.force_login(police)
    assert client.get(reverse("monitoring:alert", args=[alert.pk])).status_code == 200
    assert client.post(reverse("monitoring:alert_acknowledge", args=[alert.pk]), {"note": "收到"}).status_code == 302
    client.force_login(liaison)  # the town is told and can open it
    assert client.get(reverse("monitoring:alert", args=[alert.pk])).status_code == 200
    from relocation.supervision.models import Task

    task = Task.objects.get(pk=alert.task_id)
    assert task.lead_unit == units["police"] and list(task.co_units.all()) == [units["humen"]]


def test_the_police_record_and_cancel_lines_on_the_page(client, enterprise, police):
    client.force_login(police)
    url = reverse("monitoring:toxic", args=[enterprise.pk])
    page = client.get(url).content.decode()
    assert 'id="toxic-catalogue"' in page and "143-33-9" in page
    response = client.post(
        url,
        {"chemical": "NaCN", "kind": "purchase", "quantity_kg": "12.5", "occurred_on": "2022-01-01", "permit_no": ""},
    )
    assert response.status_code == 200 and "购买许可证" in response.content.decode()
    response = client.post(
        url,
        {
            "chemical": "NaCN",
            "kind": "purchase",
            "quantity_kg": "12.5",
            "occurred_on": "2022-01-01",
            "permit_no": "GA-GM-9",
        },
    )
    assert response.status_code == 302
    line = ToxicMovement.objects.get()
    assert line.chemical == "氰化钠" and line.recorded_by == police
    cancel = reverse("monitoring:toxic_reverse", args=[enterprise.pk, line.pk])
    assert client.post(cancel, {"reason": "重复登记"}).status_code == 302
    assert book(enterprise) == 0 and "重复登记" in client.get(url).content.decode()


def test_an_outsider_cannot_cancel_a_line(client, enterprise, hq_staff, outsider):
    line = record(hq_staff, enterprise, "purchase", "5")
    client.force_login(outsider)
    response = client.post(reverse("monitoring:toxic_reverse", args=[enterprise.pk, line.pk]), {"reason": "x"})
    assert response.status_code == 403 and not line.__class__.objects.filter(reverses=line).exists()


def test_the_api_cancels_a_line(enterprise, hq_staff):
    line = record(hq_staff, enterprise, "purchase", "5")
    api = APIClient()
    api.force_login(hq_staff)
    response = api.post(f"/api/monitoring/toxic-movements/{line.pk}/reverse/", {"reason": "重复登记"})
    assert response.status_code == 201 and response.json()["reverses"] == line.pk
    response = api.post(f"/api/monitoring/toxic-movements/{line.pk}/reverse/", {"reason": "again"})
    assert response.status_code in (400, 409)
