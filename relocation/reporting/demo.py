"""Demo part of the bulletin: the bulletins of the last two months, compiled on
the first working day of the next month, issued the day after, with read
receipts from some recipients (others have not opened them yet). Each step is
dated on its day (core.demo_time). Idempotent: an existing bulletin is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from relocation.core import demo_time, workdays
from relocation.organisation.models import User
from relocation.organisation.selectors import active_programme
from relocation.reporting import services
from relocation.reporting.models import Bulletin

READERS = ["leader", "humen_leader", "humen_liaison", "eeb_liaison"]
NEXT_STEPS = "一是加快第一批企业停产断电；二是组织联合执法“回头看”；三是推动承接园区厂房交付和入园手续办理。"


def seed(*, scale: str, out: Any) -> None:
    programme = active_programme()
    if programme is None:
        return
    hq = User.objects.get(username="hq")
    first = timezone.localdate().replace(day=1)
    last = (first - dt.timedelta(days=1)).replace(day=1)
    months = [(last - dt.timedelta(days=1)).replace(day=1), last]
    issued = 0
    for i, month in enumerate(months):
        if Bulletin.objects.filter(programme=programme, year=month.year, month=month.month).exists():
            continue
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        compile_day = services.first_workday_of_month(next_month)
        with demo_time.on(compile_day, hour=9):
            bulletin = services.bulletin_compile(actor=hq, programme=programme, year=month.year, month=month.month)
            section = bulletin.sections.get(key="next_steps")
            services.section_update(actor=hq, section=section, text=NEXT_STEPS, expected_version=section.version)
        issue_day = workdays.add_workdays(compile_day, 1)
        with demo_time.on(issue_day, hour=11):
            bulletin = services.bulletin_issue(actor=hq, bulletin=bulletin)
        # The older bulletin has been read by more people than last month's.
        for k, username in enumerate(READERS[: 3 - i]):
            user = User.objects.filter(username=username).first()
            if user is not None:
                with demo_time.on(workdays.add_workdays(issue_day, k), hour=15):
                    services.receipt_record(user=user, bulletin=bulletin)
        issued += 1
    out.write(f"  {issued} monthly bulletins issued, with read receipts")
