"""The bulletin and the battle map (time-travelled to the month's end) say the
same numbers, because both read enterprises.lifecycle_facts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from relocation.dashboard import figures
from relocation.enterprises.models import Enterprise, StatusChange
from relocation.reporting import services


def _move(enterprise, actor, src, dst, day):
    StatusChange.objects.create(
        enterprise=enterprise,
        from_status=src,
        to_status=dst,
        actor=actor,
        at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        reason="x",
    )


@pytest.mark.django_db
def test_the_bulletin_and_the_battle_map_agree_at_the_months_end(programme, hq_staff, make_enterprise):
    with time_machine.travel(dt.datetime(2022, 1, 5, 2, tzinfo=dt.UTC)):
        thrice = make_enterprise(status="closed")
        forced = make_enterprise(status="forced_closure")
        moved = make_enterprise(status="relocated")
        make_enterprise(status="surveyed")
    _move(thrice, hq_staff, "destination_confirmed", "production_stopped", dt.date(2022, 3, 2))
    _move(thrice, hq_staff, "production_stopped", "closure_verified", dt.date(2022, 3, 9))
    _move(thrice, hq_staff, "closure_verified", "closed", dt.date(2022, 3, 20))
    _move(forced, hq_staff, "holdout", "forced_closure", dt.date(2022, 3, 25))
    _move(moved, hq_staff, "destination_confirmed", "production_stopped", dt.date(2022, 3, 5))
    _move(moved, hq_staff, "production_stopped", "closure_verified", dt.date(2022, 3, 28))
    _move(moved, hq_staff, "closure_verified", "relocated", dt.date(2022, 4, 10))  # after the month
    with time_machine.travel(dt.datetime(2022, 4, 20, 2, tzinfo=dt.UTC)):
        bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=3)
        board = figures.board(
            programme=programme, scope=Enterprise.objects.filter(programme=programme), as_of=dt.date(2022, 3, 31)
        )
    ent = bulletin.figures["enterprises"]
    stages = {i["key"]: i["count"] for i in ent["by_status"]}
    assert stages == {s["status"]: s["count"] for s in board["stages"]}
    for key in ("total", "stopped", "closed", "relocated", "done"):
        assert ent["summary"][key] == board["summary"][key], key
    assert (ent["summary"]["stopped"], ent["summary"]["done"], ent["summary"]["forced_closures"]) == (2, 1, 1)
    moves = bulletin.figures["moves"]
    assert (moves["closures"], moves["relocations"], moves["forced_closures"]) == (2, 0, 1)
    assert "本月新增关停2家" in bulletin.sections.get(key="overview").text


@pytest.mark.django_db
def test_the_bulletin_and_the_ledger_export_agree_on_each_stage(programme, hq_staff, make_enterprise):
    """The 搬迁进度 column of the ledger export, counted, is the bulletin's
    table of stages (compiled after a month with no later moves)."""
    import io
    from collections import Counter

    from openpyxl import load_workbook

    from relocation.enterprises.ledger_export import EXPORT_HEADERS, export_ledger

    with time_machine.travel(dt.datetime(2022, 1, 5, 2, tzinfo=dt.UTC)):
        closed = make_enterprise(status="closed")
        make_enterprise(status="forced_closure")
        make_enterprise(status="relocated")
        make_enterprise(status="surveyed")
        make_enterprise(status="surveyed")
    _move(closed, hq_staff, "closure_verified", "closed", dt.date(2022, 3, 20))
    with time_machine.travel(dt.datetime(2022, 4, 2, 2, tzinfo=dt.UTC)):
        bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=3)
        content = export_ledger(Enterprise.objects.filter(programme=programme).order_by("pk"))
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    column = list(rows[0]).index("搬迁进度")
    assert rows[0] == tuple(EXPORT_HEADERS)
    exported = Counter(row[column] for row in rows[1:])
    stages = {str(i["label"]): i["count"] for i in bulletin.figures["enterprises"]["by_status"] if i["count"]}
    assert exported == Counter(stages)
    assert sum(exported.values()) == bulletin.figures["enterprises"]["summary"]["total"]
