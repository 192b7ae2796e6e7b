"""Acceptance (验收销号) holds on evidence, remediation targets per site, land
handover, and reopening when the land use becomes first class."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relocation.core.errors import ServiceError, TransitionError
from relocation.core.models import AuditEvent, Notification
from relocation.remediation import selectors, services
from relocation.remediation.models import Stage
from relocation.remediation.tests.conftest import add_results, move

pytestmark = pytest.mark.django_db

OVER = [("S1", "cr6", "12.4"), ("S2", "pb", "3100")]
EFFECT_DAY = dt.date(2022, 9, 1)


def to_effect(site, liaison, values):
    move(liaison, site, Stage.INITIAL)
    add_results(liaison, site, values, OVER)
    move(liaison, site, Stage.DETAILED)
    add_results(liaison, site, values, OVER, stage="detailed", day=dt.date(2022, 3, 20))
    move(liaison, site, Stage.RISK)
    move(liaison, site, Stage.PLAN)
    services.milestones_plan(actor=liaison, site=site, start=dt.date(2022, 4, 1), steps=[("清挖", 20)])
    move(liaison, site, Stage.REMEDIATION)
    move(liaison, site, Stage.EFFECT)


@pytest.fixture
def responsible(site, inspector):
    return services.liability_determine(actor=inspector, site=site, basis="polluter", enterprise=site.enterprise)


def test_acceptance_is_refused_while_lead_exceeds_the_intervention_value(site, liaison, values, responsible):
    """Lead 2,600 > 2,500 (second class, intervention) and chromium(VI) 15 >
    5.7 (second class, screening, the default target) are both refused."""
    to_effect(site, liaison, values)
    add_results(liaison, site, values, [("S1", "cr6", "15"), ("S2", "pb", "2600")], stage="effect", day=EFFECT_DAY)
    with pytest.raises(ServiceError) as refused:
        move(liaison, site, Stage.CLOSED)
    assert "S1 铬（六价） 15 > 5.7 mg/kg" in refused.value.message
    assert "S2 铅 2600 > 800 mg/kg" in refused.value.message
    # With the plan's targets at the intervention values, lead still fails (2,600 > 2,500); chromium passes (15 < 78).
    services.target_basis_set(actor=liaison, site=site, basis="intervention", reason="修复方案：以管制值为目标")
    with pytest.raises(ServiceError) as refused:
        move(liaison, site, Stage.CLOSED)
    assert "S2 铅 2600 > 2500 mg/kg" in refused.value.message and "铬" not in refused.value.message
    site.refresh_from_db()
    assert site.stage == Stage.EFFECT


def test_a_site_target_decides_and_a_resample_supersedes(site, liaison, values, responsible):
    to_effect(site, liaison, values)
    add_results(liaison, site, values, [("S1", "cr6", "15"), ("S2", "pb", "600")], stage="effect", day=EFFECT_DAY)
    services.target_set(
        actor=liaison, site=site, pollutant=values["cr6"], value=Decimal("20"), reason="风险评估报告确定的修复目标"
    )
    with pytest.raises(ServiceError, match="超过第二类用地管制值 78"):
        services.target_set(actor=liaison, site=site, pollutant=values["cr6"], value=Decimal("90"), reason="x")
    with pytest.raises(ServiceError, match="依据"):
        services.target_set(actor=liaison, site=site, pollutant=values["cr6"], value=Decimal("10"), reason=" ")
    # Lead 600 < 800 and chromium 15 < its target 20: accepted.
    move(liaison, site, Stage.CLOSED)
    site.refresh_from_db()
    assert site.stage == Stage.CLOSED
    assert AuditEvent.objects.filter(action="remediation.target_set").count() == 1
    with pytest.raises(ServiceError, match="已验收"):
        services.target_set(actor=liaison, site=site, pollutant=values["pb"], value=Decimal("500"), reason="x")


def test_acceptance_requires_a_responsible_party_and_effect_results(site, liaison, values):
    to_effect(site, liaison, values)
    with pytest.raises(ServiceError) as refused:
        move(liaison, site, Stage.CLOSED)
    assert "尚未认定责任主体" in refused.value.message and "尚未录入效果评估" in refused.value.message
    add_results(liaison, site, values, [("S1", "cr6", "1.0")], stage="effect", day=EFFECT_DAY)
    with pytest.raises(ServiceError, match="尚未认定责任主体"):
        move(liaison, site, Stage.CLOSED)


def _accepted(site, liaison, values, rows=(("S1", "cr6", "4.0"), ("S2", "pb", "600"))):
    to_effect(site, liaison, values)
    add_results(liaison, site, values, list(rows), stage="effect", day=EFFECT_DAY)
    move(liaison, site, Stage.CLOSED)


def test_handover_is_a_stage_only_an_accepted_site_reaches(site, liaison, values, responsible):
    with pytest.raises(TransitionError):
        move(liaison, site, Stage.HANDED_OVER)
    to_effect(site, liaison, values)
    with pytest.raises(TransitionError):
        move(liaison, site, Stage.HANDED_OVER)
    add_results(liaison, site, values, [("S1", "cr6", "4.0")], stage="effect", day=EFFECT_DAY)
    move(liaison, site, Stage.CLOSED)
    change = move(liaison, site, Stage.HANDED_OVER, reason="移交土地储备中心")
    site.refresh_from_db()
    assert site.stage == Stage.HANDED_OVER and change.from_stage == Stage.CLOSED


def test_first_class_land_use_reopens_an_accepted_site(site, liaison, values, responsible, inspector):
    """Chromium(VI) 4.0 passes second class (5.7) but not first class (3.0)."""
    _accepted(site, liaison, values)
    change = services.site_change_land_use(actor=liaison, site=site, land_use="first", reason="控规调整为居住用地")
    site.refresh_from_db()
    assert site.stage == Stage.RISK and site.land_use == "first"
    assert change.from_stage == Stage.CLOSED and change.evidence is None
    assert "S1 铬（六价） 4 > 3 mg/kg" in change.reason and "控规调整为居住用地" in change.reason
    assert site.stage_changes.first() == change
    assert AuditEvent.objects.filter(action="remediation.site_reopened", object_id=str(site.pk)).exists()
    assert Notification.objects.filter(verb="remediation.site_reopened", recipient=liaison).exists()
    assert Notification.objects.filter(verb="remediation.site_reopened", recipient=inspector).exists()


def test_a_handed_over_site_is_reopened_too_and_a_clean_one_is_not(site, other_site, liaison, values, inspector):
    services.liability_determine(actor=inspector, site=site, basis="polluter", enterprise=site.enterprise)
    _accepted(site, liaison, values)
    move(liaison, site, Stage.HANDED_OVER)
    assert services.site_change_land_use(actor=liaison, site=site, land_use="first", reason="调整为学校用地")
    site.refresh_from_db()
    assert site.stage == Stage.RISK
    # Clean enough for first class as well: accepted, stays accepted.
    services.liability_determine(actor=inspector, site=other_site, basis="polluter", enterprise=other_site.enterprise)
    _accepted(other_site, inspector, values, rows=(("S1", "cr6", "1.0"), ("S2", "pb", "300")))
    assert services.site_change_land_use(actor=inspector, site=other_site, land_use="first", reason="居住") is None
    other_site.refresh_from_db()
    assert other_site.stage == Stage.CLOSED and other_site.land_use == "first"


def test_a_not_required_site_goes_back_to_detailed_investigation(site, liaison, values):
    move(liaison, site, Stage.INITIAL)
    add_results(liaison, site, values, [("S1", "cr6", "4.5"), ("S2", "pb", "500")])
    move(liaison, site, Stage.NOT_REQUIRED)
    services.site_change_land_use(actor=liaison, site=site, land_use="first", reason="调整为居住用地")
    site.refresh_from_db()
    assert site.stage == Stage.DETAILED


def test_the_land_use_is_not_changed_by_the_plain_edit(site, liaison):
    with pytest.raises(ServiceError, match="变更规划用地类型"):
        services.site_update(actor=liaison, site=site, expected_version=site.version, values={"land_use": "first"})
    with pytest.raises(ServiceError, match="依据"):
        services.site_change_land_use(actor=liaison, site=site, land_use="first", reason="")


def test_the_targets_list_shows_defaults_overrides_and_effect_results(site, liaison, values, responsible):
    to_effect(site, liaison, values)
    add_results(liaison, site, values, [("S1", "cr6", "15")], stage="effect", day=EFFECT_DAY)
    services.target_set(actor=liaison, site=site, pollutant=values["pb"], value=Decimal("1000"), reason="风险评估")
    rows = {r.pollutant.code: r for r in selectors.site_targets(site)}
    assert rows["cr6"].target == Decimal("5.7") and rows["cr6"].exceeded
    assert rows["pb"].target == Decimal("1000") and rows["pb"].default == Decimal("800")
