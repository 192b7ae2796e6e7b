"""Incidents and opinion events reach the units the plan names for their
kind, by function (no unit codes): 台港澳办 for HK/Macao/Taiwan capital, human
resources for labour disputes, the stability office for 重特大 events."""

from __future__ import annotations

import pytest

from relocation.conftest import make_user
from relocation.core.models import Notification
from relocation.core.roles import Role
from relocation.stability import selectors, services
from relocation.stability.tests.conftest import ago

pytestmark = pytest.mark.django_db


def _dispute(actor, programme, enterprise, lead, **overrides):
    data = dict(
        actor=actor,
        programme=programme,
        kind="labour_dispute",
        title="港资企业80人劳资纠纷",
        occurred_at=ago(hours=1),
        place="厂门口",
        description="约80名工人聚集讨要工资和经济补偿金。",
        people_count=80,
        severity="major",
        enterprise=enterprise,
        lead_unit=lead,
    )
    data.update(overrides)
    return services.incident_report(**data)


def test_a_major_labour_dispute_at_an_hk_enterprise_reaches_the_three_units(
    hq_staff, programme, hk_enterprise, stability_units
):
    incident = _dispute(hq_staff, programme, hk_enterprise, stability_units["humen"])
    co = {u.pk for u in incident.co_units.all()}
    assert co == {stability_units[c].pk for c in ("tgao", "hrss", "stability")}
    for code in ("tgao", "hrss", "stability"):
        liaison = make_user(f"{code}_l", Role.UNIT_LIAISON, stability_units[code])
        assert selectors.incident_for_user(liaison, incident.pk) == incident
    outsider = make_user("propaganda_l", Role.UNIT_LIAISON, stability_units["propaganda"])
    assert not selectors.incidents_for_user(outsider).exists()


def test_the_routed_units_are_told(hq_staff, programme, hk_enterprise, stability_units):
    people = {c: make_user(f"{c}_l", Role.UNIT_LIAISON, stability_units[c]) for c in ("tgao", "hrss", "stability")}
    incident = _dispute(hq_staff, programme, hk_enterprise, stability_units["humen"])
    for user in people.values():
        assert Notification.objects.filter(recipient=user, url__contains=f"/incidents/{incident.pk}/").exists()


def test_a_general_safety_accident_is_not_routed(hq_staff, programme, enterprise, stability_units):
    incident = _dispute(
        hq_staff, programme, enterprise, stability_units["humen"], kind="safety_accident", severity="general"
    )
    assert not incident.co_units.exists()


def test_raising_an_incident_to_major_adds_the_stability_office(hq_staff, programme, enterprise, stability_units):
    incident = _dispute(hq_staff, programme, enterprise, stability_units["humen"], severity="general")
    assert {u.pk for u in incident.co_units.all()} == {stability_units["hrss"].pk}
    services.incident_update(
        actor=hq_staff,
        incident=incident,
        expected_version=incident.version,
        title=incident.title,
        place=incident.place,
        description=incident.description,
        severity="major",
        people_count=80,
        co_units=[],
    )
    assert {u.pk for u in incident.co_units.all()} == {stability_units["hrss"].pk, stability_units["stability"].pk}


def test_a_major_opinion_event_brings_in_the_stability_office(hq_staff, programme, hk_enterprise, stability_units):
    event = services.opinion_record(
        actor=hq_staff,
        programme=programme,
        source="online",
        title="港资企业欠薪传闻",
        first_seen_at=ago(hours=1),
        level="major",
        description="网帖称企业欠薪。",
        enterprise=hk_enterprise,
    )
    assert event.owner_unit == stability_units["tgao"]
    assert {u.pk for u in event.co_units.all()} == {stability_units["propaganda"].pk, stability_units["stability"].pk}
