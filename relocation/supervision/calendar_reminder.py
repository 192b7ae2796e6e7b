"""From each 1 November, while next year's State Council holiday notice is not
known, HQ is reminded once a week to enter it: every deadline set into next
year is an estimate until then."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import workdays
from relocation.core.notifications import notify
from relocation.core.roles import Role

REMIND_FROM_MONTH = 11


def remind_missing_calendar(today: dt.date | None = None) -> int:
    """Notify each programme's HQ (staff and commanders) if next year is not
    covered, in a notice of its own programme (never the people of another
    programme, never one notice for all); returns how many were told."""
    from relocation.organisation.models import Programme
    from relocation.organisation.selectors import people_in_roles

    today = today or timezone.localdate()
    year = today.year + 1
    if today.month < REMIND_FROM_MONTH or workdays.is_covered(year):
        return 0
    iso_year, week, _weekday = today.isocalendar()
    told = 0
    for programme in Programme.objects.filter(is_active=True).order_by("id"):
        sent = notify(
            recipients=people_in_roles(programme, Role.HQ_COMMANDER, Role.HQ_STAFF),
            verb="workdays.calendar_missing",
            title=_("请录入 %(y)s 年国家节假日安排") % {"y": year},
            body=_(
                "%(y)s 年的国务院办公厅节假日安排尚未录入，%(programme)s跨入 %(y)s 年的完成时限目前按周一至周五估算。"
                "通知公布后，请在“工作日计算”页录入，或运行 manage.py workdays import。"
            )
            % {"y": year, "programme": programme.name},
            url=reverse("supervision:workdays") + "#official-years",
            dedupe_key=f"workdays.calendar_missing.{year}.{iso_year}-{week}.{programme.pk}",
        )
        told += len(sent)
    return told
