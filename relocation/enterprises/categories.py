"""Categories (分类): rules that propose, people who confirm.

A category's `rule` is plain data so HQ can change it without a release:

    {"all": [cond, ...]}   every condition holds
    {"any": [cond, ...]}   at least one holds
    cond = {"field": <fact>, <op>: <value>}   or a nested {"all"/"any": [...]}
    ops:   eq, ne, in, not_in, gte, lte, contains_any (for list facts such as processes)

Facts are the enterprise's own fields listed in FACTS. Categories are tried in
`order`; the first whose rule matches is the proposal. An empty rule never
matches. The confirmed category changes only through `category_confirm`, which
keeps a CategoryChange row and an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.enterprises.models import Category, CategoryChange, Enterprise
from relocation.enterprises.selectors import can_edit_enterprise

FACTS = frozenset(
    {
        "intention",
        "industry",
        "processes",
        "capital_background",
        "is_key_polluter",
        "is_repeat_offender",
        "production_status",
        "status",
        "property_owner_type",
        "workers_count",
        "wastewater_t_per_day",
        "floor_area_m2",
    }
)
OPERATORS = frozenset({"eq", "ne", "in", "not_in", "gte", "lte", "contains_any"})


# The plan's categories, also seeded by migration 0004 (which keeps its own frozen copy).
DEFAULT_CATEGORIES = [
    (
        "holdout",
        "钉子户",
        10,
        {
            "any": [
                {"field": "intention", "in": ["refuses"]},
                {"field": "status", "in": ["holdout", "forced_closure"]},
                {"field": "is_repeat_offender", "eq": True},
            ]
        },
        "拒绝搬迁、屡禁不止或已列为钉子户的企业，纳入联合执法重点。",
    ),
    (
        "close_exit",
        "关停退出",
        20,
        {"all": [{"field": "intention", "in": ["close"]}]},
        "企业表示关停退出，不再异地生产。",
    ),
    (
        "move_out",
        "迁出本市",
        30,
        {"all": [{"field": "intention", "in": ["move_out_of_city"]}]},
        "企业自行迁往本市以外。",
    ),
    (
        "park_qualified",
        "配合搬迁·符合入园条件",
        40,
        {
            "all": [
                {"field": "intention", "in": ["move_to_park"]},
                {"field": "industry", "in": ["electroplating", "dyeing"]},
                {"field": "is_repeat_offender", "eq": False},
            ]
        },
        "愿意搬入承接园区，且行业与工艺符合园区规划环评的准入条件。",
    ),
    (
        "park_unqualified",
        "配合搬迁·暂不符合入园条件",
        45,
        {"all": [{"field": "intention", "in": ["move_to_park"]}]},
        "愿意搬入园区，但行业或工艺暂不符合准入条件，需进一步评估。",
    ),
    (
        "undecided",
        "观望",
        50,
        {"any": [{"field": "intention", "in": ["undecided", ""]}]},
        "尚未表明搬迁意向或仍在观望的企业，需要加强走访动员。",
    ),
]


def seed_default_categories() -> int:
    """Create the default categories that are missing (never overwrites HQ's edits)."""
    created = 0
    for code, name, order, rule, description in DEFAULT_CATEGORIES:
        _obj, was_created = Category.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "rule": rule, "description": description}
        )
        created += was_created
    return created


class RuleError(ValueError):
    pass


def check_rule(rule: Any) -> None:
    """Raise RuleError (Chinese message) when the rule is not well-formed."""
    if rule in ({}, None):
        return
    if not isinstance(rule, dict) or len(rule) != 1 or next(iter(rule)) not in {"all", "any"}:
        raise RuleError(_('规则必须是 {"all": [...]} 或 {"any": [...]}。'))
    for cond in next(iter(rule.values())):
        if isinstance(cond, dict) and set(cond) & {"all", "any"}:
            check_rule(cond)
            continue
        if not isinstance(cond, dict) or cond.get("field") not in FACTS:
            raise RuleError(_("规则条件引用了未知的字段：%(cond)s") % {"cond": cond})
        ops = set(cond) - {"field"}
        if len(ops) != 1 or not ops <= OPERATORS:
            raise RuleError(_("规则条件的运算符无效：%(cond)s") % {"cond": cond})


def _holds(cond: dict[str, Any], facts: dict[str, Any]) -> bool:
    if "all" in cond or "any" in cond:
        return matches(cond, facts)
    value = facts.get(cond["field"])
    if "eq" in cond:
        return value == cond["eq"]
    if "ne" in cond:
        return value != cond["ne"]
    if "in" in cond:
        return value in cond["in"]
    if "not_in" in cond:
        return value not in cond["not_in"]
    if "gte" in cond:
        return value is not None and float(value) >= float(cond["gte"])
    if "lte" in cond:
        return value is not None and float(value) <= float(cond["lte"])
    if "contains_any" in cond:
        return bool(set(value or []) & set(cond["contains_any"]))
    return False


def matches(rule: dict[str, Any], facts: dict[str, Any]) -> bool:
    if not rule:
        return False
    if "all" in rule:
        return all(_holds(c, facts) for c in rule["all"])
    return any(_holds(c, facts) for c in rule.get("any", []))


def facts_of(enterprise: Enterprise) -> dict[str, Any]:
    return {name: getattr(enterprise, name) for name in FACTS}


def active_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by("order", "code"))


def propose(enterprise: Enterprise, categories: Iterable[Category] | None = None) -> Category | None:
    """The first active category whose rule matches the enterprise's facts.
    Pass `categories` (already loaded) when proposing for many enterprises."""
    facts = facts_of(enterprise)
    for category in categories if categories is not None else active_categories():
        if category.is_active and matches(category.rule, facts):
            return category
    return None


def can_confirm_category(user: Any, enterprise: Enterprise) -> bool:
    """HQ editors, or the enterprise's territorial unit."""
    return can_edit_enterprise(user, enterprise)


def category_confirm(
    *, actor: Any, enterprise: Enterprise, category: Category, reason: str = ""
) -> CategoryChange | None:
    """Set the enterprise's category as a person decided it (the rules only
    propose). Keeps a history row and an audit event. Returns None when the
    category was already the confirmed one (nothing written)."""
    if actor is not None and not can_confirm_category(actor, enterprise):
        raise PermissionDeniedError(_("只有指挥部或属地单位可以确认企业分类。"))
    if not category.is_active:
        raise ServiceError(_("分类“%(name)s”已停用。") % {"name": category.name})
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update(of=("self",)).select_related("category").get(pk=enterprise.pk)
        previous = locked.category
        if previous is not None and previous.pk == category.pk:
            return None
        proposed = propose(locked)
        change = CategoryChange.objects.create(
            enterprise=locked,
            from_category=previous,
            to_category=category,
            proposed_category=proposed,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            reason=reason[:300],
        )
        Enterprise.objects.filter(pk=locked.pk).update(category=category, version=locked.version + 1)
        audit.record(
            actor=actor,
            action="enterprise.category_confirmed",
            obj=locked,
            enterprise_id=locked.pk,
            summary=_("确认分类：%(old)s → %(new)s")
            % {"old": previous.name if previous else _("未分类"), "new": category.name},
            changes={
                "category": [previous.code if previous else None, category.code],
                "proposed_category": [None, proposed.code if proposed else None],
                "reason": [None, reason[:300]],
            },
        )
    enterprise.category = category
    enterprise.version = locked.version + 1
    return change


def category_history(enterprise: Enterprise) -> Any:
    return enterprise.category_changes.select_related("from_category", "to_category", "proposed_category", "actor")


def category_save(*, actor: Any, data: dict[str, Any], category: Category | None = None) -> Category:
    """Create or change a category and its rule (HQ editors). The rule is
    checked before saving; confirmed categories of enterprises are untouched
    (a new rule only changes future proposals)."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以维护分类规则。"))
    data = {**data, "rule": data.get("rule") or {}}
    try:
        check_rule(data["rule"])
    except RuleError as exc:
        raise ServiceError(str(exc), code="rule")
    fields = ["code", "name", "order", "rule", "description", "is_active"]
    with transaction.atomic():
        if category is None:
            if Category.objects.filter(code=data["code"]).exists():
                raise ServiceError(_("分类编码“%(code)s”已存在。") % {"code": data["code"]}, code="code")
            category = Category.objects.create(**{k: data[k] for k in fields if k in data})
            changes = {k: [None, getattr(category, k)] for k in fields}
            action, summary = "category.created", _("新增分类：%(name)s")
        else:
            category = Category.objects.select_for_update().get(pk=category.pk)
            before = {k: getattr(category, k) for k in fields}
            for key in fields:
                if key in data and key != "code":
                    setattr(category, key, data[key])
            changes = {k: [before[k], getattr(category, k)] for k in fields if before[k] != getattr(category, k)}
            if not changes:
                return category
            category.save(update_fields=[*changes.keys(), "updated_at"])
            action, summary = "category.updated", _("修改分类：%(name)s")
        audit.record(
            actor=actor, action=action, obj=category, summary=summary % {"name": category.name}, changes=changes
        )
    return category
