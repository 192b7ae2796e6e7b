"""Fixtures of the enforcement tests: the loaded configuration, an
environment team (inspector + inspector2) and a photo file."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from relocation.conftest import make_user
from relocation.core.roles import Role


@pytest.fixture
def config(programme, units):
    from relocation.enforcement import services

    services.configuration_ensure(actor=None, programme=programme)
    return programme


@pytest.fixture
def domain(config):
    from relocation.enforcement.models import EnforcementDomain

    return EnforcementDomain.objects.get(programme=config, code="ecology_environment")


@pytest.fixture
def team(domain, inspector, inspector2):
    from relocation.enforcement import services

    return services.team_create(actor=None, domain=domain, name="生态环境执法一组", members=[inspector, inspector2])


@pytest.fixture
def eeb_leader(units):
    return make_user("eeb_leader", Role.UNIT_LEADER, units["eeb"])


def jpeg_bytes() -> bytes:
    """A small JPEG with the EXIF time and GPS position a phone camera writes."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x0132] = "2026:03:02 10:15:00"
    exif[0x8825] = {1: "N", 2: (22.0, 49.0, 12.0), 3: "E", 4: (113.0, 41.0, 24.0)}
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


@pytest.fixture
def photo() -> Any:
    return SimpleUploadedFile("site.jpg", jpeg_bytes(), content_type="image/jpeg")


@pytest.fixture
def record(team, inspector, inspector2, enterprise):
    """Record a submitted inspection of `enterprise` by the team."""
    from relocation.enforcement import services

    def _record(**overrides: Any):
        values: dict[str, Any] = {
            "actor": inspector,
            "enterprise": enterprise,
            "team": team,
            "inspectors": [inspector, inspector2],
            "findings": "废水直排",
            "representative_name": "王经理",
            "representative_signed": True,
        }
        values.update(overrides)
        return services.inspection_record(**values)

    return _record


@pytest.fixture
def violation(record, domain, inspector):
    from relocation.enforcement import services

    inspection = record()
    return services.violation_record(
        actor=inspector,
        inspection=inspection,
        domain=domain,
        legal_basis=domain.legal_bases.first(),
        description="通过暗管排放电镀废水",
    )
