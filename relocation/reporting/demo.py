"""Demo part of the bulletin: the bulletins of the last two months issued,
with read receipts from some recipients (others have not opened them yet).
Idempotent: an existing bulletin is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from relocation.organisation.models import User
from relocation.organisation.selectors import active_programme
from relocation.reporting import services
from relocation.reporting.models import Bulletin

READERS = ["leader", "humen_leader", "humen_liaison"]


def seed(*, scale: str, out: Any) -> None:
    programme = active_programme()
    if programme is None:
        return
    hq = User.objects.get(username="hq")
    first = timezone.localdate().replace(day=1)
    months = [(first - dt.timedelta(days=1)).replace(day=1)]
    months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    issued = 0
    for i, month in enumerate(months):
        if Bulletin.objects.filter(programme=programme, year=month.year, month=month.month).exists():
            continue
        bulletin = services.bulletin_compile(actor=hq, programme=programme, year=month.year, month=month.month)
        section = bulletin.sections.get(key="next_steps")
        services.section_update(
            actor=hq,
            section=section,
            text="一是加快第一批企业停产断电；二是组织联合执法“回头看”；三是推动承接园区厂房交付和入园手续办理。",
            expected_version=section.version,
        )
        bulletin = services.bulletin_issue(actor=hq, bulletin=bulletin)
        for username in READERS[: 3 - i]:
            user = User.objects.filter(username=username).first()
            if user is not None:
                services.receipt_record(user=user, bulletin=bulletin)
        issued += 1
    out.write(f"  {issued} monthly bulletins issued, with read receipts")
