"""What the monthly bulletin reads from the apps below it, in one place.

Each figure has a preferred source (a selector of the app that owns the data)
imported lazily, and a fallback computed from models that are always there
(supervision.Task, enterprises.Enterprise, core.AuditEvent), so the bulletin
compiles on every branch and whatever lands later only makes it richer.
Every function returns plain JSON-able data: the bulletin stores it as the
month's figures, which later edits of the text never change.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q
from django.utils import timezone

FINISHED_TASK = ("verified", "cancelled")
# Lifecycle statuses that count as "closed" or "relocated" in a month's figures.
CLOSURE_STATUSES = ("production_stopped", "closure_verified", "closed", "forced_closure")
RELOCATION_STATUSES = ("relocated",)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in local time."""
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return lo, hi


def _get(item: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(item, dict) and name in item:
            return item[name]
        if not isinstance(item, dict) and hasattr(item, name):
            return getattr(item, name)
    return default


# ----------------------------------------------------------------------------- enterprises


def _grouped(qs, field_name: str) -> list[dict[str, Any]] | None:
    """Counts by a field of Enterprise if the field exists (None otherwise);
    choice fields by label, relations by the related object's name."""
    from relocation.enterprises.models import Enterprise

    try:
        field = Enterprise._meta.get_field(field_name)
    except FieldDoesNotExist:
        return None
    if field.is_relation:
        rows = qs.values(f"{field_name}_id").annotate(n=Count("id")).order_by(f"{field_name}_id")
        related = field.related_model
        names = {o.pk: str(o) for o in related._default_manager.filter(pk__in=[r[f"{field_name}_id"] for r in rows])}
        return [
            {
                "key": str(r[f"{field_name}_id"] or ""),
                "label": names.get(r[f"{field_name}_id"], "未分配"),
                "count": r["n"],
            }
            for r in rows
        ]
    labels = dict(field.choices or [])
    rows = qs.values(field_name).annotate(n=Count("id")).order_by(field_name)
    return [
        {
            "key": str(r[field_name] or ""),
            "label": str(labels.get(r[field_name], r[field_name] or "未分类")),
            "count": r["n"],
        }
        for r in rows
    ]


def _grouped_path(qs, path: str, model_label: str, empty: str) -> list[dict[str, Any]] | None:
    """Counts by a related object reached through `path` (e.g. an enterprise's
    relocation plan's batch), or None if that relation is not on this branch."""
    from django.apps import apps
    from django.core.exceptions import FieldError

    try:
        related = apps.get_model(model_label)
        rows = list(qs.values(f"{path}_id").annotate(n=Count("id")).order_by(f"{path}_id"))
    except (LookupError, FieldError):
        return None
    key = f"{path}_id"
    objects = {o.pk: o for o in related._default_manager.filter(pk__in=[r[key] for r in rows if r[key]])}
    ordered = sorted(rows, key=lambda r: (r[key] is None, getattr(objects.get(r[key]), "order", 0), r[key] or 0))
    return [
        {"key": str(r[key] or ""), "label": str(objects[r[key]]) if r[key] in objects else empty, "count": r["n"]}
        for r in ordered
    ]


def _statuses_at(qs, moment: dt.datetime) -> dict[str, int]:
    """Enterprises by the lifecycle status they had at `moment`, read back from
    the lifecycle history: the last move before it, else the state the first
    later move started from, else the status now. (Without history: now.)"""
    from django.db.models import F, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    history = _status_history_model()
    if history is None:
        return dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    before = history.objects.filter(enterprise=OuterRef("pk"), at__lt=moment).order_by("-at", "-id")
    after = history.objects.filter(enterprise=OuterRef("pk"), at__gte=moment).order_by("at", "id")
    rows = (
        qs.filter(created_at__lt=moment)
        .annotate(
            status_then=Coalesce(
                Subquery(before.values("to_status")[:1]), Subquery(after.values("from_status")[:1]), F("status")
            )
        )
        .values_list("status_then")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def enterprise_figures(programme: Any, as_of: dt.date | None = None) -> dict[str, Any]:
    """The ledger at the end of `as_of` (default: now): total and by lifecycle
    status (every status, zeros kept; from the lifecycle history); by category
    and by batch where the ledger has them, by industry and by town (as they are now)."""
    from relocation.enterprises.models import Enterprise, LifecycleStatus

    qs = Enterprise.objects.filter(programme=programme)
    if as_of is not None and as_of < timezone.localdate():
        counts = _statuses_at(qs, _bounds(as_of, as_of)[1])
    else:
        counts = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    by_status = [{"key": k, "label": str(label), "count": counts.get(k, 0)} for k, label in LifecycleStatus.choices]
    result: dict[str, Any] = {
        "total": sum(counts.values()),
        "by_status": by_status,
        "by_industry": _grouped(qs, "industry") or [],
        "by_town": _grouped(qs, "territorial_unit") or [],
    }
    category = _grouped(qs, "category")
    if category is not None:
        result["by_category"] = category
    # A batch is the enterprise's own field on some branches, its relocation plan's on others.
    batch = _grouped(qs, "batch")
    if batch is None:
        batch = _grouped_path(qs, "relocation_plan__batch", "enterprises.Batch", "未分批")
    if batch is not None:
        result["by_batch"] = batch
    return result


def _status_history_model():
    from django.apps import apps

    try:
        return apps.get_model("enterprises", "StatusChange")
    except LookupError:
        return None


def status_moves(programme: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Closures and relocations in the period, from the lifecycle history
    (enterprises.StatusChange) or, where that is missing, the event stream
    (enterprise.* actions whose changes move `status`); completed with
    enterprises whose current status changed in the period."""
    from relocation.core.models import AuditEvent
    from relocation.enterprises.models import Enterprise, LifecycleStatus

    lo, hi = _bounds(start, end)
    wanted = set(CLOSURE_STATUSES) | set(RELOCATION_STATUSES)
    moves: dict[tuple[int, str], dt.datetime] = {}
    history = _status_history_model()
    if history is not None:
        # The lifecycle's own history: one row per move (index statuschange_to_at).
        rows = history.objects.filter(
            enterprise__programme=programme, to_status__in=wanted, at__gte=lo, at__lt=hi
        ).values_list("enterprise_id", "to_status", "at")
        for enterprise_id, status, at in rows.order_by("at"):
            moves.setdefault((enterprise_id, status), at)
    else:
        # No lifecycle history on this branch: the event stream's enterprise.* status changes.
        events = (
            AuditEvent.objects.filter(action__startswith="enterprise.", created_at__gte=lo, created_at__lt=hi)
            .exclude(enterprise_id=None)
            .values_list("enterprise_id", "changes", "created_at")
        )
        for enterprise_id, changes, at in events.iterator(chunk_size=2000):
            change = (changes or {}).get("status")
            if isinstance(change, list) and len(change) == 2 and change[1] in wanted:
                moves.setdefault((enterprise_id, change[1]), at)
    current = Enterprise.objects.filter(
        programme=programme, status__in=wanted, status_changed_at__gte=lo, status_changed_at__lt=hi
    ).values_list("pk", "status", "status_changed_at")
    for pk, status, at in current:
        moves.setdefault((pk, status), at)
    names = dict(
        Enterprise.objects.filter(programme=programme, pk__in={pk for pk, _s in moves}).values_list("pk", "name")
    )
    labels = dict(LifecycleStatus.choices)
    items = sorted(
        (
            {
                "enterprise_id": pk,
                "name": names[pk],
                "status": s,
                "label": str(labels.get(s, s)),
                "on": at.date().isoformat(),
            }
            for (pk, s), at in moves.items()
            if pk in names
        ),
        key=lambda i: (i["on"], i["name"]),
    )
    tally = Counter(i["status"] for i in items)
    return {
        "closures": sum(tally[s] for s in CLOSURE_STATUSES),
        "relocations": sum(tally[s] for s in RELOCATION_STATUSES),
        "by_status": [
            {"key": s, "label": str(labels.get(s, s)), "count": tally[s]}
            for s in (*CLOSURE_STATUSES, *RELOCATION_STATUSES)
        ],
        "items": items[:200],
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
    """{"items": [{"label", "value"}], "by_domain": [...], "source": ...} for the month."""
    try:
        from relocation.enforcement.selectors import monthly_enforcement_figures
    except ImportError:
        monthly_enforcement_figures = None
    if monthly_enforcement_figures is not None:
        raw = monthly_enforcement_figures(programme, year, month)
        if isinstance(raw, dict) and any(k in raw for k in ENFORCEMENT_LABELS):
            return {
                "items": [{"label": label, "value": raw[k]} for k, label in ENFORCEMENT_LABELS.items() if k in raw],
                "by_domain": _domains(programme, raw.get("violations_by_domain") or {}),
                "source": "enforcement",
            }
        items = _label_values(raw)
        if items is not None:
            return {"items": items, "by_domain": [], "source": "enforcement"}
    # Fallback: what the event stream and the task list already say.
    from relocation.core.models import AuditEvent
    from relocation.supervision.models import Task

    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    lo, hi = _bounds(start, end)
    events = AuditEvent.objects.filter(action__startswith="enforcement.", created_at__gte=lo, created_at__lt=hi)
    tasks = Task.objects.filter(programme=programme, source="enforcement", created_at__gte=lo, created_at__lt=hi)
    return {
        "items": [
            {"label": "执法记录（条）", "value": events.count()},
            {"label": "执法跟进任务（项）", "value": tasks.count()},
        ],
        "by_domain": [],
        "source": "fallback",
    }


def _domains(programme: Any, counts: dict[str, int]) -> list[dict[str, Any]]:
    """Violations by enforcement domain, with the domains' names."""
    from django.apps import apps

    if not counts:
        return []
    try:
        model = apps.get_model("enforcement", "EnforcementDomain")
        names = dict(model.objects.filter(programme=programme, code__in=list(counts)).values_list("code", "name"))
    except LookupError:
        names = {}
    return [{"label": names.get(code, code), "count": n} for code, n in sorted(counts.items(), key=lambda kv: -kv[1])]


def _label_values(raw: Any) -> list[dict[str, Any]] | None:
    """Accept {label: number}, [{"label","value"}], or an object with such items."""
    if raw is None:
        return None
    if isinstance(raw, dict):
        if "items" in raw and isinstance(raw["items"], list):
            return _label_values(raw["items"])
        return [{"label": str(k), "value": v} for k, v in raw.items() if isinstance(v, (int, float))]
    if isinstance(raw, (list, tuple)):
        out = []
        for item in raw:
            label = _get(item, "label", "name", "title")
            value = _get(item, "value", "count", "n")
            if label is not None and isinstance(value, (int, float)):
                out.append({"label": str(label), "value": value})
        return out
    return None


# ----------------------------------------------------------------------------- tasks


def _task_stats_source():
    """supervision's task figures (one definition of "on time" for the whole product)."""
    try:
        from relocation.supervision.selectors import task_stats

        return task_stats
    except ImportError:
        pass
    try:
        from relocation.supervision.scorecards import task_stats

        return task_stats
    except ImportError:
        return None


def task_figures(programme: Any, start: dt.date, end: dt.date, *, overdue_limit: int = 100) -> dict[str, Any]:
    """On-time rates by lead unit for tasks due in the period, and the list of
    tasks overdue at the end of the period, by unit.

    From supervision's `task_stats` when it is there; otherwise computed here:
    a task due in the period is on time when HQ verified it by its deadline,
    overdue when it is still open after the deadline."""
    source = _task_stats_source()
    by_unit = overdue = None
    if source is not None:
        raw = source(programme, start, end)
        by_unit = _normalise_unit_stats(raw)
        overdue = _normalise_overdue(raw, overdue_limit) if by_unit is not None else None
    if by_unit is None:
        by_unit = _unit_stats(programme, start, end)
    if overdue is None:
        overdue = _overdue_list(programme, end, overdue_limit)
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


def _normalise_overdue(raw: Any, limit: int) -> list[dict[str, Any]] | None:
    items = raw.get("overdue") if isinstance(raw, dict) else None
    if not isinstance(items, (list, tuple)):
        return None
    out = []
    for item in items:
        deadline = _get(item, "deadline")
        out.append(
            {
                "task_id": _get(item, "id", "task_id", "pk"),
                "unit": str(_get(item, "unit", default="")),
                "title": str(_get(item, "title", default="")),
                "deadline": deadline.isoformat() if hasattr(deadline, "isoformat") else str(deadline or ""),
                "days": int(_get(item, "days_overdue", "days", default=0) or 0),
            }
        )
    out.sort(key=lambda t: (t["unit"], t["deadline"], t["task_id"] or 0))
    return out[:limit]


def _unit_stats(programme: Any, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    from django.db.models import F

    from relocation.organisation.models import Unit
    from relocation.supervision.models import Task

    # One grouped query over the period's tasks (index task_status_deadline / task_unit_status_deadline).
    rows = (
        Task.objects.filter(programme=programme, deadline__gte=start, deadline__lte=end)
        .exclude(status="cancelled")
        .values("lead_unit_id")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(status="verified", completed_at__date__lte=F("deadline"))),
            overdue=Count("id", filter=~Q(status__in=FINISHED_TASK) & Q(deadline__lt=min(end, timezone.localdate()))),
        )
        .order_by()
    )
    units = {u.pk: u for u in Unit.objects.filter(programme=programme)}
    out = []
    for r in rows:
        unit = units.get(r["lead_unit_id"])
        out.append(
            {
                "unit_id": r["lead_unit_id"],
                "unit": (unit.short_name or unit.name) if unit else "?",
                "order": unit.order if unit else 0,
                "due": r["due"],
                "on_time": r["on_time"],
                "overdue": r["overdue"],
                "rate": round(100.0 * r["on_time"] / r["due"], 1) if r["due"] else None,
            }
        )
    return sorted(out, key=lambda u: (u["order"], u["unit"]))


def _normalise_unit_stats(raw: Any) -> list[dict[str, Any]] | None:
    if isinstance(raw, dict):
        items = raw["units"] if "units" in raw else raw.get("by_unit")
    else:
        items = raw
    if not isinstance(items, (list, tuple)):
        return None
    out = []
    for item in items:
        due = _get(item, "due", "total", "count")
        on_time = _get(item, "on_time", "on_time_count")
        if due is None or on_time is None:
            return None
        unit = _get(item, "unit")
        out.append(
            {
                "unit_id": _get(item, "unit_id", default=getattr(unit, "pk", None)),
                "unit": str(_get(item, "unit_name", default=getattr(unit, "short_name", "") or unit or "")),
                "order": getattr(unit, "order", 0) if unit is not None and not isinstance(unit, str) else 0,
                "due": int(due),
                "on_time": int(on_time),
                "overdue": int(_get(item, "overdue", "overdue_count", default=0) or 0),
                "rate": round(100.0 * on_time / due, 1) if due else None,
            }
        )
    return out


def _overdue_list(programme: Any, end: dt.date, limit: int) -> list[dict[str, Any]]:
    from relocation.supervision.models import Task

    as_of = min(end, timezone.localdate())
    tasks = (
        Task.objects.filter(programme=programme, deadline__lt=as_of)
        .exclude(status__in=FINISHED_TASK)
        .select_related("lead_unit")
        .only("id", "title", "deadline", "status", "lead_unit__name", "lead_unit__short_name", "lead_unit__order")
        .order_by("lead_unit__order", "lead_unit_id", "deadline", "id")[:limit]
    )
    return [
        {
            "task_id": t.pk,
            "unit": t.lead_unit.short_name or t.lead_unit.name,
            "title": t.title,
            "deadline": t.deadline.isoformat(),
            "days": (as_of - t.deadline).days,
        }
        for t in tasks
    ]


# ----------------------------------------------------------------------------- unit reports


def highlights(programme: Any, start: dt.date, end: dt.date, *, limit: int = 40) -> list[dict[str, str]]:
    """Highlights (work done, progress) from the units' reports in the period."""
    try:
        from relocation.supervision.selectors import reports_for_period
    except ImportError:
        return []
    out: list[dict[str, str]] = []
    seen: defaultdict[str, int] = defaultdict(int)
    for report in reports_for_period(programme, start, end):
        unit = _get(report, "unit")
        unit_name = str(
            _get(
                report, "unit_name", default=getattr(unit, "short_name", "") or getattr(unit, "name", "") or unit or ""
            )
        )
        text = _get(report, "highlights", "progress", "progress_summary", "summary", default="")
        text = str(text or "").strip()
        if not text or seen[unit_name] >= 2:
            continue
        seen[unit_name] += 1
        out.append({"unit": unit_name, "text": text[:500]})
        if len(out) >= limit:
            break
    return out
