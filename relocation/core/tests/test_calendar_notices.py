"""The official working-day calendar as data HQ keeps: the package by default, a
year's State Council notice entered or imported, estimates marked wherever a date
relies on a year neither covers."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from chinese_calendar import constants as package_days
from django.core.management import call_command

from relocation.core import workdays
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.models import AuditEvent, OfficialCalendarDay, OfficialCalendarYear, WorkdayOverride
from relocation.core.services import calendar_notice_save

# Test data for a year the package does not cover, shaped like a notice (New Year
# on Friday 1 January 2027, a Spring Festival run with a make-up Sunday before it).
# Not the official 2027 notice: its dates are only what this test needs.
NOTICE_2027 = {
    "year": 2027,
    "source": "测试用：2027 年节假日安排样例",
    "holidays": ["2027-01-01", "2027-02-05~2027-02-11"],
    "workdays": ["2027-01-31"],
}


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "is_workday"),
    [
        # 国办发明电〔2023〕7号 (2024): Spring Festival 10–17 Feb off; Sun 4 and Sun 18 Feb worked.
        ("2024-02-16", False),
        ("2024-02-04", True),
        ("2024-02-18", True),
        # The same notice: Labour Day 1–5 May off; Sun 28 April and Sat 11 May worked.
        ("2024-05-03", False),
        ("2024-04-28", True),
        ("2024-05-11", True),
        # 国办发明电〔2024〕12号 (2025): Spring Festival 28 Jan – 4 Feb off; Sun 26 Jan and Sat 8 Feb worked.
        ("2025-02-04", False),
        ("2025-01-26", True),
        ("2025-02-08", True),
        # The same notice: National Day 1–8 October off; Sun 28 September and Sat 11 October worked.
        ("2025-10-08", False),
        ("2025-09-28", True),
        ("2025-10-11", True),
    ],
)
@pytest.mark.django_db
def test_the_package_agrees_with_the_state_council_notices(day, is_workday):
    assert workdays.is_workday(_d(day)) is is_workday
    assert not workdays.is_estimate(_d(day))


@pytest.mark.django_db
def test_a_date_beyond_the_known_years_is_an_estimate():
    assert workdays.last_covered_year() == 2026
    assert workdays.is_estimate(_d("2027-01-01"))
    assert workdays.is_estimate(_d("2027-01-01"), since=_d("2026-12-31"))
    assert not workdays.is_estimate(_d("2026-12-31"))
    assert workdays.uncovered_years(_d("2026-12-01"), _d("2028-02-01")) == [2027, 2028]


@pytest.mark.django_db
def test_workdays_add_warns_and_exits_3_past_the_known_years(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("workdays", "add", "2026-12-31", "1")
    assert exit_.value.code == 3
    out = capsys.readouterr()
    assert out.out.strip() == "2027-01-01"
    assert "2027" in out.err and "estimate" in out.err


@pytest.mark.django_db
def test_an_imported_notice_covers_its_year(tmp_path, capsys):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(NOTICE_2027, ensure_ascii=False), encoding="utf-8")
    call_command("workdays", "import", str(path))
    assert "entered 2027" in capsys.readouterr().out
    # 1 January 2027 is a holiday, 2–3 January a weekend.
    call_command("workdays", "add", "2026-12-31", "1")
    assert capsys.readouterr().out.strip() == "2027-01-04"
    assert not workdays.is_estimate(_d("2027-06-01"), since=_d("2026-12-01"))
    assert workdays.is_workday(_d("2027-01-31"))  # a Sunday worked
    assert not workdays.is_workday(_d("2027-02-08"))  # a Monday off
    assert workdays.last_covered_year() == 2027
    event = AuditEvent.objects.get(action="workdays.notice_saved")
    assert event.actor_id is None and "2027" in event.summary


@pytest.mark.django_db
def test_entering_the_package_s_own_year_changes_nothing():
    """The notice format means what the package means: 2026 entered from the
    package's own lists gives the same answer on every day of the year."""
    holidays = [d.isoformat() for d in package_days.holidays if d.year == 2026]
    extra = [d.isoformat() for d in package_days.workdays if d.year == 2026]
    calendar_notice_save(actor=None, data={"year": 2026, "source": "包内数据", "holidays": holidays, "workdays": extra})
    day = _d("2026-01-01")
    while day.year == 2026:
        import chinese_calendar

        assert workdays.is_workday(day) is chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


@pytest.mark.django_db
def test_entered_days_win_over_the_package_and_local_overrides_win_over_both():
    assert workdays.is_workday(_d("2026-03-02"))
    calendar_notice_save(
        actor=None, data={"year": 2026, "source": "更正", "holidays": ["2026-03-02"], "workdays": ["2026-03-07"]}
    )
    assert not workdays.is_workday(_d("2026-03-02"))
    assert workdays.is_workday(_d("2026-03-07"))
    WorkdayOverride.objects.create(date=_d("2026-03-07"), is_workday=False, reason="台风停工")
    assert not workdays.is_workday(_d("2026-03-07"))
    assert workdays.add_workdays(_d("2026-03-06"), 1) == _d("2026-03-09")


@pytest.mark.django_db
def test_entering_a_year_again_replaces_its_days():
    calendar_notice_save(actor=None, data=NOTICE_2027)
    calendar_notice_save(actor=None, data={**NOTICE_2027, "holidays": ["2027-01-01"], "workdays": []})
    assert OfficialCalendarDay.objects.count() == 1
    assert workdays.is_workday(_d("2027-02-08"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"holidays": ["2027-13-01"]}, "2027-13-01"),
        ({"holidays": ["2026-12-31"]}, "不在 2027 年"),
        ({"workdays": ["2027-01-04"]}, "周六或周日"),
        ({"workdays": ["2027-01-01"]}, "既是放假日又是上班日"),
        ({"source": " "}, "依据"),
        ({"year": "明年"}, "年份"),
        ({"holidays": ["2027-02-01~2027-03-30"]}, "区间"),
        ({"holidays": []}, "放假日期"),
        ({"extra": 1}, "未知的字段"),
    ],
)
@pytest.mark.django_db
def test_a_wrong_notice_is_refused_whole_with_a_reason(change, message):
    with pytest.raises(ServiceError) as error:
        calendar_notice_save(actor=None, data={**NOTICE_2027, **change})
    assert message in error.value.message
    assert not OfficialCalendarYear.objects.exists() and not OfficialCalendarDay.objects.exists()


@pytest.mark.django_db
def test_only_hq_enters_a_notice(liaison, hq_staff):
    with pytest.raises(PermissionDeniedError):
        calendar_notice_save(actor=liaison, data=NOTICE_2027)
    calendar_notice_save(actor=hq_staff, data=NOTICE_2027)
    assert AuditEvent.objects.get(action="workdays.notice_saved").actor_id == hq_staff.pk


@pytest.mark.django_db
def test_import_names_a_bad_file(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not a JSON file"):
        call_command("workdays", "import", str(path))
    path.write_text(json.dumps({**NOTICE_2027, "workdays": ["2027-01-04"]}), encoding="utf-8")
    with pytest.raises(CommandError, match="周六或周日"):
        call_command("workdays", "import", str(path))
