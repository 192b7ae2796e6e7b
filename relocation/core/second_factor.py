"""Checking a TOTP code against the security clock.

django-otp's `TOTPDevice.verify_token` reads `time.time()`, which the demo
clock moves years back: no real authenticator could ever match. This is the
same check (tolerance, no replay of a used step, drift, throttling) on
`security_clock` time."""

from __future__ import annotations

from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from relocation.core import security_clock


def verify(device: TOTPDevice, token: str) -> bool:
    allowed, _detail = device.verify_is_allowed()
    if not allowed:
        return False
    try:
        code = int(token)
    except (TypeError, ValueError):
        verified = False
    else:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = security_clock.time()
        verified = totp.verify(code, device.tolerance, device.last_t + 1)
        if verified:
            device.last_t = totp.t()
            if getattr(settings, "OTP_TOTP_SYNC", True):
                device.drift = totp.drift
            device.throttle_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save()
    if not verified:
        device.throttle_increment(commit=True)
    return verified
