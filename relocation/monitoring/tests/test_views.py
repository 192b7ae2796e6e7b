"""Pages and API: scoping, permission denied per view, transitions with
history, and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from relocation.monitoring import services, storage
from relocation.monitoring.models import Alert, AlertStatus, MonitoringPoint


@pytest.fixture
def alert(point):
    a, _ = services.alert_raise(
        actor=None,
        enterprise=point.enterprise,
        kind="exceedance",
        dedupe_key=f"exceed:{point.pk}:w01018:hour",
        point=point,
        pollutant="w01018",
        period="hour",
        title="化学需氧量小时均值超标",
        value=95.0,
        limit_value=80.0,
        unit="mg/L",
    )
    return a


def login(client, user):
    client.force_login(user)
    return client


def make_alerts(point, n):
    for i in range(n):
        services.alert_raise(
            actor=None,
            enterprise=point.enterprise,
            kind="data_gap",
            dedupe_key=f"t:{point.pk}:{i}",
            point=point,
            title=f"预警{i}",
        )


# -- permission denied, one per view ---------------------------------------------
@pytest.mark.parametrize(
    "name,args",
    [
        ("monitoring:alerts", []),
        ("monitoring:points", []),
        ("monitoring:limits", []),
    ],
)
def test_it_refuses_readers_without_a_staff_role(client, enterprise_contact, name, args):
    assert login(client, enterprise_contact).get(reverse(name, args=args)).status_code == 403


def test_it_hides_other_units_alerts(client, outsider, alert):
    login(client, outsider)
    assert client.get(reverse("monitoring:alert", args=[alert.pk])).status_code == 404
    assert client.post(reverse("monitoring:alert_close", args=[alert.pk]), {"reason": "x"}).status_code == 404
    assert alert.title not in client.get(reverse("monitoring:alerts")).content.decode()


def test_it_refuses_alert_actions_to_a_reader_who_may_not_handle_it(client, inspector, alert):
    # An inspector of the environment bureau sees it only when assigned; HQ readers (group leader) cannot act.
    from relocation.conftest import make_user

    leader = make_user("gl", "group_leader", alert.responsible_unit.programme.units.get(code="hq"))
    login(client, leader)
    assert client.get(reverse("monitoring:alert", args=[alert.pk])).status_code == 200
    assert client.post(reverse("monitoring:alert_acknowledge", args=[alert.pk])).status_code == 403
    assert client.post(reverse("monitoring:alert_assign", args=[alert.pk]), {"assignee": leader.pk}).status_code == 403


def test_it_refuses_point_editing_to_unit_staff(client, liaison, point):
    login(client, liaison)
    assert client.get(reverse("monitoring:point_create")).status_code == 403
    assert client.get(reverse("monitoring:point_edit", args=[point.pk])).status_code == 403


def test_it_refuses_the_import_page_to_other_units(client, outsider):
    assert login(client, outsider).get(reverse("monitoring:utility_import")).status_code == 403


def test_it_refuses_enterprise_pages_to_outsiders_of_the_programme(client, enterprise_contact, make_enterprise, point):
    other = make_enterprise(name="别家电镀厂")
    login(client, enterprise_contact)
    for name in (
        "monitoring:enterprise",
        "monitoring:enterprise_section",
        "monitoring:toxic",
        "monitoring:utility_chart",
    ):
        assert client.get(reverse(name, args=[other.pk])).status_code == 403
    assert client.get(reverse("monitoring:point_chart", args=[point.pk])).status_code == 403


def test_it_refuses_toxic_ledger_lines_from_units_without_a_say(client, outsider, enterprise):
    login(client, outsider)
    url = reverse("monitoring:toxic", args=[enterprise.pk])
    assert client.get(url).status_code == 200
    assert (
        client.post(
            url, {"chemical": "氰化钠", "kind": "purchase", "quantity_kg": "1", "occurred_on": "2022-01-01"}
        ).status_code
        == 403
    )


# -- the inbox and transitions -----------------------------------------------------
def test_it_lets_the_territorial_unit_assign_acknowledge_and_close(client, liaison, unit_leader, alert):
    login(client, liaison)
    page = client.get(reverse("monitoring:alert", args=[alert.pk]))
    assert page.status_code == 200 and "化学需氧量" in page.content.decode()
    client.post(reverse("monitoring:alert_assign", args=[alert.pk]), {"assignee": unit_leader.pk})
    client.post(reverse("monitoring:alert_acknowledge", args=[alert.pk]))
    response = client.post(reverse("monitoring:alert_close", args=[alert.pk]), {"reason": ""})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.assignee == unit_leader
    client.post(reverse("monitoring:alert_close", args=[alert.pk]), {"reason": "现场复查：已停产，排口封堵。"})
    alert.refresh_from_db()
    assert response.status_code == 302
    assert alert.status == AlertStatus.CLOSED and alert.close_reason.startswith("现场复查")
    actions = list(alert.history.values_list("action", "from_status", "to_status"))
    assert actions == [
        ("opened", "", "open"),
        ("assigned", "open", "open"),
        ("acknowledged", "open", "acknowledged"),
        ("closed", "acknowledged", "closed"),
    ]
    from relocation.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="monitoring.alert_closed", enterprise_id=alert.enterprise_id).exists()


def test_it_refuses_an_illegal_transition(liaison, alert):
    from relocation.core.errors import TransitionError

    services.alert_close(actor=liaison, alert=alert, reason="已处理")
    with pytest.raises(TransitionError):
        services.alert_acknowledge(actor=liaison, alert=alert)


def test_it_lists_alerts_with_a_constant_number_of_queries(client, hq_staff, point):
    login(client, hq_staff)
    make_alerts(point, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("monitoring:alerts")).status_code == 200
    make_alerts(point, 12)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("monitoring:alerts"))
    assert len(many) == len(few)


def test_it_lists_points_with_a_constant_number_of_queries(client, hq_staff, make_enterprise, standards):
    login(client, hq_staff)

    def add(n):
        for i in range(n):
            e = make_enterprise()
            MonitoringPoint.objects.create(mn=f"MN{e.pk:05d}{i}", password="1", enterprise=e, name="排口")

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("monitoring:points")).status_code == 200
    add(10)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("monitoring:points"))
    assert len(many) == len(few)


def test_it_shows_the_enterprise_monitoring_page_and_chart_data(client, liaison, point):
    import zoneinfo

    from django.utils import timezone

    now = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).replace(minute=0, second=0, microsecond=0)
    storage.store_rows([(point.pk, "2061", now - dt.timedelta(hours=2), "w01018", 42.0, None, None, None, "N", now)])
    login(client, liaison)
    page = client.get(reverse("monitoring:enterprise", args=[point.enterprise_id]))
    assert page.status_code == 200 and "echarts" in page.content.decode()
    data = client.get(reverse("monitoring:point_chart", args=[point.pk])).json()
    cod = next(s for s in data["series"] if s["code"] == "w01018")
    assert cod["max"] == 80 and cod["data"][0][1] == 42.0 and cod["unit"] == "mg/L"
    section = client.get(reverse("monitoring:enterprise_section", args=[point.enterprise_id]))
    assert point.mn in section.content.decode()


def test_it_previews_then_imports_a_file_on_the_page(client, hq_staff, enterprise, programme):
    login(client, hq_staff)
    body = f"统一社会信用代码,日期,用量\n{enterprise.credit_code},2022-03-01,12\n".encode()

    def post(confirm):
        return client.post(
            reverse("monitoring:utility_import"),
            {"kind": "water", "confirm": confirm, "file": io.BytesIO(body)},
        )

    assert "import-preview" in post("0").content.decode()
    assert post("1").status_code == 302
    from relocation.monitoring.models import UtilityReading

    assert UtilityReading.objects.count() == 1


def test_it_records_a_toxic_ledger_line_on_the_page(client, liaison, enterprise):
    login(client, liaison)
    url = reverse("monitoring:toxic", args=[enterprise.pk])
    response = client.post(
        url,
        {
            "chemical": "氰化钠",
            "kind": "purchase",
            "quantity_kg": "12.5",
            "occurred_on": "2022-01-01",
            "permit_no": "GM-2022-01",
        },
    )
    assert response.status_code == 302
    assert "12.5" in client.get(url).content.decode()


def test_it_registers_a_point_on_the_page(client, hq_staff, enterprise, standards):
    login(client, hq_staff)
    response = client.post(
        reverse("monitoring:point_create"),
        {
            "mn": "NEWMN0001",
            "password": "abc123",
            "enterprise": enterprise.pk,
            "name": "总排口",
            "outlet_kind": "final",
            "table": "2",
            "discharge_mode": "direct",
            "crc_variant": "modbus_lo",
            "expected_interval_minutes": 60,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    point = MonitoringPoint.objects.get(mn="NEWMN0001")
    assert point.password == "abc123" and point.crc_variant == "modbus_lo"


# -- API -----------------------------------------------------------------------
def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_it_handles_alerts_through_the_api(liaison, outsider, alert):
    assert api(outsider).post(f"/api/monitoring/alerts/{alert.pk}/acknowledge/", {}).status_code == 404
    assert api(liaison).post(f"/api/monitoring/alerts/{alert.pk}/close/", {"reason": ""}).status_code == 400
    response = api(liaison).post(f"/api/monitoring/alerts/{alert.pk}/close/", {"reason": "已复查"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert api(liaison).get("/api/monitoring/alerts/?status=closed").json()["results"][0]["id"] == alert.pk


def test_it_refuses_the_api_to_non_staff(enterprise_contact):
    for path in ("alerts", "points", "measurements", "utility-readings", "toxic-movements", "limits"):
        assert api(enterprise_contact).get(f"/api/monitoring/{path}/").status_code == 403


def test_it_accepts_pushed_utility_readings_all_or_nothing(units, enterprise):
    from relocation.conftest import make_user
    from relocation.monitoring.models import UtilityReading

    water = make_user("water_liaison", "unit_liaison", units["water"])
    good = {"enterprise": enterprise.pk, "kind": "water", "reading_date": "2022-03-01", "consumption": "10.5"}
    bad = {**good, "reading_date": "2022-03-02", "hour": 30}
    response = api(water).post(
        "/api/monitoring/utility-readings/push/", {"kind": "water", "readings": [good, bad]}, format="json"
    )
    assert response.status_code == 400 and UtilityReading.objects.count() == 0
    response = api(water).post(
        "/api/monitoring/utility-readings/push/", {"kind": "water", "readings": [good]}, format="json"
    )
    assert response.status_code == 201 and UtilityReading.objects.get().consumption == Decimal("10.5")


def test_it_refuses_pushes_from_other_units(outsider, enterprise):
    payload = {
        "kind": "water",
        "readings": [{"enterprise": enterprise.pk, "kind": "water", "reading_date": "2022-03-01", "consumption": "1"}],
    }
    assert api(outsider).post("/api/monitoring/utility-readings/push/", payload, format="json").status_code == 403


def test_it_manages_points_through_the_api_without_revealing_passwords(hq_staff, liaison, enterprise, standards):
    payload = {
        "mn": "APIMN01",
        "password": "pw1234",
        "enterprise": enterprise.pk,
        "name": "排口",
        "crc_variant": "hj212",
    }
    assert api(liaison).post("/api/monitoring/points/", payload).status_code == 403
    response = api(hq_staff).post("/api/monitoring/points/", payload)
    assert response.status_code == 201 and "password" not in response.json()
    pk = response.json()["id"]
    response = api(hq_staff).patch(f"/api/monitoring/points/{pk}/", {"crc_variant": "modbus_lo", "version": 1})
    assert response.status_code == 200 and response.json()["crc_variant"] == "modbus_lo"
    assert api(hq_staff).patch(f"/api/monitoring/points/{pk}/", {"name": "x", "version": 1}).status_code == 409


def test_it_records_toxic_lines_through_the_api(hq_staff, enterprise):
    payload = {
        "enterprise": enterprise.pk,
        "chemical": "氰化钠",
        "kind": "purchase",
        "quantity_kg": "5",
        "occurred_on": "2022-01-01",
        "permit_no": "GM-2022-01",
    }
    assert api(hq_staff).post("/api/monitoring/toxic-movements/", payload).status_code == 201
    assert api(hq_staff).get(f"/api/monitoring/toxic-movements/?enterprise={enterprise.pk}").json()["count"] == 1


def test_it_lists_measurements_and_limits_through_the_api(hq_staff, point):
    import zoneinfo

    t = dt.datetime(2022, 3, 1, 8, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    storage.store_rows([(point.pk, "2061", t, "w01018", 42.0, None, None, None, "N", t)])
    rows = api(hq_staff).get(f"/api/monitoring/measurements/?point={point.pk}").json()["results"]
    assert rows[0]["value"] == 42.0
    assert api(hq_staff).get("/api/monitoring/limits/").json()["count"] > 50


def test_the_alert_list_survives_alerts_without_a_responsible_unit(client, hq_staff, make_enterprise):
    e = make_enterprise(territorial_unit=None)
    services.alert_raise(actor=None, enterprise=e, kind="data_gap", dedupe_key="x", title="无属地")
    login(client, hq_staff)
    assert "无属地" in client.get(reverse("monitoring:alerts")).content.decode()
    assert Alert.objects.get().task_id is None


def test_it_adds_a_monitoring_card_to_the_enterprise_page(client, liaison, enterprise_contact, point):
    login(client, liaison)
    page = client.get(reverse("enterprises:detail", args=[point.enterprise_id])).content.decode()
    assert reverse("monitoring:enterprise_section", args=[point.enterprise_id]) in page
    client.force_login(enterprise_contact)
    page = client.get(reverse("enterprises:detail", args=[point.enterprise_id])).content.decode()
    assert "monitoring-section" not in page


def test_it_lets_hq_change_the_detector_thresholds(client, hq_staff, liaison):
    from relocation.monitoring.models import MonitoringPolicy

    assert login(client, liaison).get(reverse("monitoring:policy")).status_code == 403
    login(client, hq_staff)
    data = {
        "close_after_good_periods": 4,
        "gap_factor": "3",
        "stopped_share": "0.25",
        "baseline_days": 30,
        "window_days": 7,
        "night_share": "0.5",
    }
    assert client.post(reverse("monitoring:policy"), data).status_code == 302
    assert MonitoringPolicy.objects.get().stopped_share == Decimal("0.25")
    data["stopped_share"] = "1.5"
    assert client.post(reverse("monitoring:policy"), data).status_code == 200
    assert MonitoringPolicy.objects.get().stopped_share == Decimal("0.25")
