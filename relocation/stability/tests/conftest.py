from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from relocation.conftest import make_user
from relocation.core.roles import Role

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def ago(**kwargs: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


@pytest.fixture
def stability_units(units, programme):
    """The plan's units for stability work, added to the shared test programme."""
    from relocation.conftest import make_unit

    extra = {
        code: make_unit(programme, code, name, "department", (function,), order=20 + i)
        for i, (code, name, function) in enumerate(
            [
                ("propaganda", "宣传部门", "propaganda"),
                ("tgao", "市委台港澳办", "hk_macao_taiwan"),
                ("stability", "综治维稳部门", "stability"),
                ("hrss", "人力资源和社会保障部门", "human_resources"),
            ]
        )
    }
    return {**units, **extra}


@pytest.fixture
def propaganda_liaison(stability_units):
    return make_user("propaganda_liaison", Role.UNIT_LIAISON, stability_units["propaganda"])


@pytest.fixture
def tgao_liaison(stability_units):
    return make_user("tgao_liaison", Role.UNIT_LIAISON, stability_units["tgao"])


@pytest.fixture
def hk_enterprise(make_enterprise):
    return make_enterprise(name="东莞市港兴电镀有限公司", capital_background="hong_kong")


@pytest.fixture
def risk(hq_staff, enterprise, stability_units):
    from relocation.stability import services

    return services.risk_assess(
        actor=hq_staff,
        enterprise=enterprise,
        level="medium",
        factors=["wage_arrears"],
        responsible_unit=stability_units["humen"],
        review_on=timezone.localdate() + dt.timedelta(days=7),
    )


@pytest.fixture
def incident(hq_staff, programme, enterprise, stability_units):
    from relocation.stability import services

    return services.incident_report(
        actor=hq_staff,
        programme=programme,
        kind="labour_dispute",
        title="工人聚集讨薪",
        occurred_at=ago(hours=1),
        place="B区3路",
        description="约30名工人聚集在厂门口。",
        people_count=30,
        enterprise=enterprise,
        lead_unit=stability_units["humen"],
    )


@pytest.fixture
def opinion(hq_staff, programme, stability_units):
    from relocation.stability import services

    return services.opinion_record(
        actor=hq_staff,
        programme=programme,
        source="online",
        title="网帖称B区关停一刀切",
        first_seen_at=ago(minutes=30),
        level="larger",
        url="https://bbs.example.invalid/t/1",
    )


@pytest.fixture
def plan(hq_staff, programme, stability_units):
    from relocation.stability import services

    return services.plan_create(
        actor=hq_staff,
        programme=programme,
        title="B区维稳应急预案",
        scope="关停搬迁期间的群体性事件。",
        responsible_units=[stability_units["stability"], stability_units["humen"]],
        contact_roles="现场处置组：虎门镇",
    )
