"""A meeting's agenda (assembled from the open problems, or added by hand) and
its attendance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ServiceError
from relocation.meetings import selectors, sources
from relocation.meetings.models import (
    AgendaItem,
    AgendaSource,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
)
from relocation.meetings.services.schedule import _require_hq
from relocation.organisation.models import Unit


def _require_open(meeting: Meeting) -> None:
    if meeting.status not in {MeetingStatus.SCHEDULED, MeetingStatus.HELD}:
        raise ServiceError(_("会议纪要已印发或会议已取消，不能再修改。"))


def agenda_assemble(*, actor: Any, meeting: Meeting) -> list[AgendaItem]:
    """Assemble the agenda: first the follow-up of the previous meeting's
    decisions, then the problems needing coordination that units reported and
    no meeting has settled yet, then accepted extra-meeting requests. Running it again
    adds only what is new (items are keyed by what they came from)."""
    _require_hq(actor)
    _require_open(meeting)
    previous = selectors.previous_meeting(meeting)
    wanted: list[dict[str, Any]] = []
    if previous is not None and previous.decisions.exists():
        wanted.append(
            {
                "source": AgendaSource.FOLLOW_UP,
                "source_ref": f"follow-up:{previous.pk}",
                "title": _("上次会议（%(title)s）议定事项落实情况") % {"title": previous.title},
                "unit": None,
                "description": "",
            }
        )
    # Every problem still open, however old: a problem leaves the agenda only when
    # the minutes of the meeting that dealt with it are issued (minutes_issue).
    for problem in sources.open_coordination_problems(meeting.programme):
        wanted.append(
            {
                "source": AgendaSource.UNIT_REPORT,
                "source_ref": problem.ref,
                "title": problem.text[:300],
                "unit_id": problem.unit_id,
                "description": problem.details,
            }
        )
    for request in meeting.requests.all():
        wanted.append(
            {
                "source": AgendaSource.REQUEST,
                "source_ref": f"request:{request.pk}",
                "title": request.problem,
                "unit_id": request.unit_id,
                "description": request.details,
            }
        )
    added: list[AgendaItem] = []
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        taken = set(meeting.agenda_items.exclude(source_ref="").values_list("source_ref", flat=True))
        order = (meeting.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        for values in wanted:
            if values["source_ref"] in taken:
                continue
            taken.add(values["source_ref"])
            unit = values.pop("unit", None)
            item = AgendaItem.objects.create(meeting=meeting, order=order, unit=unit, **values)
            order += 1
            added.append(item)
        if added:
            audit.record(
                actor=actor,
                action="meeting.agenda_assembled",
                obj=meeting,
                summary=_("汇总会商议题 %(n)s 项：%(title)s") % {"n": len(added), "title": meeting.title},
                changes={"agenda": [None, [i.title for i in added]]},
            )
    return added


def agenda_item_add(
    *, actor: Any, meeting: Meeting, title: str, description: str = "", unit: Unit | None = None
) -> AgendaItem:
    """HQ's own agenda item."""
    _require_hq(actor)
    _require_open(meeting)
    if not title.strip():
        raise ServiceError(_("请填写议题。"), code="title")
    with transaction.atomic():
        order = (meeting.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            source=AgendaSource.HQ,
            title=title.strip()[:300],
            description=description.strip(),
            unit=unit,
        )
        audit.record(
            actor=actor,
            action="meeting.agenda_item_added",
            obj=meeting,
            summary=_("增加议题：%(title)s") % {"title": item.title},
            changes={"agenda_item": [None, item.title]},
        )
    return item


def agenda_item_remove(*, actor: Any, item: AgendaItem) -> None:
    _require_hq(actor)
    _require_open(item.meeting)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="meeting.agenda_item_removed",
            obj=item.meeting,
            summary=_("删除议题：%(title)s") % {"title": item.title},
            changes={"agenda_item": [item.title, None]},
        )
        item.delete()


# ----------------------------------------------------------------------------- attendance


def attendance_record(*, actor: Any, meeting: Meeting, entries: Sequence[dict[str, Any]]) -> list[Attendance]:
    """Record who attended, per unit: present, deputy (with the deputy's name) or absent.
    Each entry: {"unit": Unit, "status": str, "attendee": str, "note": str}."""
    _require_hq(actor)
    _require_open(meeting)
    result = []
    with transaction.atomic():
        for entry in entries:
            unit = entry["unit"]
            status = entry.get("status") or ""
            if unit.programme_id != meeting.programme_id:
                raise ServiceError(_("单位“%(unit)s”不属于本项目。") % {"unit": unit}, code="unit")
            if status not in AttendanceStatus.values:
                raise ServiceError(_("“%(unit)s”的出席情况无效。") % {"unit": unit}, code="status")
            attendee = (entry.get("attendee") or "").strip()[:100]
            if status == AttendanceStatus.DEPUTY and not attendee:
                raise ServiceError(_("“%(unit)s”委托出席，请填写出席人姓名。") % {"unit": unit}, code="attendee")
            row, _created = Attendance.objects.update_or_create(
                meeting=meeting,
                unit=unit,
                defaults={"status": status, "attendee": attendee, "note": (entry.get("note") or "").strip()[:200]},
            )
            result.append(row)
        audit.record(
            actor=actor,
            action="meeting.attendance_recorded",
            obj=meeting,
            summary=_("登记会议出席情况：%(title)s（%(n)s 个单位）") % {"title": meeting.title, "n": len(result)},
            changes={"attendance": [None, {str(r.unit_id): r.status for r in result}]},
        )
    return result
