"""Writes of production supervision. Every function takes the acting user
first (None = the system's periodic jobs), checks permission, writes in one
transaction with its audit event, and defers notifications to the commit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import is_hq_editor
from relocation.enterprises.models import Enterprise
from relocation.monitoring import permissions
from relocation.monitoring.models import (
    Alert,
    AlertHistory,
    AlertKind,
    AlertStatus,
    CrcVariant,
    MonitoringPoint,
    ProtocolVersionChoice,
    ToxicMovement,
    ToxicMovementKind,
)
from relocation.monitoring.transitions import ALERT_TRANSITIONS

# Kinds of alert that send the territorial unit to re-inspect the site.
# A device offline for longer than its interval × the policy's factor (DATA_GAP) is
# chased the same way as an exceedance: a task for the unit, with its stage clock.
REINSPECT_KINDS = frozenset(
    {AlertKind.EXCEEDANCE, AlertKind.DATA_GAP, AlertKind.STOPPED_CONSUMING, AlertKind.TOXIC_DISCREPANCY}
)
REINSPECT_DAYS = 3


# -- monitoring points -----------------------------------------------------
POINT_FIELDS = [
    "mn",
    "password",
    "enterprise",
    "name",
    "outlet_kind",
    "standard",
    "table",
    "discharge_mode",
    "crc_variant",
    "protocol_version",
    "sm4_key",
    "expected_interval_minutes",
    "unit_overrides",
    "is_active",
]


def point_create(*, actor: Any, data: dict[str, Any]) -> MonitoringPoint:
    """Register a device. MN is unique; the password is stored encrypted."""
    if not permissions.can_manage_points(actor):
        raise PermissionDeniedError(_("只有指挥部或系统管理员可以登记监控点。"))
    _check_point(data)
    with transaction.atomic():
        if MonitoringPoint.objects.filter(mn=data["mn"]).exists():
            raise ServiceError(_("设备唯一标识 MN “%(mn)s” 已登记。") % {"mn": data["mn"]}, code="mn")
        point = MonitoringPoint.objects.create(**{k: v for k, v in data.items() if k in POINT_FIELDS})
        audit.record(
            actor=actor,
            action="monitoring.point_created",
            obj=point,
            enterprise_id=point.enterprise_id,
            summary=_("登记在线监控点：%(name)s（MN %(mn)s）") % {"name": point.name, "mn": point.mn},
            changes=audit.snapshot(point, ["mn", "name", "outlet_kind", "standard", "table", "crc_variant"]),
        )
    return point


def point_update(*, actor: Any, point: MonitoringPoint, data: dict[str, Any], expected_version: int) -> MonitoringPoint:
    """Edit a device's settings (tolerated CRC variant, standard, units …)."""
    if not permissions.can_manage_points(actor):
        raise PermissionDeniedError(_("只有指挥部或系统管理员可以修改监控点。"))
    _check_point({**{f: getattr(point, f) for f in ("mn", "expected_interval_minutes")}, **data})
    with transaction.atomic():
        if "mn" in data and MonitoringPoint.objects.filter(mn=data["mn"]).exclude(pk=point.pk).exists():
            raise ServiceError(_("设备唯一标识 MN “%(mn)s” 已登记。") % {"mn": data["mn"]}, code="mn")
        before = audit.snapshot(point)
        fields = []
        for key, value in data.items():
            if key in POINT_FIELDS and key != "enterprise":
                setattr(point, key, value)
                fields.append(key)
        workflow.save_if_unchanged(point, expected_version=expected_version, fields=fields)
        audit.record(
            actor=actor,
            action="monitoring.point_updated",
            obj=point,
            enterprise_id=point.enterprise_id,
            summary=_("修改在线监控点：%(name)s") % {"name": point.name},
            changes=audit.diff(before, audit.snapshot(point)),
        )
    return point


def _check_point(data: dict[str, Any]) -> None:
    from relocation.monitoring.hj212.frame import valid_mn

    mn = str(data.get("mn", ""))
    if not valid_mn(mn):
        raise ServiceError(_("MN 只能由字母、数字、下划线和连字符组成，最长32位。"), code="mn")
    if "crc_variant" in data and data["crc_variant"] not in CrcVariant.values:
        raise ServiceError(_("不支持的校验方式。"), code="crc_variant")
    if int(data.get("expected_interval_minutes", 60) or 0) < 1:
        raise ServiceError(_("数据上报间隔至少为1分钟。"), code="expected_interval_minutes")
    if "protocol_version" in data and data["protocol_version"] not in ProtocolVersionChoice.values:
        raise ServiceError(_("不支持的协议版本。"), code="protocol_version")
    key = str(data.get("sm4_key") or "")
    if key and (len(key) != 32 or key.strip("0123456789abcdefABCDEF")):
        raise ServiceError(_("SM4 密钥应为32位十六进制数（16字节）。"), code="sm4_key")
    if "password" in data and not str(data["password"]).strip():
        raise ServiceError(_("访问密码不能为空。"), code="password")


# -- alerts raised by the detectors ---------------------------------------------
def alert_raise(
    *,
    actor: Any,
    enterprise: Enterprise,
    kind: str,
    dedupe_key: str,
    title: str,
    detail: str = "",
    point: MonitoringPoint | None = None,
    pollutant: str = "",
    period: str = "",
    period_start: dt.datetime | None = None,
    value: float | None = None,
    limit_value: float | None = None,
    unit: str = "",
    checked_on: dt.date | None = None,
) -> tuple[Alert, bool]:
    """Open an alert for a condition, or update the open one (hysteresis: a
    condition that persists never opens a second alert). Returns (alert, created).

    The units come from routing.units_for: the responsible unit handles it
    (and gets the re-inspection task), the informed units are told and can
    open it (the supply company, the territorial town of a police alert)."""
    from relocation.monitoring import routing

    responsible, informed = routing.units_for(enterprise, kind, utility=pollutant)
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update().filter(dedupe_key=dedupe_key).exclude(status=AlertStatus.CLOSED).first()
        )
        if alert is not None:
            if checked_on is not None and alert.last_checked == checked_on:
                return alert, False
            alert.occurrences += 1
            alert.good_streak = 0
            alert.last_period = max(filter(None, [alert.last_period, period_start]), default=None)
            if value is not None:
                alert.value = value
            alert.limit_value = limit_value if limit_value is not None else alert.limit_value
            alert.detail = detail or alert.detail
            alert.last_checked = checked_on or alert.last_checked
            alert.save(
                update_fields=[
                    "occurrences",
                    "good_streak",
                    "last_period",
                    "value",
                    "limit_value",
                    "detail",
                    "last_checked",
                    "updated_at",
                ]
            )
            AlertHistory.objects.create(alert=alert, action="recurred", to_status=alert.status, reason=detail[:500])
            return alert, False
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    enterprise=enterprise,
                    point=point,
                    kind=kind,
                    dedupe_key=dedupe_key,
                    title=title[:300],
                    detail=detail,
                    pollutant=pollutant,
                    period=period,
                    first_period=period_start,
                    last_period=period_start or timezone.now(),
                    value=value,
                    limit_value=limit_value,
                    unit=unit,
                    responsible_unit=responsible,
                    last_checked=checked_on,
                )
                if informed:
                    alert.informed_units.set(informed)
        except IntegrityError:  # a concurrent run opened it first
            return Alert.objects.exclude(status=AlertStatus.CLOSED).get(dedupe_key=dedupe_key), False
        AlertHistory.objects.create(alert=alert, action="opened", to_status=AlertStatus.OPEN, reason=detail[:500])
        audit.record(
            actor=actor,
            action="monitoring.alert_opened",
            obj=alert,
            enterprise_id=enterprise.pk,
            summary=_("监管预警：%(title)s") % {"title": alert.title},
            changes={"kind": [None, kind], "value": [None, value], "limit": [None, limit_value]},
        )
        _notify_units(alert, [responsible, *informed])
        if kind in REINSPECT_KINDS and enterprise.territorial_unit is not None:
            _open_reinspection(actor, alert, [u for u in [responsible, *informed] if u is not None])
    return alert, True


def alert_condition_cleared(
    *, actor: Any, dedupe_key: str, close_after: int, checked_on: dt.date | None = None
) -> Alert | None:
    """A period in which the condition did not occur. After `close_after`
    consecutive ones the open alert closes itself."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update().filter(dedupe_key=dedupe_key).exclude(status=AlertStatus.CLOSED).first()
        )
        if alert is None:
            return None
        if checked_on is not None and alert.last_checked == checked_on:
            return alert
        alert.good_streak += 1
        alert.last_checked = checked_on or alert.last_checked
        if alert.good_streak < close_after:
            alert.save(update_fields=["good_streak", "last_checked", "updated_at"])
            return alert
        reason = _("连续 %(n)s 个周期正常，系统自动关闭。") % {"n": alert.good_streak}
        _transition(
            actor,
            alert,
            AlertStatus.CLOSED,
            "auto_closed",
            reason,
            {"closed_at": timezone.now(), "close_reason": reason},
        )
        Alert.objects.filter(pk=alert.pk).update(good_streak=alert.good_streak, last_checked=alert.last_checked)
    return alert


def _notify_units(alert: Alert, units: list[Any]) -> None:
    from relocation.organisation.models import User

    unit_ids = [u.pk for u in units if u is not None]
    if not unit_ids:
        return
    recipients = list(
        User.objects.filter(
            is_active=True, unit_id__in=unit_ids, role__in=["unit_leader", "unit_liaison", "inspector"]
        ).order_by("id")
    )
    notify(
        recipients=recipients,
        verb="monitoring.alert",
        title=_("监管预警：%(title)s") % {"title": alert.title},
        body=alert.detail,
        url=f"/monitoring/alerts/{alert.pk}/",
        dedupe_key=f"monitoring.alert:{alert.pk}",
    )


def _open_reinspection(actor: Any, alert: Alert, units: list[Any]) -> None:
    """The responsible unit leads the re-inspection (the territorial town, or
    the police for highly toxic chemicals); the other units of the alert (the
    town, the supply company) are co-units of the task."""
    from relocation.supervision.services import task_create

    lead = alert.responsible_unit or alert.enterprise.territorial_unit
    task = task_create(
        actor=actor,
        title=_("复查：%(title)s") % {"title": alert.title},
        lead_unit=lead,
        co_units=[u for u in units if u.pk != lead.pk],
        deadline=_deadline_after(REINSPECT_DAYS),
        description=_("监管预警要求现场复查。%(detail)s") % {"detail": alert.detail},
        source="monitoring",
        subject=alert,
        enterprise_id=alert.enterprise_id,
        dedupe_key=f"monitoring:alert:{alert.pk}",
    )
    Alert.objects.filter(pk=alert.pk).update(task_id=task.pk)
    alert.task_id = task.pk


def _deadline_after(days: int) -> dt.date:
    from relocation.core.workdays import add_workdays

    return add_workdays(timezone.localdate(), days)


# -- alert handling by people ------------------------------------------------
def _transition(actor: Any, alert: Alert, target: str, action: str, reason: str, extra: dict[str, Any]) -> None:
    previous = workflow.move(
        alert, field="status", target=target, allowed=ALERT_TRANSITIONS, labels=AlertStatus, extra=extra
    )
    AlertHistory.objects.create(
        alert=alert,
        action=action,
        from_status=previous,
        to_status=target,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )
    audit.record(
        actor=actor,
        action=f"monitoring.alert_{action}",
        obj=alert,
        enterprise_id=alert.enterprise_id,
        summary=_("预警“%(title)s”：%(from)s → %(to)s")
        % {
            "title": alert.title,
            "from": AlertStatus(previous).label,
            "to": AlertStatus(target).label,
        },
        changes={"status": [previous, target], "reason": [None, reason]},
    )


def alert_acknowledge(*, actor: Any, alert: Alert, note: str = "") -> Alert:
    """The responsible unit (or HQ) confirms it has seen the alert."""
    if not permissions.can_handle_alert(actor, alert):
        raise PermissionDeniedError(_("只有责任单位或指挥部可以处理该预警。"))
    with transaction.atomic():
        _transition(actor, alert, AlertStatus.ACKNOWLEDGED, "acknowledged", note, {"acknowledged_at": timezone.now()})
    return alert


def alert_close(*, actor: Any, alert: Alert, reason: str) -> Alert:
    """Close with a reason (required): what was found and done."""
    if not permissions.can_handle_alert(actor, alert):
        raise PermissionDeniedError(_("只有责任单位或指挥部可以处理该预警。"))
    if not reason.strip():
        raise ServiceError(_("请填写关闭理由。"), code="reason")
    with transaction.atomic():
        _transition(
            actor,
            alert,
            AlertStatus.CLOSED,
            "closed",
            reason.strip(),
            {"closed_at": timezone.now(), "close_reason": reason.strip()},
        )
    return alert


def alert_assign(*, actor: Any, alert: Alert, assignee: Any, note: str = "") -> Alert:
    """Give the alert to a person of the responsible unit (HQ may pick anyone on staff)."""
    if not permissions.can_handle_alert(actor, alert):
        raise PermissionDeniedError(_("只有责任单位或指挥部可以处理该预警。"))
    if alert.status == AlertStatus.CLOSED:
        raise ServiceError(_("预警已关闭，不能再指派。"))
    if not permissions.can_read(assignee) or not (is_hq_editor(actor) or assignee.unit_id == alert.responsible_unit_id):
        raise ServiceError(_("只能指派给责任单位的工作人员。"), code="assignee")
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        previous = locked.assignee_id
        locked.assignee = assignee
        locked.version += 1
        locked.save(update_fields=["assignee", "version", "updated_at"])
        AlertHistory.objects.create(
            alert=locked,
            action="assigned",
            from_status=locked.status,
            to_status=locked.status,
            actor=actor,
            reason=note,
        )
        audit.record(
            actor=actor,
            action="monitoring.alert_assigned",
            obj=locked,
            enterprise_id=locked.enterprise_id,
            summary=_("预警“%(title)s”指派给 %(who)s")
            % {"title": locked.title, "who": assignee.display_name or assignee},
            changes={"assignee": [previous, assignee.pk]},
        )
        notify(
            recipients=[assignee],
            verb="monitoring.alert_assigned",
            title=_("预警已指派给您：%(title)s") % {"title": locked.title},
            url=f"/monitoring/alerts/{locked.pk}/",
            dedupe_key=f"monitoring.alert_assigned:{locked.pk}:{assignee.pk}:{locked.version}",
        )
    alert.refresh_from_db()
    return alert


# -- highly toxic chemicals -----------------------------------------------------
def _resolve_chemical(chemical: str, cas_number: str) -> Any:
    """The catalogue entry the line names (by name, synonym, formula or CAS), or a refusal."""
    from relocation.monitoring import toxic_catalogue
    from relocation.monitoring.models import ToxicChemical

    entries = list(ToxicChemical.objects.filter(is_active=True))
    entry = toxic_catalogue.resolve(chemical, entries) or (
        toxic_catalogue.resolve(cas_number, entries) if not chemical.strip() else None
    )
    if entry is None:
        raise ServiceError(
            _("“%(name)s”不在剧毒化学品目录中：请填写目录中的名称、别名、化学式或CAS号。")
            % {"name": chemical.strip() or cas_number},
            code="chemical",
        )
    if cas_number.strip() and toxic_catalogue.normalise(cas_number) != toxic_catalogue.normalise(entry.cas_number):
        raise ServiceError(
            _("CAS号 %(cas)s 与“%(name)s”（CAS %(right)s）不符。")
            % {"cas": cas_number.strip(), "name": entry.name, "right": entry.cas_number},
            code="cas_number",
        )
    return entry


def _check_stock_never_negative(
    enterprise: Enterprise, chemical: str, day: dt.date, delta: Decimal, *, new_line: bool
) -> None:
    """Replay the book of one chemical in date order with one more change;
    refuse when the stock would drop below zero on any day."""
    from relocation.monitoring.selectors import toxic_stock_changes

    changes = [(d, q, False) for d, q in toxic_stock_changes(enterprise, chemical)]
    changes.append((day, delta, True))
    # On one day, what comes in is counted before what goes out.
    changes.sort(key=lambda c: (c[0], c[1] < 0))
    balance = Decimal(0)
    for when, change, is_new in changes:
        before = balance
        balance += change
        if balance >= 0:
            continue
        if is_new and new_line:
            raise ServiceError(
                _("“%(chemical)s”在 %(day)s 的账面库存只有 %(stock)s 千克，不能使用或处置 %(qty)s 千克。")
                % {"chemical": chemical, "day": when, "stock": _kg(before), "qty": _kg(-change)},
                code="quantity_kg",
            )
        raise ServiceError(
            _("登记后“%(chemical)s”在 %(day)s 的账面库存将为 %(stock)s 千克：库存不能为负。")
            % {"chemical": chemical, "day": when, "stock": _kg(balance)},
            code="quantity_kg",
        )


def _kg(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def toxic_movement_record(
    *,
    actor: Any,
    enterprise: Enterprise,
    chemical: str,
    kind: str,
    quantity_kg: Decimal,
    occurred_on: dt.date,
    cas_number: str = "",
    document_no: str = "",
    permit_no: str = "",
    filing_no: str = "",
    counterparty: str = "",
    note: str = "",
) -> ToxicMovement:
    """Add a ledger line.

    Invariants: the chemical is in the catalogue (name, synonym, formula or
    CAS: "NaCN" is 氰化钠) and the line keeps its catalogue name and CAS; a
    purchase carries its purchase-permit number; replayed in date order the
    book stock never drops below zero (a use may not exceed the stock on its
    date, nor come before the purchase); lines are written one enterprise at
    a time; afterwards the balance is checked against the last stocktake and
    a discrepancy alert raised or cleared.
    """
    if not permissions.can_record_toxic(actor, enterprise):
        raise PermissionDeniedError(_("只有指挥部、公安、应急或属地单位可以登记剧毒化学品台账。"))
    chemical = (chemical or "").strip()
    cas_number = (cas_number or "").strip()
    if not chemical and not cas_number:
        raise ServiceError(_("请填写化学品名称。"), code="chemical")
    if kind not in ToxicMovementKind.values:
        raise ServiceError(_("台账类型不正确。"), code="kind")
    if quantity_kg is None or quantity_kg < 0:
        raise ServiceError(_("数量不能为负数。"), code="quantity_kg")
    if occurred_on > timezone.localdate():
        raise ServiceError(_("日期不能晚于今天。"), code="occurred_on")
    permit_no, filing_no = (permit_no or "").strip(), (filing_no or "").strip()
    if kind == ToxicMovementKind.PURCHASE and not permit_no:
        raise ServiceError(_("购入须填写剧毒化学品购买许可证编号。"), code="permit_no")
    entry = _resolve_chemical(chemical, cas_number)
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()  # serialise ledger writes
        if kind != ToxicMovementKind.STOCKTAKE:
            sign = 1 if kind == ToxicMovementKind.PURCHASE else -1
            _check_stock_never_negative(enterprise, entry.name, occurred_on, sign * quantity_kg, new_line=True)
        movement = ToxicMovement.objects.create(
            enterprise=enterprise,
            substance=entry,
            chemical=entry.name,
            cas_number=entry.cas_number,
            kind=kind,
            quantity_kg=quantity_kg,
            occurred_on=occurred_on,
            document_no=document_no,
            permit_no=permit_no,
            filing_no=filing_no,
            counterparty=counterparty,
            note=note,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="monitoring.toxic_recorded",
            obj=movement,
            enterprise_id=enterprise.pk,
            summary=_("剧毒化学品台账：%(chemical)s %(kind)s %(qty)s 千克")
            % {"chemical": entry.name, "kind": ToxicMovementKind(kind).label, "qty": quantity_kg},
            changes=audit.snapshot(
                movement, ["chemical", "kind", "quantity_kg", "occurred_on", "document_no", "permit_no", "filing_no"]
            ),
        )
        toxic_check(actor=actor, enterprise=enterprise)
    return movement


def toxic_movement_reverse(*, actor: Any, movement: ToxicMovement, reason: str) -> ToxicMovement:
    """Cancel a wrong line with a counter-entry (the line itself is never
    changed): same chemical, kind, quantity and date, the opposite effect,
    and the reason. A line is cancelled once; a counter-entry is not
    cancelled again (enter the right line instead). Cancelling may not drop
    the stock below zero on any day (cancel the later use first)."""
    from relocation.core.errors import ConflictError

    enterprise = movement.enterprise
    if not permissions.can_record_toxic(actor, enterprise):
        raise PermissionDeniedError(_("只有指挥部、公安、应急或属地单位可以登记剧毒化学品台账。"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写冲销理由。"), code="reason")
    if movement.reverses_id is not None:
        raise ServiceError(_("冲销行不能再冲销：请重新登记正确的台账行。"), code="movement")
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        if ToxicMovement.objects.filter(reverses=movement).exists():
            raise ConflictError(_("该台账行已冲销。"))
        if movement.kind != ToxicMovementKind.STOCKTAKE:
            sign = 1 if movement.kind == ToxicMovementKind.PURCHASE else -1
            _check_stock_never_negative(
                enterprise, movement.chemical, movement.occurred_on, -sign * movement.quantity_kg, new_line=False
            )
        try:
            with transaction.atomic():
                counter = ToxicMovement.objects.create(
                    enterprise=enterprise,
                    substance=movement.substance,
                    chemical=movement.chemical,
                    cas_number=movement.cas_number,
                    kind=movement.kind,
                    quantity_kg=movement.quantity_kg,
                    occurred_on=movement.occurred_on,
                    document_no=movement.document_no,
                    reverses=movement,
                    reason=reason[:300],
                    recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:
            raise ConflictError(_("该台账行已冲销。")) from None
        audit.record(
            actor=actor,
            action="monitoring.toxic_reversed",
            obj=counter,
            enterprise_id=enterprise.pk,
            summary=_("冲销剧毒化学品台账：%(chemical)s %(kind)s %(qty)s 千克（%(day)s），理由：%(reason)s")
            % {
                "chemical": movement.chemical,
                "kind": ToxicMovementKind(movement.kind).label,
                "qty": movement.quantity_kg,
                "day": movement.occurred_on,
                "reason": reason[:200],
            },
            changes={"reverses": [None, movement.pk], "reason": [None, reason]},
        )
        toxic_check(actor=actor, enterprise=enterprise)
    return counter


def toxic_check(*, actor: Any, enterprise: Enterprise) -> list[dict[str, Any]]:
    """Compare book and stocktake per chemical; raise or clear discrepancy alerts."""
    from relocation.monitoring.selectors import toxic_balances

    balances = toxic_balances(enterprise)
    for b in balances:
        key = f"toxic:{enterprise.pk}:{b['chemical']}"
        if b["consistent"]:
            alert_condition_cleared(actor=actor, dedupe_key=key, close_after=1)
            continue
        if b["book"] < 0:
            detail = _("账面库存为负：购入 %(p)s，使用 %(u)s，处置 %(d)s（千克）。") % {
                "p": b["purchase"],
                "u": b["use"],
                "d": b["disposal"],
            }
        else:
            detail = _("%(day)s 盘点库存 %(st)s 千克，账面应为 %(book)s 千克。") % {
                "day": b["stocktake_on"],
                "st": b["stocktake"],
                "book": b["book_at_stocktake"],
            }
        alert_raise(
            actor=actor,
            enterprise=enterprise,
            kind=AlertKind.TOXIC_DISCREPANCY,
            dedupe_key=key,
            title=_("%(enterprise)s 剧毒化学品“%(chemical)s”账实不符")
            % {"enterprise": enterprise.name, "chemical": b["chemical"]},
            detail=detail,
            pollutant=b["chemical"][:16],
            unit="kg",
        )
    return balances


def toxic_closure_blockers(enterprise: Enterprise) -> list[str]:
    """Closure guard: every highly toxic chemical must be used up or disposed of."""
    from relocation.monitoring.selectors import toxic_balances

    blockers = []
    for b in toxic_balances(enterprise):
        remaining = b["book"]
        if b["stocktake"] is not None and b["stocktake_on"] is not None:
            remaining = max(remaining, b["stocktake"]) if b["book_at_stocktake"] == b["book"] else remaining
        if remaining > 0:
            blockers.append(
                _("剧毒化学品“%(chemical)s”尚有库存 %(qty)s 千克，须清零（使用完毕或交有资质单位处置）后才能核验关停。")
                % {"chemical": b["chemical"], "qty": f"{remaining.normalize():f}"}
            )
        elif not b["consistent"]:
            blockers.append(_("剧毒化学品“%(chemical)s”账实不符，须查清后才能核验关停。") % {"chemical": b["chemical"]})
    return blockers


# -- utility readings -----------------------------------------------------------
def utility_import(*, actor: Any, kind: str, file_name: str, data: bytes, commit: bool) -> dict[str, Any]:
    """Check a water or power company file; with `commit`, store every row or
    none (a corrected file may be imported again: its rows replace the old ones).
    Credit codes are looked up in the importing user's programme only."""
    import hashlib

    from relocation.core.spreadsheets import is_workbook, read_table
    from relocation.enterprises.ledger_import import FileRefused, check_file_safety
    from relocation.monitoring import utility_import as reader
    from relocation.monitoring.models import UtilityImport, UtilityKind
    from relocation.organisation.selectors import programme_for

    if not permissions.can_import_utility(actor):
        raise PermissionDeniedError(_("只有指挥部、供水或供电单位可以导入水电数据。"))
    if kind not in UtilityKind.values:
        raise ServiceError(_("请选择用水或用电。"), code="kind")
    if len(data) > 10 * 1024 * 1024:
        raise ServiceError(_("文件过大：最大 10 MB。"), code="file")
    try:
        if is_workbook(data):
            check_file_safety(data)  # zip-bomb checks before openpyxl unpacks it
        table = read_table(data)
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix
        raise ServiceError(_("无法读取文件：请上传 Excel（.xlsx）或 CSV 文件。"), code="file") from exc
    programme = programme_for(actor)
    rows, errors = reader.parse(table, programme_id=programme.pk if programme else None)
    summary = {
        "rows": len(rows),
        "errors": errors,
        "preview": rows[:20],
        "enterprises": len({r.enterprise.pk for r in rows}),
    }
    if errors or not commit:
        return summary
    with transaction.atomic():
        created = _store_readings(
            actor,
            kind,
            [(r.enterprise, r.reading_date, r.hour, r.consumption, r.meter_reading, r.interval) for r in rows],
            "import",
        )
        batch = UtilityImport.objects.create(
            kind=kind,
            file_name=file_name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(rows),
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="monitoring.utility_imported",
            obj=batch,
            summary=_("导入%(kind)s数据 %(n)s 行（%(file)s）")
            % {"kind": UtilityKind(kind).label, "n": len(rows), "file": file_name},
            changes={"rows": [None, len(rows)], "created": [None, created], "sha256": [None, batch.sha256]},
        )
    summary["created"] = created
    return summary


def utility_push(*, actor: Any, kind: str, readings: list[dict[str, Any]]) -> int:
    """Readings pushed through the API: the same checks as the import, all or nothing."""
    from relocation.monitoring.models import UtilityKind

    if not permissions.can_import_utility(actor):
        raise PermissionDeniedError(_("只有指挥部、供水或供电单位可以报送水电数据。"))
    if kind not in UtilityKind.values:
        raise ServiceError(_("请选择用水或用电。"), code="kind")
    errors = []
    for i, r in enumerate(readings, start=1):
        if r["consumption"] < 0:
            errors.append(_("第 %(i)s 条：用量不能为负数。") % {"i": i})
        if r.get("hour") is not None and not 0 <= r["hour"] <= 23:
            errors.append(_("第 %(i)s 条：时段应为 0 至 23。") % {"i": i})
        if r.get("interval") and (r["interval"] == "hour") != (r.get("hour") is not None):
            errors.append(_("第 %(i)s 条：小时读数须填写时段，日或月读数不填时段。") % {"i": i})
    if errors:
        raise ServiceError(" ".join(errors), code="readings")
    with transaction.atomic():
        created = _store_readings(
            actor,
            kind,
            [
                (
                    r["enterprise"],
                    r["reading_date"],
                    r.get("hour"),
                    r["consumption"],
                    r.get("meter_reading"),
                    r.get("interval", ""),
                )
                for r in readings
            ],
            "api",
        )
        audit.record(
            actor=actor,
            action="monitoring.utility_pushed",
            summary=_("接口报送%(kind)s数据 %(n)s 条") % {"kind": UtilityKind(kind).label, "n": len(readings)},
            changes={"rows": [None, len(readings)]},
        )
    return created


def _store_readings(actor: Any, kind: str, rows: list[tuple], source: str) -> int:
    """Rows of (enterprise, day, hour, amount, meter[, interval]); a reading of the
    same enterprise, utility, day, hour and interval replaces the stored one."""
    from relocation.monitoring.models import ReadingInterval, UtilityReading

    created = 0
    for enterprise, day, hour, amount, meter, *rest in rows:
        interval = rest[0] if rest and rest[0] else (ReadingInterval.HOUR if hour is not None else ReadingInterval.DAY)
        if interval == ReadingInterval.MONTH:
            day = day.replace(day=1)  # a month is filed under its first day
        _, was_created = UtilityReading.objects.update_or_create(
            enterprise=enterprise,
            kind=kind,
            reading_date=day,
            hour=hour,
            interval=interval,
            defaults={"consumption": amount, "meter_reading": meter, "source": source},
        )
        created += int(was_created)
    return created


# -- detector thresholds -------------------------------------------------------
POLICY_FIELDS = [
    "close_after_good_periods",
    "gap_factor",
    "stopped_share",
    "baseline_days",
    "window_days",
    "night_share",
    "absolute_thresholds",
]


def _checked_thresholds(value: Any) -> dict[str, dict[str, float]]:
    """{"water"|"power"|"night": {industry: limit > 0}}, or a clear refusal."""
    from relocation.enterprises.models import Industry
    from relocation.monitoring.consumption import DEFAULT_THRESHOLDS

    if value in (None, ""):
        return {}
    message = _('绝对阈值格式应为 {"water": {"electroplating": 10}, …}，行业为 %(industries)s，数值大于 0。') % {
        "industries": "、".join(Industry.values)
    }
    if not isinstance(value, dict):
        raise ServiceError(message, code="absolute_thresholds")
    checked: dict[str, dict[str, float]] = {}
    for kind, limits in value.items():
        if kind not in DEFAULT_THRESHOLDS or not isinstance(limits, dict):
            raise ServiceError(message, code="absolute_thresholds")
        for industry, limit in limits.items():
            try:
                number = float(limit)
            except (TypeError, ValueError):
                number = 0
            if industry not in Industry.values or not number > 0:
                raise ServiceError(message, code="absolute_thresholds")
            checked.setdefault(kind, {})[industry] = number
    return checked


def policy_update(*, actor: Any, data: dict[str, Any]) -> Any:
    """HQ changes the thresholds the detectors use (one row, audited)."""
    from relocation.monitoring.models import MonitoringPolicy

    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以修改监管参数。"))
    if int(data.get("close_after_good_periods", 1)) < 1 or int(data.get("window_days", 1)) < 1:
        raise ServiceError(_("周期数和天数至少为 1。"))
    if not Decimal(0) < Decimal(data.get("stopped_share", "0.3")) <= Decimal(1):
        raise ServiceError(_("比例应大于 0 且不超过 1。"), code="stopped_share")
    if "absolute_thresholds" in data:
        data = {**data, "absolute_thresholds": _checked_thresholds(data["absolute_thresholds"])}
    with transaction.atomic():
        policy, _created = MonitoringPolicy.objects.select_for_update().get_or_create(pk=1)
        before = audit.snapshot(policy, POLICY_FIELDS)
        for key in POLICY_FIELDS:
            if key in data:
                setattr(policy, key, data[key])
        policy.save()
        audit.record(
            actor=actor,
            action="monitoring.policy_updated",
            obj=policy,
            summary=_("修改监管参数"),
            changes=audit.diff(before, audit.snapshot(policy, POLICY_FIELDS)),
        )
    return policy
