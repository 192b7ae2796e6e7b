"""What the monthly bulletin reads from the apps below it, in one place.

Each figure comes from the app that owns it: the lifecycle's facts
(enterprises.lifecycle_facts: which stages are closed, relocated, done, and
who reached them in a month), enforcement's and supervision's selectors. No
rule is copied here, so the bulletin, the battle map and the exports agree.
Every function returns plain JSON-able data: the bulletin stores it as the
month's figures, which later edits of the text never change.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count

from relocation.enforcement.models import EnforcementDomain
from relocation.enforcement.selectors import monthly_enforcement_figures
from relocation.enterprises import lifecycle_facts
from relocation.enterprises.models import Batch, Category, Enterprise, Industry, LifecycleStatus
from relocation.monitoring.bulletin_figures import bulletin_figures as monitoring_bulletin_figures
from relocation.organisation.models import Unit
from relocation.portal.bulletin_figures import bulletin_figures as portal_bulletin_figures
from relocation.remediation.bulletin_figures import bulletin_figures as remediation_bulletin_figures
from relocation.stability.selectors import bulletin_figures as stability_bulletin_figures
from relocation.supervision.selectors import reports_for_period, task_stats
from relocation.workers.selectors import bulletin_figures as workers_bulletin_figures

# ----------------------------------------------------------------------------- enterprises


def _rows(counts: dict[Any, int], labels: dict[Any, str], order: list[Any], empty: str) -> list[dict[str, Any]]:
    return [
        {"key": str(k or ""), "label": labels.get(k, empty) if k else empty, "count": counts[k]}
        for k in order
        if counts.get(k)
    ]


def enterprise_figures(programme: Any, as_of: dt.date) -> dict[str, Any]:
    """The ledger at the end of `as_of`: the enterprises entered by then, by
    lifecycle stage as they stood then (lifecycle_facts.statuses_on, the same
    reading the battle map's time travel makes), the headline figures
    (lifecycle_facts.summary), and by management category, batch, industry
    and town (as they are now: those have no dated history)."""
    scope = Enterprise.objects.filter(programme=programme)
    statuses = lifecycle_facts.statuses_on(scope, as_of)
    counts = Counter(statuses.values())
    existing = scope.filter(created_at__lte=lifecycle_facts.end_of_day(as_of))

    def grouped(field: str) -> Counter:
        return Counter(dict(existing.values_list(field).annotate(n=Count("id")).order_by()))

    by_category = grouped("category_id")
    categories = {c.pk: c for c in Category.objects.filter(pk__in=[k for k in by_category if k])}
    by_batch = grouped("relocation_plan__batch_id")
    batches = {b.pk: b for b in Batch.objects.filter(pk__in=[k for k in by_batch if k])}
    by_town = grouped("territorial_unit_id")
    towns = {u.pk: u for u in Unit.objects.filter(pk__in=[k for k in by_town if k])}
    by_industry = grouped("industry")
    return {
        "total": sum(counts.values()),
        "summary": lifecycle_facts.summary(counts),
        "by_status": [
            {"key": k, "label": str(label), "count": counts.get(k, 0)} for k, label in LifecycleStatus.choices
        ],
        "by_category": _rows(
            by_category,
            {k: c.name for k, c in categories.items()},
            sorted(by_category, key=lambda k: (k is None, getattr(categories.get(k), "order", 0), k or 0)),
            "未分类",
        ),
        "by_batch": _rows(
            by_batch,
            {k: b.name for k, b in batches.items()},
            sorted(by_batch, key=lambda k: (k is None, getattr(batches.get(k), "order", 0), k or 0)),
            "未分批",
        ),
        "by_industry": _rows(
            by_industry, {k: str(v) for k, v in Industry.choices}, [k for k, _v in Industry.choices], "未分类"
        ),
        "by_town": _rows(
            by_town,
            {k: u.short_name or u.name for k, u in towns.items()},
            sorted(by_town, key=lambda k: (k is None, getattr(towns.get(k), "order", 0), k or 0)),
            "未分配",
        ),
    }


# What the bulletin says happened in a month, each a set of lifecycle stages
# reached (lifecycle_facts), counted once per enterprise.
MONTH_EVENTS = [
    ("closures", lifecycle_facts.STOPPED, "关停（停产到位）"),
    ("relocations", lifecycle_facts.RELOCATED, "搬迁投产"),
    ("closed_for_good", lifecycle_facts.CLOSED, "关停退出"),
    ("forced_closures", lifecycle_facts.FORCED_CLOSURE_IN_PROGRESS, "启动强制关停"),
    ("new_holdouts", lifecycle_facts.HOLDOUT, "新列为拒不关停搬迁"),
]


def month_arrivals(programme: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Enterprises that reached each of MONTH_EVENTS in the period — a count
    of enterprises, not of status moves (an enterprise that went 已停产 →
    关停已核验 → 已关停退出 in the month is one closure) — and one line per
    such enterprise: what it reached, when, and its stage at the period's end."""
    scope = Enterprise.objects.filter(programme=programme)
    found = {key: lifecycle_facts.arrivals(scope, stages, start, end) for key, stages, _label in MONTH_EVENTS}
    ids = {pk for arrivals in found.values() for pk in arrivals}
    names = dict(scope.filter(pk__in=ids).values_list("pk", "name"))
    labels = dict(LifecycleStatus.choices)
    items = []
    for pk in ids:
        reached = [(found[key][pk], label) for key, _stages, label in MONTH_EVENTS if pk in found[key]]
        first = min(arrival.on for arrival, _label in reached)
        at_end = reached[0][0].status_at_end
        items.append(
            {
                "enterprise_id": pk,
                "name": names[pk],
                "events": "、".join(label for _a, label in reached),
                "status": at_end,
                "label": str(labels.get(at_end, at_end)),
                "on": first.isoformat(),
            }
        )
    items.sort(key=lambda i: (i["on"], i["name"]))
    return {
        **{key: len(found[key]) for key, _stages, _label in MONTH_EVENTS},
        "labels": {key: label for key, _stages, label in MONTH_EVENTS},
        "items": items,
    }


# ----------------------------------------------------------------------------- enforcement


# The enforcement module's monthly keys, in the bulletin's order, with their Chinese labels.
ENFORCEMENT_LABELS = {
    "operations": "联合执法行动（次）",
    "inspections": "现场检查（次）",
    "follow_ups": "其中“回头看”（次）",
    "enterprises_inspected": "检查企业（家）",
    "violations": "发现违法行为（宗）",
    "orders_issued": "责令整改（份）",
    "orders_closed": "整改完成（份）",
    "orders_overdue": "逾期未整改（份）",
    "fines_count": "罚款（宗）",
    "fines_amount": "罚款金额（元）",
    "suspensions": "停产停业整改（家）",
    "sealings": "查封（家）",
    "bans": "取缔（家）",
    "utility_cuts": "断水断电（家）",
    "escalations": "升级处置（宗）",
    "repeat_offenders": "屡禁不止企业（家，累计）",
}


def enforcement_figures(programme: Any, year: int, month: int) -> dict[str, Any]:
    """{"items": [{"label", "value"}], "by_domain": [...]} for the month, from
    enforcement's monthly figures."""
    raw = monthly_enforcement_figures(programme, year, month)
    return {
        "items": [{"label": label, "value": raw[k]} for k, label in ENFORCEMENT_LABELS.items() if k in raw],
        "by_domain": _domains(programme, raw.get("violations_by_domain") or {}),
    }


def _domains(programme: Any, counts: dict[str, int]) -> list[dict[str, Any]]:
    """Violations by enforcement domain, with the domains' names."""
    if not counts:
        return []
    names = dict(
        EnforcementDomain.objects.filter(programme=programme, code__in=list(counts)).values_list("code", "name")
    )
    return [{"label": names.get(code, code), "count": n} for code, n in sorted(counts.items(), key=lambda kv: -kv[1])]


# ----------------------------------------------------------------------------- tasks


def task_figures(programme: Any, start: dt.date, end: dt.date, *, overdue_limit: int = 100) -> dict[str, Any]:
    """On-time rates by lead unit for tasks due in the period, and the tasks
    overdue at the end of the period, from supervision's `task_stats` (one
    definition of "on time" for the bulletin and the scorecards)."""
    raw = task_stats(programme, start, end)
    orders = dict(Unit.objects.filter(programme=programme).values_list("pk", "order"))
    by_unit = [
        {
            "unit_id": u["unit_id"],
            "unit": str(u["unit"]),
            "order": orders.get(u["unit_id"], 0),
            "due": int(u["due"]),
            "on_time": int(u["on_time"]),
            "overdue": int(u.get("overdue") or 0),
            "rate": round(100.0 * u["on_time"] / u["due"], 1) if u["due"] else None,
        }
        for u in raw["units"]
    ]
    overdue = sorted(
        (
            {
                "task_id": t["id"],
                "unit": str(t["unit"]),
                "title": str(t["title"]),
                "deadline": t["deadline"].isoformat(),
                "days": int(t["days_overdue"]),
            }
            for t in raw["overdue"]
        ),
        key=lambda t: (t["unit"], t["deadline"], t["task_id"]),
    )[:overdue_limit]
    due = sum(u["due"] for u in by_unit)
    on_time = sum(u["on_time"] for u in by_unit)
    return {
        "due": due,
        "on_time": on_time,
        "on_time_rate": round(100.0 * on_time / due, 1) if due else None,
        "overdue": sum(u["overdue"] for u in by_unit),
        "by_unit": by_unit,
        "overdue_list": overdue,
    }


# ----------------------------------------------------------------------------- unit reports


def highlights(programme: Any, start: dt.date, end: dt.date, *, limit: int = 40) -> list[dict[str, str]]:
    """Highlights (work done, progress) from the units' reports in the period,
    at most two per unit."""
    out: list[dict[str, str]] = []
    seen: Counter[str] = Counter()
    for report in reports_for_period(programme, start, end):
        unit_name = report.unit.short_name or report.unit.name
        text = (report.progress or "").strip()
        if not text or seen[unit_name] >= 2:
            continue
        seen[unit_name] += 1
        out.append({"unit": unit_name, "text": text[:500]})
        if len(out) >= limit:
            break
    return out


# ----------------------------------------------------------------------------- workers and stability


def social_figures(programme: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Workers' figures (labour cases per kind, placement) and stability's
    (incidents, the risk register with its signals), from their own selectors."""
    return {
        "workers": workers_bulletin_figures(programme, start, end),
        "stability": stability_bulletin_figures(programme, start, end),
    }


# ----------------------------------------------------------------------------- public channel, sites, alerts


def public_figures(programme: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Reports and inquiries from the public and enterprises, from the portal's own figures."""
    return portal_bulletin_figures(programme, start, end)


def site_figures(programme: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Contaminated sites by stage and the month's moves, from remediation's own figures."""
    return remediation_bulletin_figures(programme, start, end)


def alert_figures(programme: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Detector and highly-toxic-chemical alerts, from monitoring's own figures."""
    return monitoring_bulletin_figures(programme, start, end)
