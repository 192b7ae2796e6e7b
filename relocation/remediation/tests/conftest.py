from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test report\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def values(db):
    """GB 36600-2018 rows (a transactional test may have flushed the migration's data)."""
    from relocation.remediation import screening_values
    from relocation.remediation.models import ScreeningValue

    screening_values.load(ScreeningValue)
    return {v.code: v for v in ScreeningValue.objects.all()}


def vacated(enterprise, status="production_stopped"):
    """The enterprise has stopped producing (a site can only be opened then)."""
    type(enterprise).objects.filter(pk=enterprise.pk).update(status=status)
    enterprise.refresh_from_db()
    return enterprise


@pytest.fixture
def site(hq_staff, enterprise, values):
    from relocation.remediation import services

    vacated(enterprise)
    return services.site_create(actor=hq_staff, enterprise=enterprise, code="HM-001", name="精艺电镀原厂址地块")


@pytest.fixture
def other_site(hq_staff, make_enterprise, units, values):
    """A plot in another town (Binhaiwan): Humen's people do not see it."""
    from relocation.remediation import services

    enterprise = vacated(make_enterprise(name="滨海湾某染整厂", territorial_unit=units["binhaiwan"]))
    return services.site_create(actor=hq_staff, enterprise=enterprise, code="BH-001", name="滨海湾某染整厂地块")


def add_results(actor, site, values, rows, stage="initial", day=dt.date(2022, 3, 1)):
    from relocation.remediation import services

    for point, code, concentration in rows:
        services.result_add(
            actor=actor,
            site=site,
            pollutant=values[code],
            point=point,
            depth_m=Decimal("0.5"),
            concentration=Decimal(concentration),
            sampled_on=day,
            stage=stage,
        )


def move(actor, site, target, reason="依据报告推进"):
    from relocation.remediation import services

    site.refresh_from_db()
    return services.site_move(actor=actor, site=site, target=target, reason=reason, evidence=pdf())


@pytest.fixture
def liable(site, inspector):
    """A polluter liable for remediation, and a compensation obligation due in the past."""
    from relocation.remediation import services

    liability = services.liability_determine(
        actor=inspector, site=site, basis="polluter", enterprise=site.enterprise, determined_on=dt.date(2022, 1, 5)
    )
    compensation = services.obligation_create(
        actor=inspector,
        liability=liability,
        kind="compensation",
        description="生态环境损害赔偿",
        amount=Decimal("100000"),
        due_on=dt.date(2022, 3, 31),
    )
    return liability, compensation
