"""Stability and public-opinion owners in the second programme, whose units
carry other codes than Zone B's and where one unit holds several functions
(xcb: propaganda and HK/Macao/Taiwan affairs; gafj: police and the stability
office; rsfj: human resources): every owner is found by function."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relocation.conftest import make_user
from relocation.core.roles import Role
from relocation.organisation.tests.second_programme import enterprise_in, load_second_programme
from relocation.stability import services
from relocation.stability.models import IncidentKind, OpinionLevel, OpinionSource, RiskLevel, Severity

pytestmark = pytest.mark.django_db


@pytest.fixture
def jianghai():
    programme, units = load_second_programme()
    return programme, units, make_user("jh_hq", Role.HQ_STAFF, units["zb"])


def _opinion(programme, hq, **kw):
    return services.opinion_record(
        actor=hq,
        programme=programme,
        source=OpinionSource.ONLINE,
        title="网传临港企业偷排",
        first_seen_at=timezone.now() - dt.timedelta(hours=1),
        description="论坛帖子",
        **kw,
    )


def _incident(programme, hq, lead, **kw):
    return services.incident_report(
        actor=hq,
        programme=programme,
        title="工人聚集",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        place="临港街道",
        description="讨要工资",
        lead_unit=lead,
        **kw,
    )


def test_the_propaganda_unit_owns_an_opinion_event_by_default(jianghai):
    programme, _units, hq = jianghai
    event = _opinion(programme, hq)
    assert event.owner_unit.code == "xcb" and list(event.co_units.all()) == []


def test_hk_macao_taiwan_affairs_own_the_opinion_on_such_an_enterprise_never_as_its_own_co_unit(jianghai):
    programme, units, hq = jianghai
    enterprise = enterprise_in(programme, units["lgjd"], 1, capital_background="taiwan")
    event = _opinion(programme, hq, enterprise=enterprise)
    assert event.owner_unit.code == "xcb" and list(event.co_units.all()) == []


def test_a_major_opinion_event_brings_in_the_stability_office(jianghai):
    programme, _units, hq = jianghai
    event = _opinion(programme, hq, level=OpinionLevel.MAJOR)
    assert event.owner_unit.code == "xcb"
    assert [u.code for u in event.co_units.all()] == ["gafj"]


def test_a_wage_dispute_goes_to_human_resources_and_a_serious_one_to_the_stability_office(jianghai):
    programme, units, hq = jianghai
    labour = _incident(programme, hq, units["lgjd"], kind=IncidentKind.LABOUR_DISPUTE)
    assert labour.lead_unit.code == "lgjd" and [u.code for u in labour.co_units.all()] == ["rsfj"]
    serious = _incident(programme, hq, units["lgjd"], kind=IncidentKind.PETITION, severity=Severity.MAJOR)
    assert [u.code for u in serious.co_units.all()] == ["gafj"]


def test_an_incident_at_an_enterprise_with_taiwan_capital_brings_in_its_affairs_office(jianghai):
    programme, units, hq = jianghai
    enterprise = enterprise_in(programme, units["lgjd"], 2, capital_background="taiwan")
    incident = _incident(programme, hq, units["lgjd"], kind=IncidentKind.OTHER, enterprise=enterprise)
    assert [u.code for u in incident.co_units.all()] == ["xcb"]


def test_the_risk_of_an_enterprise_with_hong_kong_capital_is_shared_with_its_affairs_office(jianghai):
    programme, units, hq = jianghai
    enterprise = enterprise_in(programme, units["lgjd"], 3, capital_background="hong_kong")
    risk = services.risk_assess(
        actor=hq,
        enterprise=enterprise,
        level=RiskLevel.HIGH,
        responsible_unit=units["lgjd"],
        review_on=timezone.localdate() + dt.timedelta(days=7),
    )
    assert [u.code for u in risk.co_units.all()] == ["xcb"]
