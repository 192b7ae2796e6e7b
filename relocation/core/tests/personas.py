"""Test helpers for the administrator personas: they must pass the second
factor, so a test logs them in with an enrolled TOTP device."""

from __future__ import annotations

from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from relocation.conftest import make_user
from relocation.core.roles import Role


def make_security_admin(username: str = "secadmin") -> Any:
    return make_user(username, Role.SECURITY_ADMIN)


def enrol(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now, computed from the device key."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def verified_login(client: Any, user: Any) -> Any:
    """Log in and mark the session as having passed the second factor."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def post_login(client, data, **extra):
    """Post the login form, answering the challenge question if the session holds one."""
    from django.urls import reverse

    from relocation.core.login_challenge import SESSION_KEY

    answer = client.session.get(SESSION_KEY)
    if answer:
        data = {**data, "challenge": answer}
    return client.post(reverse("login"), data, **extra)
