from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.parks import incentives, selectors

# The basis HQ must give for a stop date the lifecycle history does not hold.
MANUAL = "镇街停产核查笔录 2021-018"


@pytest.fixture
def policy(hq_staff, programme):
    return incentives.policy_create(
        actor=hq_staff,
        programme=programme,
        code="early",
        name="主动搬迁奖励",
        basis="per_m2",
        tiers=[{"stopped_by": "2022-03-31", "rate": "200"}, {"stopped_by": "2021-12-31", "rate": "300"}],
        cap_amount=Decimal("300000"),
        requires_closure_verified=True,
    )


@pytest.mark.django_db
def test_it_explains_every_term_of_the_amount(policy, make_enterprise):
    e = make_enterprise(status="closure_verified", floor_area_m2=Decimal("1200"))
    outcome = incentives.compute(policy, e, dt.date(2021, 12, 20))
    assert outcome["eligible"] and outcome["amount"] == Decimal("300000.00")
    assert outcome["terms"] == [
        "无未办结违法行为：符合",
        "关停已核验（两断三清）：符合",
        "停产日期 2021-12-20，不晚于 2021-12-31，适用标准 300 元",
        "计算基数：厂房面积 1200 平方米",
        "1200 × 300 = 360000.00 元",
        "超过单个企业上限，按上限 300000 元计",
    ]
    later = incentives.compute(policy, e, dt.date(2022, 2, 1))
    assert later["amount"] == Decimal("240000.00")
    too_late = incentives.compute(policy, e, dt.date(2022, 5, 1))
    assert not too_late["eligible"] and "晚于最后一档截止日" in too_late["problems"][0]


@pytest.fixture
def open_violations(monkeypatch):
    """Stand in for enforcement's counter in core.compliance: {enterprise id: n}."""
    counts: dict[int, int] = {}

    def counter(ids):
        return {pk: counts[pk] for pk in ids if pk in counts}

    from relocation.core import compliance

    monkeypatch.setattr(compliance, "_open_violation_counter", [counter])
    return counts


@pytest.mark.django_db
def test_open_violations_and_an_unverified_closure_make_an_enterprise_ineligible(
    policy, make_enterprise, hq_staff, open_violations
):
    e = make_enterprise(status="production_stopped")
    open_violations[e.pk] = 1
    # An audit event alone no longer counts: enforcement's own records do.
    audit.record(actor=None, action="enforcement.order_closed", obj=e, enterprise_id=e.pk, summary="整改令销号")
    with pytest.raises(ServiceError) as exc:
        incentives.grant_create(
            actor=hq_staff,
            policy=policy,
            enterprise=e,
            production_stopped_on=dt.date(2021, 12, 1),
            stop_override_reason=MANUAL,
        )
    assert "未办结违法行为 1 起" in exc.value.message and "关停尚未核验" in exc.value.message
    open_violations[e.pk] = 0
    assert incentives.open_violations(e) == 0


@pytest.mark.django_db
def test_without_a_provider_violations_cannot_be_checked(policy, make_enterprise, monkeypatch):
    from relocation.core import compliance

    monkeypatch.setattr(compliance, "_open_violation_counter", [])
    e = make_enterprise(status="closure_verified")
    outcome = incentives.compute(policy, e, dt.date(2021, 12, 1))
    assert not outcome["eligible"] and "无法核实违法行为" in outcome["problems"][0]


@pytest.mark.django_db
def test_four_eyes_the_creator_cannot_approve(policy, make_enterprise, hq_staff, hq_commander):
    e = make_enterprise(status="closure_verified")
    grant = incentives.grant_create(
        actor=hq_staff,
        policy=policy,
        enterprise=e,
        production_stopped_on=dt.date(2021, 12, 1),
        stop_override_reason=MANUAL,
    )
    with pytest.raises(PermissionDeniedError, match="核算人不能审批"):
        incentives.grant_decide(actor=hq_staff, grant=grant, approve=True)
    incentives.grant_decide(actor=hq_commander, grant=grant, approve=True)
    grant.refresh_from_db()
    assert grant.status == "approved" and grant.approved_by == hq_commander


@pytest.mark.django_db
def test_payments_never_exceed_the_grant_and_totals_add_up(policy, make_enterprise, hq_staff, hq_commander):
    e = make_enterprise(status="closure_verified", floor_area_m2=Decimal("1000"))
    grant = incentives.grant_create(
        actor=hq_staff,
        policy=policy,
        enterprise=e,
        production_stopped_on=dt.date(2021, 12, 1),
        stop_override_reason=MANUAL,
    )
    with pytest.raises(ServiceError, match="已批准"):
        incentives.payment_record(
            actor=hq_commander, grant=grant, amount=Decimal("1"), paid_on=dt.date(2022, 4, 1), voucher_no="V0"
        )
    assert selectors.policy_totals(policy)["pending"] == Decimal("300000")
    incentives.grant_decide(actor=hq_commander, grant=grant, approve=True)
    incentives.payment_record(
        actor=hq_staff, grant=grant, amount=Decimal("100000"), paid_on=dt.date(2022, 4, 1), voucher_no="V1"
    )
    with pytest.raises(ServiceError, match="超过批准金额"):
        incentives.payment_record(
            actor=hq_staff, grant=grant, amount=Decimal("250000"), paid_on=dt.date(2022, 4, 2), voucher_no="V2"
        )
    with pytest.raises(ServiceError, match="已登记过"):
        incentives.payment_record(
            actor=hq_staff, grant=grant, amount=Decimal("1"), paid_on=dt.date(2022, 4, 2), voucher_no="V1"
        )
    incentives.payment_record(
        actor=hq_staff, grant=grant, amount=Decimal("200000"), paid_on=dt.date(2022, 4, 3), voucher_no="V3"
    )
    grant.refresh_from_db()
    assert grant.status == "paid"
    assert selectors.policy_totals(policy) == {
        "committed": Decimal("300000"),
        "pending": Decimal("0"),
        "paid": Decimal("300000"),
        "outstanding": Decimal("0"),
    }


@pytest.mark.django_db
def test_malformed_tiers_are_refused_naming_the_tier(hq_staff, programme):
    with pytest.raises(ServiceError, match="第 2 档格式不正确"):
        incentives.policy_create(
            actor=hq_staff,
            programme=programme,
            code="x",
            name="x",
            basis="per_m2",
            tiers=[{"stopped_by": "2021-12-31", "rate": "1"}, {"stopped_by": "31/12/2021", "rate": "1"}],
        )


@pytest.fixture
def stopped_in_lifecycle(make_enterprise, hq_staff):
    """An enterprise whose lifecycle recorded production stopped on 2021-12-20."""
    from django.utils import timezone

    from relocation.enterprises import lifecycle
    from relocation.enterprises.models import StatusChange

    e = make_enterprise(status="destination_confirmed", floor_area_m2=Decimal("1000"))
    change = lifecycle.enterprise_transition(
        actor=hq_staff, enterprise=e, target="production_stopped", reason="镇街核查确认停产"
    )
    at = timezone.make_aware(dt.datetime(2021, 12, 20, 10, 30))
    StatusChange.objects.filter(pk=change.pk).update(at=at)
    e.refresh_from_db()
    return e, change


@pytest.mark.django_db
def test_the_stop_date_comes_from_the_lifecycle_history(policy, stopped_in_lifecycle, hq_staff, open_violations):
    from relocation.parks.models import StopSource

    policy.requires_closure_verified = False
    policy.save()
    e, change = stopped_in_lifecycle
    grant = incentives.grant_create(actor=hq_staff, policy=policy, enterprise=e)
    assert grant.production_stopped_on == dt.date(2021, 12, 20)
    assert grant.production_stop_source == StopSource.LIFECYCLE
    assert (
        f"搬迁进度记录 #{change.pk}" in grant.production_stop_basis
        and "镇街核查确认停产" in grant.production_stop_basis
    )
    assert grant.explanation[0].startswith("停产日期取自搬迁进度")
    assert grant.rate == Decimal("300")
    from relocation.core.models import AuditEvent

    event = AuditEvent.objects.get(action="grant.computed", enterprise_id=e.pk)
    assert event.changes["production_stop_source"] == [None, "lifecycle"]


@pytest.mark.django_db
def test_a_manual_date_that_contradicts_the_history_is_refused(policy, stopped_in_lifecycle, hq_staff):
    e, _change = stopped_in_lifecycle
    with pytest.raises(ServiceError, match="停产日期以记录为准"):
        incentives.production_stop(e, dt.date(2021, 11, 1), MANUAL)
    # The same date is no contradiction.
    assert incentives.production_stop(e, dt.date(2021, 12, 20)).source == "lifecycle"


@pytest.mark.django_db
def test_a_manual_date_is_an_override_with_its_basis_only_without_history(
    policy, make_enterprise, hq_staff, open_violations
):
    e = make_enterprise(status="closure_verified")
    with pytest.raises(ServiceError, match="没有该企业的停产记录"):
        incentives.grant_create(actor=hq_staff, policy=policy, enterprise=e)
    with pytest.raises(ServiceError, match="须说明依据"):
        incentives.grant_create(actor=hq_staff, policy=policy, enterprise=e, production_stopped_on=dt.date(2021, 12, 1))
    grant = incentives.grant_create(
        actor=hq_staff,
        policy=policy,
        enterprise=e,
        production_stopped_on=dt.date(2021, 12, 1),
        stop_override_reason=MANUAL,
    )
    assert grant.production_stop_source == "manual" and grant.production_stop_basis == MANUAL
    assert grant.explanation[0] == f"停产日期为手工填写：{MANUAL}"
