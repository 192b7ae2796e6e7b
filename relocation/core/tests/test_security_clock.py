"""Security clocks keep real time under the demo clock: an administrator enrols
and verifies a real authenticator while the demo says 2021, and a session's idle
expiry is counted in real minutes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from config import democlock
from relocation.core import security_clock
from relocation.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clock(monkeypatch):
    """The demo clock as `make demo` starts it, set far in the past."""
    monkeypatch.setenv("RHQ_DEMO_TODAY", "2021-03-01")
    democlock.start_from_env()
    yield
    democlock.stop()


def _phone_code(device: TOTPDevice) -> str:
    """What an authenticator app on a phone shows now: real time, not the demo's."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time_machine.escape_hatch.time.time()
    return f"{totp.token():0{device.digits}d}"


def test_the_demo_clock_is_far_from_the_security_clock(demo_clock):
    from django.utils import timezone

    assert timezone.localdate() < dt.date(2021, 3, 2)
    real = time_machine.escape_hatch.datetime.datetime.now(dt.UTC)
    assert abs((security_clock.now() - real).total_seconds()) < 60


def test_an_admin_enrols_and_verifies_a_real_authenticator_under_the_demo_clock(demo_clock, client):
    from relocation.conftest import make_user

    admin = make_user("sysadmin", Role.SYSTEM_ADMIN)
    client.force_login(admin)
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=admin)
    response = client.post(reverse("otp_setup"), {"token": _phone_code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    device.refresh_from_db()
    assert device.confirmed
    # The next sign-in (a later time step of the same phone) verifies too.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=device.last_t - 1)
    client.logout()
    client.force_login(admin)
    response = client.post(reverse("otp_verify"), {"token": _phone_code(device)})
    assert response.status_code == 302


def test_a_demo_time_code_is_refused_under_the_demo_clock(demo_clock, client):
    from django_otp.oath import totp

    from relocation.conftest import make_user

    admin = make_user("sysadmin", Role.SYSTEM_ADMIN)
    client.force_login(admin)
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=admin)
    demo_code = f"{totp(device.bin_key):06d}"  # computed on the (travelled) demo time
    response = client.post(reverse("otp_setup"), {"token": demo_code})
    assert response.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed


def test_a_session_expires_after_thirty_real_minutes_under_the_demo_clock(demo_clock, client, hq_staff):
    from django.contrib.sessions.models import Session

    client.force_login(hq_staff)
    assert client.get(reverse("inbox")).status_code == 200
    session = Session.objects.get()
    real = time_machine.escape_hatch.datetime.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=29) < session.expire_date - real < dt.timedelta(minutes=31)
