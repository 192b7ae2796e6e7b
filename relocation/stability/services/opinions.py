"""Public opinion: recording an event, updating it, the status moves (verify,
respond, close) and the reminder of overdue responses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import is_hq_editor
from relocation.organisation.models import Programme, Unit
from relocation.stability import permissions, transitions
from relocation.stability.models import (
    OpinionEvent,
    OpinionLevel,
    OpinionSource,
    OpinionStatus,
    OpinionStatusChange,
    Sentiment,
)
from relocation.stability.services.routing import (
    CROSS_STRAIT_FUNCTION,
    PROPAGANDA_FUNCTION,
    _check_units,
    _hq_commanders,
    _not_future,
    _unit_by_function,
    _unit_people,
    _user,
    _with_routed,
    is_cross_strait,
    routed_units,
)
from relocation.stability.services.status_moves import _status_history, _status_move
from relocation.stability.services.time_limits import response_hours


def default_owner(programme: Programme, enterprise: Any = None) -> tuple[Unit | None, list[Unit]]:
    """Who handles an opinion event by default: the propaganda department; for
    an enterprise with Hong Kong, Macao or Taiwan capital, 台港澳办 with
    propaganda as co-unit (the plan gives 台港澳办 the 舆情应对化解 of those)."""
    propaganda = _unit_by_function(programme.pk, PROPAGANDA_FUNCTION)
    if is_cross_strait(enterprise):
        tgao = _unit_by_function(programme.pk, CROSS_STRAIT_FUNCTION)
        if tgao is not None:
            return tgao, [propaganda] if propaganda is not None else []
    return propaganda, []


def opinion_record(
    *,
    actor: Any,
    programme: Programme,
    source: str,
    title: str,
    first_seen_at: dt.datetime,
    level: str = OpinionLevel.GENERAL,
    sentiment: str = Sentiment.NEGATIVE,
    heat: int = 0,
    url: str = "",
    description: str = "",
    enterprise: Any = None,
    owner_unit: Unit | None = None,
    co_units: Iterable[Unit] = (),
) -> OpinionEvent:
    """Record a public-opinion event (舆情). The owner unit defaults by the
    plan (default_owner); the response deadline is first seen + the level's
    hours. A unit that records an event another unit owns stays on it as co-unit."""
    if not permissions.can_record(actor):
        raise PermissionDeniedError(_("只有现场指挥部和成员单位可以登记舆情。"))
    if source not in OpinionSource.values:
        raise ServiceError(_("请选择舆情来源。"), code="source")
    if level not in OpinionLevel.values:
        raise ServiceError(_("请选择舆情等级。"), code="level")
    if sentiment not in Sentiment.values:
        raise ServiceError(_("请选择舆情倾向。"), code="sentiment")
    if not title.strip():
        raise ServiceError(_("请填写舆情标题。"), code="title")
    if not url.strip() and not description.strip():
        raise ServiceError(_("请填写链接或内容摘要。"), code="description")
    if heat < 0:
        raise ServiceError(_("热度不能为负数。"), code="heat")
    _not_future(first_seen_at, "first_seen_at")
    if enterprise is not None and enterprise.programme_id != programme.pk:
        raise ServiceError(_("企业不属于本项目。"), code="enterprise")
    default, default_co = default_owner(programme, enterprise)
    owner = owner_unit or default
    if owner is None:
        raise ServiceError(_("请选择处置单位。"), code="owner_unit")
    routed = [u for u, _why in routed_units(programme.pk, enterprise=enterprise, serious=level == OpinionLevel.MAJOR)]
    co = {u.pk: u for u in [*default_co, *routed, *co_units] if u.pk != owner.pk}
    own_unit = getattr(actor, "unit", None) if not is_hq_editor(actor) else None
    if own_unit is not None and own_unit.pk != owner.pk:
        co.setdefault(own_unit.pk, own_unit)
    _check_units(programme.pk, [owner, *co.values()], "owner_unit")
    with transaction.atomic():
        event = OpinionEvent.objects.create(
            programme=programme,
            source=source,
            title=title.strip()[:200],
            url=url.strip()[:500],
            description=description.strip(),
            first_seen_at=first_seen_at,
            level=level,
            heat=heat,
            sentiment=sentiment,
            enterprise=enterprise,
            owner_unit=owner,
            response_due_at=first_seen_at + dt.timedelta(hours=response_hours(level)),
            reported_by=_user(actor),
        )
        if co:
            event.co_units.set(list(co.values()))
        _status_history(OpinionStatusChange, event, actor=actor, from_status="", to_status=OpinionStatus.DETECTED)
        audit.record(
            actor=actor,
            action="stability.opinion_recorded",
            obj=event,
            enterprise_id=event.enterprise_id,
            summary=_("登记%(level)s舆情（%(source)s）：%(title)s")
            % {"level": event.get_level_display(), "source": event.get_source_display(), "title": event.title},
            changes=audit.snapshot(
                event, ["source", "level", "sentiment", "first_seen_at", "owner_unit", "response_due_at"]
            ),
        )
        recipients = _unit_people([owner])
        if level == OpinionLevel.MAJOR:
            recipients += _hq_commanders(event.programme_id)
        notify(
            recipients=recipients,
            verb="stability.opinion_assigned",
            title=_("%(level)s舆情待处置：%(title)s") % {"level": event.get_level_display(), "title": event.title},
            body=_("请于 %(due)s 前回应。")
            % {"due": timezone.localtime(event.response_due_at).strftime("%Y-%m-%d %H:%M")},
            url=f"/stability/opinion/{event.pk}/",
            dedupe_key=f"stability.opinion_assigned:{event.pk}",
        )
    return event


def opinion_update(
    *,
    actor: Any,
    event: OpinionEvent,
    expected_version: int,
    title: str,
    level: str,
    sentiment: str,
    heat: int,
    url: str = "",
    description: str = "",
    co_units: Iterable[Unit] = (),
) -> OpinionEvent:
    """Update an open event as it develops; a new level moves the response
    deadline (from first seen, by the new level's hours)."""
    fields = ["title", "level", "sentiment", "heat", "url", "description", "response_due_at"]
    with transaction.atomic():
        event = OpinionEvent.objects.select_for_update().get(pk=event.pk)
        if not permissions.can_handle_opinion(actor, event):
            raise PermissionDeniedError(_("只有现场指挥部或处置单位可以修改舆情。"))
        if not event.is_open:
            raise ServiceError(_("舆情已办结，不能再修改。"))
        if level not in OpinionLevel.values or sentiment not in Sentiment.values:
            raise ServiceError(_("请选择舆情等级和倾向。"), code="level")
        if not title.strip():
            raise ServiceError(_("请填写舆情标题。"), code="title")
        if not url.strip() and not description.strip():
            raise ServiceError(_("请填写链接或内容摘要。"), code="description")
        if heat < 0:
            raise ServiceError(_("热度不能为负数。"), code="heat")
        routed = routed_units(event.programme_id, enterprise=event.enterprise, serious=level == OpinionLevel.MAJOR)
        co = _with_routed(event.owner_unit, co_units, routed)
        _check_units(event.programme_id, co, "co_units")
        before = audit.snapshot(event, fields)
        event.title, event.level, event.sentiment, event.heat = title.strip()[:200], level, sentiment, heat
        event.url, event.description = url.strip()[:500], description.strip()
        event.response_due_at = event.first_seen_at + dt.timedelta(hours=response_hours(level))
        workflow.save_if_unchanged(event, expected_version=expected_version, fields=fields)
        event.co_units.set(co)
        audit.record(
            actor=actor,
            action="stability.opinion_updated",
            obj=event,
            enterprise_id=event.enterprise_id,
            summary=_("更新舆情：%(title)s（%(level)s）") % {"title": event.title, "level": event.get_level_display()},
            changes=audit.diff(before, audit.snapshot(event, fields)),
        )
    return event


def _opinion_move(event: OpinionEvent, *, actor: Any, target: str, reason: str = "", extra: dict | None = None) -> None:
    if not permissions.can_handle_opinion(actor, event):
        raise PermissionDeniedError(_("只有现场指挥部或处置单位可以处置舆情。"))
    _status_move(
        OpinionStatusChange,
        event,
        actor=actor,
        target=target,
        allowed=transitions.OPINION,
        reason=reason,
        extra=extra,
        action="stability.opinion",
        summary=_("舆情“%(title)s”：%(status)s") % {"title": event.title, "status": OpinionStatus(target).label},
    )


def opinion_verify(*, actor: Any, event: OpinionEvent, note: str = "") -> OpinionEvent:
    with transaction.atomic():
        _opinion_move(event, actor=actor, target=OpinionStatus.VERIFYING, reason=note.strip())
    return event


def opinion_respond(*, actor: Any, event: OpinionEvent, note: str = "") -> OpinionEvent:
    with transaction.atomic():
        _opinion_move(event, actor=actor, target=OpinionStatus.RESPONDING, reason=note.strip())
    return event


def opinion_close(*, actor: Any, event: OpinionEvent, published_response: str) -> OpinionEvent:
    """Close with the response that was published (及时回应社会关切); kept verbatim."""
    if not published_response.strip():
        raise ServiceError(_("请填写已发布的回应内容。"), code="published_response")
    with transaction.atomic():
        _opinion_move(
            event,
            actor=actor,
            target=OpinionStatus.CLOSED,
            reason=published_response.strip(),
            extra={"published_response": published_response.strip(), "responded_at": timezone.now()},
        )
    return event


def remind_overdue_opinions(*, now: dt.datetime | None = None) -> int:
    """The job's work: tell the owner unit and HQ of every open opinion event
    past its response deadline (once per event)."""
    now = now or timezone.now()
    count = 0
    overdue = OpinionEvent.objects.filter(response_due_at__lt=now).exclude(status=OpinionStatus.CLOSED)
    for event in overdue.select_related("owner_unit"):
        with transaction.atomic():
            sent = notify(
                recipients=_unit_people([event.owner_unit]) + _hq_commanders(event.programme_id),
                verb="stability.opinion_overdue",
                title=_("舆情逾期未回应：%(title)s") % {"title": event.title},
                body=_("响应时限：%(due)s；处置单位：%(unit)s")
                % {
                    "due": timezone.localtime(event.response_due_at).strftime("%Y-%m-%d %H:%M"),
                    "unit": event.owner_unit.name,
                },
                url=f"/stability/opinion/{event.pk}/",
                dedupe_key=f"stability.opinion_overdue:{event.pk}",
            )
        count += bool(sent)
    return count
