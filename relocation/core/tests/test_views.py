"""Core pages: each one with the outsider persona (a liaison of an unrelated
unit), and the health check."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

from relocation.core.models import Notification


@pytest.fixture
def someone_elses_notification(liaison):
    return Notification.objects.create(recipient=liaison, verb="task", title="虎门镇的待办", url="/")


@pytest.mark.django_db
def test_home_does_not_show_another_users_inbox(client, outsider, someone_elses_notification):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "虎门镇的待办" not in response.content.decode()


@pytest.mark.django_db
def test_inbox_does_not_show_another_users_notifications(client, outsider, someone_elses_notification):
    client.force_login(outsider)
    response = client.get(reverse("inbox"))
    assert response.status_code == 200
    assert list(response.context["page"]) == []


@pytest.mark.django_db
def test_inbox_mark_read_cannot_touch_another_users_notification(client, outsider, someone_elses_notification):
    client.force_login(outsider)
    client.post(reverse("inbox_mark_read"), {"id": [someone_elses_notification.pk]})
    someone_elses_notification.refresh_from_db()
    assert someone_elses_notification.read_at is None


@pytest.mark.django_db
def test_inbox_mark_read_refuses_get(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("inbox_mark_read")).status_code == 405


@pytest.mark.django_db
def test_the_guide_refuses_paths_outside_the_guide(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("guide")).status_code == 200
    assert client.get("/guide/..%2Fsettings/").status_code == 404
    assert client.get(reverse("guide_chapter", args=["no-such-chapter"])).status_code == 404


@pytest.mark.django_db
def test_the_guide_has_the_accounts_and_organisation_chapters(client, hq_staff):
    client.force_login(hq_staff)
    for chapter in ("accounts", "organisation"):
        assert client.get(reverse("guide_chapter", args=[chapter])).status_code == 200


@pytest.mark.django_db
def test_otp_verify_sends_a_user_without_a_device_to_enrolment(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("otp_verify"))["Location"] == reverse("otp_setup")


@pytest.mark.django_db
def test_otp_setup_never_reveals_a_confirmed_device_key(client, system_admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=system_admin, name="default", confirmed=True)
    client.force_login(system_admin)
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302 and response["Location"] == reverse("otp_verify")


@pytest.mark.django_db
def test_logout_ends_the_session(client, outsider):
    client.force_login(outsider)
    client.post(reverse("logout"))
    assert client.get(reverse("inbox")).status_code == 302


@pytest.mark.django_db
def test_login_redirects_a_logged_in_user(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("login")).status_code == 302


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(client):
    with mock.patch("relocation.core.views.connection") as conn:
        conn.cursor.side_effect = OperationalError("could not connect to server")
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "error: OperationalError"


@pytest.mark.django_db
def test_healthz_is_503_when_the_queue_is_unreachable(client):
    with mock.patch("huey.contrib.djhuey.HUEY.pending_count", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "queue": "error: ConnectionError"}


@pytest.mark.django_db
def test_healthz_reveals_nothing_but_the_status(client):
    body = client.get("/healthz").json()
    assert set(body) == {"status", "checks"}
