"""Incentives for proactive relocation (主动搬迁支持优待措施): policy rules as
data, the amount per enterprise with an explanation of every term, four-eyes
approval and payment records.

Eligibility never imports the enforcement app (same floor): the number of
open violations comes from the counter enforcement registers in
core.compliance (a violation is open until a re-inspection confirmed its fix);
the ledger's repeat-offender flag (屡禁不止) also disqualifies. A closure is
verified when the lifecycle has reached closure_verified, relocated or closed.

The production-stop date that picks the tier is read from the lifecycle
history (the move to "production stopped" and its time). Only when the
history has no such move — an enterprise that stopped before the platform
recorded it — may HQ type the date in, and then must say on what it rests;
the grant keeps where its date came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, compliance
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.core.workflow import move
from relocation.enterprises import lifecycle_facts, lifecycle_selectors
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme
from relocation.parks import selectors, streams, transitions
from relocation.parks.models import Grant, GrantStatus, Payment, Policy, PolicyBasis, StopSource
from relocation.parks.services import history_record

CLOSURE_VERIFIED = lifecycle_facts.CLOSURE_CONFIRMED
CENT = Decimal("0.01")


def parse_tiers(tiers: Any) -> list[dict[str, Any]]:
    """[{"stopped_by": "YYYY-MM-DD", "rate": "300"}] sorted by date; a clear
    error naming the tier when one is malformed."""
    if not isinstance(tiers, list) or not tiers:
        raise ServiceError(_("至少需要一个分档。"), code="tiers")
    result = []
    for n, tier in enumerate(tiers, start=1):
        try:
            stopped_by = dt.date.fromisoformat(str(tier["stopped_by"]))
            rate = Decimal(str(tier["rate"]))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            raise ServiceError(
                _("第 %(n)s 档格式不正确：需要停产截止日期（YYYY-MM-DD）和标准（数字）。") % {"n": n}, code="tiers"
            )
        if rate < 0:
            raise ServiceError(_("第 %(n)s 档的标准不能为负数。") % {"n": n}, code="tiers")
        result.append({"stopped_by": stopped_by, "rate": rate})
    return sorted(result, key=lambda t: t["stopped_by"])


def open_violations(enterprise: Enterprise) -> int | None:
    """Open violations of the enterprise as enforcement counts them; None
    when no app provides the count."""
    counts = compliance.open_violation_counts([enterprise.pk])
    return None if counts is None else counts[enterprise.pk]


@dataclass(frozen=True)
class ProductionStop:
    """The production-stop date a grant uses and where it came from."""

    date: dt.date
    source: str  # StopSource
    basis: str  # the history move, or HQ's reason for the manual date


def production_stop(enterprise: Enterprise, manual: dt.date | None = None, override_reason: str = "") -> ProductionStop:
    """The date production stopped, from the lifecycle history; a manual date
    only when the history has none, and then with its basis. A manual date
    that contradicts the history is refused rather than silently ignored."""
    change = lifecycle_selectors.production_stop_of(enterprise)
    if change is not None:
        stopped = timezone.localtime(change.at).date()
        if manual is not None and manual != stopped:
            raise ServiceError(
                _("搬迁进度记录该企业于 %(d)s 停产，停产日期以记录为准，不能另行填写。") % {"d": stopped.isoformat()},
                code="production_stopped_on",
            )
        who = getattr(change.actor, "display_name", "") or getattr(change.actor, "username", "") or _("系统")
        return ProductionStop(
            date=stopped,
            source=StopSource.LIFECYCLE,
            basis=_("搬迁进度记录 #%(id)s：%(when)s %(who)s 变更为“已停产”（%(reason)s）")
            % {
                "id": change.pk,
                "when": timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M"),
                "who": who,
                "reason": change.reason[:100],
            },
        )
    if manual is None:
        raise ServiceError(
            _("搬迁进度中没有该企业的停产记录：请先登记停产，或填写停产日期并说明依据。"),
            code="production_stopped_on",
        )
    if not override_reason.strip():
        raise ServiceError(
            _("搬迁进度中没有停产记录，手工填写停产日期须说明依据（如停产检查笔录编号）。"),
            code="stop_override_reason",
        )
    return ProductionStop(date=manual, source=StopSource.MANUAL, basis=override_reason.strip()[:500])


def compute(policy: Policy, enterprise: Enterprise, production_stopped_on: dt.date | ProductionStop) -> dict[str, Any]:
    """The grant an enterprise would get: eligible, quantity, rate, amount and
    the explanation of each term (in the order applied). Given a
    ProductionStop, the first term says where the stop date came from."""
    terms: list[str] = []
    problems: list[str] = []
    if isinstance(production_stopped_on, ProductionStop):
        stop = production_stopped_on
        production_stopped_on = stop.date
        terms.append(
            (
                _("停产日期取自搬迁进度：%(b)s")
                if stop.source == StopSource.LIFECYCLE
                else _("停产日期为手工填写：%(b)s")
            )
            % {"b": stop.basis}
        )
    if policy.requires_no_open_violations:
        n = open_violations(enterprise)
        if n is None:
            problems.append(_("无法核实违法行为（执法模块未提供数据），不符合条件"))
        elif n or enterprise.is_repeat_offender:
            problems.append(
                _("存在未办结违法行为 %(n)s 起%(flag)s，不符合条件")
                % {"n": n, "flag": _("（屡禁不止）") if enterprise.is_repeat_offender else ""}
            )
        else:
            terms.append(_("无未办结违法行为：符合"))
    if policy.requires_closure_verified:
        if enterprise.status in CLOSURE_VERIFIED:
            terms.append(_("关停已核验（两断三清）：符合"))
        else:
            problems.append(_("关停尚未核验（当前：%(s)s），不符合条件") % {"s": enterprise.get_status_display()})
    tiers = parse_tiers(policy.tiers)
    tier = next((t for t in tiers if production_stopped_on <= t["stopped_by"]), None)
    if tier is None:
        problems.append(
            _("停产日期 %(d)s 晚于最后一档截止日 %(last)s，不予补助")
            % {"d": production_stopped_on.isoformat(), "last": tiers[-1]["stopped_by"].isoformat()}
        )
        rate = Decimal(0)
    else:
        rate = tier["rate"]
        terms.append(
            _("停产日期 %(d)s，不晚于 %(by)s，适用标准 %(rate)s 元")
            % {"d": production_stopped_on.isoformat(), "by": tier["stopped_by"].isoformat(), "rate": rate}
        )
    if policy.basis == PolicyBasis.PER_M2:
        quantity = Decimal(enterprise.floor_area_m2 or 0)
        terms.append(_("计算基数：厂房面积 %(q)s 平方米") % {"q": quantity})
    else:
        quantity = sum((v for k, v in selectors.demand_of(enterprise).items() if k != streams.FLOOR_AREA), Decimal(0))
        terms.append(_("计算基数：废水处理量 %(q)s 吨/日") % {"q": quantity})
    amount = (quantity * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    terms.append(_("%(q)s × %(rate)s = %(amount)s 元") % {"q": quantity, "rate": rate, "amount": amount})
    if policy.cap_amount is not None and amount > policy.cap_amount:
        amount = policy.cap_amount
        terms.append(_("超过单个企业上限，按上限 %(cap)s 元计") % {"cap": policy.cap_amount})
    eligible = not problems
    if not eligible:
        amount = Decimal(0)
    return {
        "eligible": eligible,
        "quantity": quantity,
        "rate": rate,
        "amount": amount,
        "terms": terms,
        "problems": problems,
    }


def policy_create(
    *,
    actor: Any,
    programme: Programme,
    code: str,
    name: str,
    basis: str,
    tiers: list[dict[str, Any]],
    cap_amount: Decimal | None = None,
    requires_no_open_violations: bool = True,
    requires_closure_verified: bool = True,
) -> Policy:
    """HQ configures a support measure; its tiers are checked here."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以设置支持优待政策。"))
    if basis not in PolicyBasis.values:
        raise ServiceError(_("计算基数不正确。"), code="basis")
    parsed = parse_tiers(tiers)
    if Policy.objects.filter(programme=programme, code=code).exists():
        raise ServiceError(_("政策代码 %(code)s 已存在。") % {"code": code}, code="code")
    with transaction.atomic():
        policy = Policy.objects.create(
            programme=programme,
            code=code,
            name=name,
            basis=basis,
            tiers=[{"stopped_by": t["stopped_by"].isoformat(), "rate": str(t["rate"])} for t in parsed],
            cap_amount=cap_amount,
            requires_no_open_violations=requires_no_open_violations,
            requires_closure_verified=requires_closure_verified,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="policy.created",
            obj=policy,
            summary=_("设置支持优待政策：%(name)s") % {"name": name},
            changes=audit.snapshot(policy),
        )
    return policy


def grant_create(
    *,
    actor: Any,
    policy: Policy,
    enterprise: Enterprise,
    production_stopped_on: dt.date | None = None,
    stop_override_reason: str = "",
) -> Grant:
    """Compute and register an enterprise's grant, pending approval by a second
    person. Refused, with every reason, when the enterprise is not eligible.
    The stop date comes from the lifecycle history; `production_stopped_on`
    with `stop_override_reason` is only accepted when the history has none."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以核算补助。"))
    if not policy.is_active:
        raise ServiceError(_("该政策已停止执行。"))
    if enterprise.programme_id != policy.programme_id:
        raise ServiceError(_("企业不属于该政策的项目。"))
    stop = production_stop(enterprise, production_stopped_on, stop_override_reason)
    outcome = compute(policy, enterprise, stop)
    if not outcome["eligible"]:
        raise ServiceError("；".join(outcome["problems"]), code="eligibility")
    with transaction.atomic():
        if Grant.objects.filter(policy=policy, enterprise=enterprise).exists():
            raise ConflictError(_("%(name)s 已核算过该政策的补助。") % {"name": enterprise.name})
        grant = Grant.objects.create(
            policy=policy,
            enterprise=enterprise,
            production_stopped_on=stop.date,
            production_stop_source=stop.source,
            production_stop_basis=stop.basis,
            quantity=outcome["quantity"],
            rate=outcome["rate"],
            amount=outcome["amount"],
            explanation=outcome["terms"],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="grant.computed",
            obj=grant,
            enterprise_id=enterprise.pk,
            summary=_("核算补助：%(name)s，%(policy)s，%(amount)s 元")
            % {"name": enterprise.name, "policy": policy.name, "amount": grant.amount},
            changes={
                "amount": [None, str(grant.amount)],
                "production_stopped_on": [None, stop.date.isoformat()],
                "production_stop_source": [None, stop.source],
            },
        )
    return grant


def grant_decide(*, actor: Any, grant: Grant, approve: bool, reason: str = "") -> Grant:
    """Approve or reject a grant. Four-eyes: the person who computed it may not
    decide on it (also a database constraint)."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以审批补助。"))
    if grant.created_by_id is not None and grant.created_by_id == actor.pk:
        raise PermissionDeniedError(_("核算人不能审批自己核算的补助，请由另一位负责人审批。"))
    if not approve and not reason.strip():
        raise ServiceError(_("请填写不予批准的理由。"), code="reason")
    target = GrantStatus.APPROVED if approve else GrantStatus.REJECTED
    with transaction.atomic():
        old = move(
            grant,
            field="status",
            target=target,
            allowed=transitions.GRANT,
            labels=GrantStatus,
            extra={"approved_by": actor, "approved_at": timezone.now()},
        )
        history_record("grant", grant.pk, old, target, actor, reason)
        audit.record(
            actor=actor,
            action="grant.approved" if approve else "grant.rejected",
            obj=grant,
            enterprise_id=grant.enterprise_id,
            summary=(_("批准补助：%(name)s，%(amount)s 元") if approve else _("不予批准补助：%(name)s，%(amount)s 元"))
            % {"name": grant.enterprise.name, "amount": grant.amount},
            changes={"status": [old, target]},
        )
    return grant


def payment_record(*, actor: Any, grant: Grant, amount: Decimal, paid_on: dt.date, voucher_no: str) -> Payment:
    """Record a payment of an approved grant; the grant becomes paid when the
    payments reach its amount. Never more than the approved amount."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以登记兑付。"))
    amount = Decimal(amount)
    voucher_no = voucher_no.strip()
    if amount <= 0:
        raise ServiceError(_("兑付金额必须大于零。"), code="amount")
    if not voucher_no:
        raise ServiceError(_("请填写凭证号。"), code="voucher_no")
    with transaction.atomic():
        grant = Grant.objects.select_for_update().select_related("enterprise").get(pk=grant.pk)
        if grant.status != GrantStatus.APPROVED:
            raise ServiceError(_("只有已批准的补助可以兑付（当前：%(s)s）。") % {"s": grant.get_status_display()})
        if Payment.objects.filter(voucher_no=voucher_no).exists():
            raise ServiceError(_("凭证号 %(v)s 已登记过。") % {"v": voucher_no}, code="voucher_no")
        paid = grant.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if paid + amount > grant.amount:
            raise ServiceError(
                _("兑付合计 %(total)s 元将超过批准金额 %(amount)s 元。")
                % {"total": paid + amount, "amount": grant.amount},
                code="amount",
            )
        payment = Payment.objects.create(
            grant=grant, amount=amount, paid_on=paid_on, voucher_no=voucher_no, recorded_by=actor
        )
        if paid + amount == grant.amount:
            move(grant, field="status", target=GrantStatus.PAID, allowed=transitions.GRANT, labels=GrantStatus)
            history_record("grant", grant.pk, GrantStatus.APPROVED, GrantStatus.PAID, actor, voucher_no)
        audit.record(
            actor=actor,
            action="grant.paid",
            obj=grant,
            enterprise_id=grant.enterprise_id,
            summary=_("兑付补助：%(name)s，%(amount)s 元，凭证号 %(v)s")
            % {"name": grant.enterprise.name, "amount": amount, "v": voucher_no},
        )
    return payment
