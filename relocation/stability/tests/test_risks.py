"""The stability risk register (风险研判)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.models import AuditEvent
from relocation.stability import selectors, services

pytestmark = pytest.mark.django_db


def test_it_assesses_a_risk_and_starts_the_level_history(risk, enterprise):
    assert risk.level == "medium" and risk.factors == ["wage_arrears"]
    assert [(h.from_level, h.to_level) for h in risk.level_changes.all()] == [("", "medium")]
    event = AuditEvent.objects.get(action="stability.risk_assessed")
    assert event.enterprise_id == enterprise.pk  # on the enterprise's timeline


def test_a_level_change_needs_a_reason_and_is_kept(risk, hq_staff, stability_units):
    kwargs = dict(
        actor=hq_staff,
        risk=risk,
        expected_version=risk.version,
        level="high",
        factors=["wage_arrears"],
        responsible_unit=stability_units["humen"],
        review_on=timezone.localdate(),
    )
    with pytest.raises(ServiceError):
        services.risk_update(**kwargs)
    services.risk_update(**kwargs, reason="工人聚集讨薪")
    risk.refresh_from_db()
    assert risk.level == "high" and risk.version == 2
    last = risk.level_changes.last()
    assert (last.from_level, last.to_level, last.reason) == ("medium", "high", "工人聚集讨薪")
    assert AuditEvent.objects.filter(action="stability.risk_level_changed").count() == 1


def test_an_edit_on_an_old_version_is_refused(risk, hq_staff, stability_units):
    with pytest.raises(ConflictError):
        services.risk_update(
            actor=hq_staff,
            risk=risk,
            expected_version=risk.version - 1 if risk.version > 1 else 99,
            level="medium",
            responsible_unit=stability_units["humen"],
            review_on=timezone.localdate(),
        )


def test_the_cross_strait_factor_follows_the_ledger_and_brings_in_tgao(hq_staff, hk_enterprise, stability_units):
    risk = services.risk_assess(
        actor=hq_staff,
        enterprise=hk_enterprise,
        level="low",
        factors=[],
        responsible_unit=stability_units["humen"],
        review_on=timezone.localdate(),
    )
    assert risk.factors == ["cross_strait_capital"]
    assert stability_units["tgao"] in risk.co_units.all()


def test_a_unit_enters_risks_for_itself_only(liaison, enterprise, stability_units):
    with pytest.raises(PermissionDeniedError):
        services.risk_assess(
            actor=liaison,
            enterprise=enterprise,
            level="low",
            responsible_unit=stability_units["police"],
            review_on=timezone.localdate(),
        )
    risk = services.risk_assess(
        actor=liaison,
        enterprise=enterprise,
        level="low",
        responsible_unit=stability_units["humen"],
        review_on=timezone.localdate(),
    )
    assert risk.assessed_by == liaison


def test_one_entry_per_enterprise(risk, hq_staff, enterprise, stability_units):
    with pytest.raises(ServiceError):
        services.risk_assess(
            actor=hq_staff,
            enterprise=enterprise,
            level="low",
            responsible_unit=stability_units["humen"],
            review_on=timezone.localdate(),
        )


def test_scope_hq_all_units_own_or_co_owned_contacts_nothing(
    risk, hq_staff, liaison, outsider, enterprise_contact, auditor, group_leader
):
    assert list(selectors.risks_for_user(hq_staff)) == [risk]
    assert list(selectors.risks_for_user(group_leader)) == [risk]
    assert list(selectors.risks_for_user(auditor)) == [risk]
    assert list(selectors.risks_for_user(liaison)) == [risk]  # Humen is responsible
    assert list(selectors.risks_for_user(outsider)) == []
    assert list(selectors.risks_for_user(enterprise_contact)) == []
    risk.co_units.add(outsider.unit)
    assert list(selectors.risks_for_user(outsider)) == [risk]  # co-owned, once


def test_high_risk_enterprises_come_first(hq_staff, make_enterprise, stability_units):
    for level in ["low", "high", "medium"]:
        services.risk_assess(
            actor=hq_staff,
            enterprise=make_enterprise(),
            level=level,
            responsible_unit=stability_units["humen"],
            review_on=timezone.localdate() + dt.timedelta(days=3),
        )
    assert [r.level for r in selectors.risks_for_user(hq_staff)] == ["high", "medium", "low"]
    assert [r.level for r in selectors.high_risk_for_user(hq_staff)] == ["high"]
