"""The device health page, the CRC proposal on the point page, and the offline
alert that reaches the owning unit with a task (stage clock, escalation)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relocation.monitoring import evaluation
from relocation.monitoring.models import DeviceStatus, FrameCounter, IngestCounter, MonitoringPoint

pytestmark = pytest.mark.django_db


def test_it_lists_devices_worst_first_with_a_constant_number_of_queries(client, hq_staff, make_enterprise, standards):
    client.force_login(hq_staff)
    now = timezone.now()

    def add(n, *, healthy):
        for i in range(n):
            e = make_enterprise()
            p = MonitoringPoint.objects.create(mn=f"MN{e.pk:05d}{i}", password="1", enterprise=e, name=f"排口{e.pk}")
            if healthy:
                DeviceStatus.objects.create(point=p, last_frame_at=now, clock_skew_seconds=3)
                FrameCounter.objects.create(
                    day=timezone.localdate(now), mn=p.mn, crc_variant="hj212", version="2017", count=5
                )
            else:
                IngestCounter.objects.create(day=timezone.localdate(now), mn=p.mn, reason="bad CRC: modbus_hi", count=7)

    add(1, healthy=True)
    add(1, healthy=False)
    client.get(reverse("monitoring:devices"))  # the first request creates the policy row and the session
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("monitoring:devices"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.offline for r in rows] == [True, False]
    assert rows[0].refusals == {"bad CRC: modbus_hi": 7} and rows[0].proposed_crc == "modbus_hi"
    assert "bad CRC: modbus_hi: 7" in response.content.decode()
    add(5, healthy=True)
    add(5, healthy=False)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("monitoring:devices"))
    assert len(many) == len(few)


def test_it_refuses_the_health_page_to_people_outside_the_staff(client, enterprise_contact):
    client.force_login(enterprise_contact)
    assert client.get(reverse("monitoring:devices")).status_code == 403


def test_it_shows_a_unit_only_the_devices_it_owns(client, outsider, liaison, point):
    """The liaison's unit is the enterprise's territorial unit; the outsider's is not."""
    assert point.enterprise.territorial_unit_id == liaison.unit_id
    client.force_login(outsider)
    assert point.mn not in client.get(reverse("monitoring:devices")).content.decode()
    client.force_login(liaison)
    assert point.mn in client.get(reverse("monitoring:devices")).content.decode()


def test_it_shows_the_dialect_a_point_really_speaks_and_proposes_its_variant(client, hq_staff, point):
    client.force_login(hq_staff)
    today = timezone.localdate()
    FrameCounter.objects.create(day=today, mn=point.mn, crc_variant="hj212", version="2025", count=12)
    page = client.get(reverse("monitoring:point_edit", args=[point.pk])).content.decode()
    assert "HJ 212-2025" in page and "建议将" not in page
    IngestCounter.objects.create(day=today, mn=point.mn, reason="bad CRC: modbus_lo", count=5)
    page = client.get(reverse("monitoring:point_edit", args=[point.pk])).content.decode()
    assert "modbus_lo" in page and "建议将" in page


def test_it_alerts_the_owning_unit_of_an_offline_device_with_a_task(point):
    from relocation.supervision.models import Task

    point.created_at = timezone.now() - dt.timedelta(hours=5)
    MonitoringPoint.objects.filter(pk=point.pk).update(created_at=point.created_at)
    assert evaluation.check_gaps() == 1
    alert = point.alerts.get(kind="data_gap")
    assert alert.responsible_unit == point.enterprise.territorial_unit
    task = Task.objects.get(pk=alert.task_id)
    assert task.lead_unit == point.enterprise.territorial_unit and task.deadline is not None


def test_it_refuses_an_sm4_key_that_is_not_sixteen_bytes(hq_staff, point):
    from relocation.core.errors import ServiceError
    from relocation.monitoring import services

    with pytest.raises(ServiceError):
        services.point_update(actor=hq_staff, point=point, data={"sm4_key": "abc"}, expected_version=point.version)
    services.point_update(
        actor=hq_staff,
        point=point,
        data={"sm4_key": "30" * 16, "protocol_version": "2025"},
        expected_version=point.version,
    )
    point.refresh_from_db()
    assert point.sm4_key == "30" * 16 and point.protocol_version == "2025"


def test_recording_activity_merges_into_device_status_without_moving_the_newest_data_back(point):
    from relocation.monitoring import storage

    t0 = timezone.now().replace(microsecond=0)
    DeviceStatus.objects.create(point=point, last_data_time=t0, time_set_at=t0 - dt.timedelta(days=1))
    storage.record_activity(
        {(t0.date(), point.mn, "annex_a", "2017"): 3},
        {
            point.pk: {"last_frame_at": t0, "last_data_time": t0 - dt.timedelta(hours=2), "clock_skew_seconds": 7},
            999_999: {"last_frame_at": t0},  # a point deleted since: skipped
        },
    )
    status = DeviceStatus.objects.get(point=point)
    assert status.last_data_time == t0  # back-filled history is older than what is known
    assert (status.last_frame_at, status.clock_skew_seconds) == (t0, 7)
    assert status.time_set_at == t0 - dt.timedelta(days=1)  # not seen this time: kept
    storage.record_activity({}, {point.pk: {"last_data_time": t0 + dt.timedelta(minutes=1)}})
    status.refresh_from_db()
    assert status.last_data_time == t0 + dt.timedelta(minutes=1) and status.clock_skew_seconds == 7
    assert FrameCounter.objects.get(mn=point.mn).count == 3
    assert DeviceStatus.objects.count() == 1
