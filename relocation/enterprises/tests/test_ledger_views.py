from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.core.models import AuditEvent
from relocation.enterprises import services


@pytest.mark.django_db
def test_it_lists_and_searches_the_ledger(client, hq_staff, make_enterprise):
    make_enterprise(name="东莞市威远五金电镀有限公司")
    make_enterprise(name="东莞市南栅印染有限公司", industry="dyeing")
    client.force_login(hq_staff)
    page = client.get(reverse("enterprises:list"), {"q": "印染"}).content.decode()
    assert "南栅印染" in page and "威远五金" not in page
    page = client.get(reverse("enterprises:list"), {"industry": "electroplating"}).content.decode()
    assert "威远五金" in page and "南栅印染" not in page


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_enterprises(client, hq_staff, make_enterprise):
    client.force_login(hq_staff)
    make_enterprise()
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("enterprises:list"))
    for _ in range(30):
        make_enterprise()
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("enterprises:list"))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_detail_query_count_does_not_grow_with_visits(client, hq_staff, enterprise):
    import datetime as dt

    client.force_login(hq_staff)
    args = {"visitors": "甲、乙", "production_status_seen": "producing", "intention": "undecided"}
    services.visit_record(actor=hq_staff, enterprise=enterprise, visited_on=dt.date(2021, 7, 1), **args)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    for d in range(2, 12):
        services.visit_record(actor=hq_staff, enterprise=enterprise, visited_on=dt.date(2021, 7, d), **args)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_enterprise_contact_sees_only_its_own_enterprise(client, enterprise_contact, enterprise, make_enterprise):
    other = make_enterprise(name="东莞市别家电镀有限公司")
    client.force_login(enterprise_contact)
    assert client.get(reverse("enterprises:detail", args=[enterprise.pk])).status_code == 200
    assert client.get(reverse("enterprises:detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("enterprises:list")).content.decode()
    assert enterprise.name in page and other.name not in page


@pytest.mark.django_db
def test_outsider_cannot_edit(client, outsider, enterprise):
    client.force_login(outsider)
    assert client.get(reverse("enterprises:edit", args=[enterprise.pk])).status_code == 403


@pytest.mark.django_db
def test_auditor_cannot_read_the_ledger(client, auditor, enterprise):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(auditor)
    device = TOTPDevice.objects.create(user=auditor, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.get(reverse("enterprises:list")).status_code == 403


@pytest.mark.django_db
def test_phone_is_encrypted_at_rest_and_masked_on_screen(client, hq_staff, enterprise):
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM enterprises_enterprise WHERE id = %s", [enterprise.pk])
        stored = cursor.fetchone()[0]
    assert "13812345678" not in stored
    client.force_login(hq_staff)
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page


@pytest.mark.django_db
def test_a_concurrent_edit_is_detected_not_overwritten(client, liaison, hq_staff, enterprise):
    client.force_login(liaison)  # Humen's liaison: the territorial unit
    form = client.get(reverse("enterprises:edit", args=[enterprise.pk]))
    assert form.status_code == 200
    loaded_version = enterprise.version
    # Meanwhile HQ changes the enterprise.
    services.enterprise_update(
        actor=hq_staff, enterprise=enterprise, data={"workers_count": 99}, expected_version=loaded_version
    )
    data = {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "industry": "electroplating",
        "capital_background": "domestic",
        "workers_count": 10,
        "floor_area_m2": "1200",
        "wastewater_t_per_day": "30",
        "production_status": "producing",
        "version": loaded_version,
    }
    response = client.post(reverse("enterprises:edit", args=[enterprise.pk]), data)
    assert response.status_code == 200
    assert "其他人已修改" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.workers_count == 99


@pytest.mark.django_db
def test_an_edit_is_audited_with_field_changes(client, liaison, enterprise):
    client.force_login(liaison)
    data = {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "industry": "electroplating",
        "capital_background": "hong_kong",
        "workers_count": 50,
        "floor_area_m2": "1200",
        "wastewater_t_per_day": "30",
        "production_status": "producing",
        "contact_phone": "13900001111",
        "version": enterprise.version,
    }
    response = client.post(reverse("enterprises:edit", args=[enterprise.pk]), data)
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="enterprise.updated", enterprise_id=enterprise.pk).get()
    assert event.changes["capital_background"] == ["domestic", "hong_kong"]
    # Personal data never reaches the audit log in clear.
    old, new = event.changes["contact_phone"]
    assert old != new and "13900001111" not in str(event.changes) and new.startswith("***")
    assert event.actor == liaison


@pytest.mark.django_db
def test_a_bad_credit_code_is_refused_in_chinese(client, liaison, enterprise):
    client.force_login(liaison)
    data = {
        "name": enterprise.name,
        "credit_code": "91441900123456789X",
        "industry": "electroplating",
        "capital_background": "domestic",
        "workers_count": 50,
        "floor_area_m2": "1200",
        "wastewater_t_per_day": "30",
        "production_status": "producing",
        "version": enterprise.version,
    }
    response = client.post(reverse("enterprises:edit", args=[enterprise.pk]), data)
    assert "校验位错误" in response.content.decode()
