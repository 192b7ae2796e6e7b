import datetime as dt

import pytest

from relocation.core.models import WorkdayOverride
from relocation.core.workdays import add_workdays, add_workdays_each, is_workday, workdays_between


@pytest.mark.django_db
def test_it_counts_across_spring_festival_2022():
    # 29 and 30 January 2022 were make-up working days; 31 Jan – 6 Feb the holiday.
    assert add_workdays(dt.date(2022, 1, 28), 10) == dt.date(2022, 2, 16)
    assert workdays_between(dt.date(2022, 1, 28), dt.date(2022, 2, 16)) == 10
    assert is_workday(dt.date(2022, 1, 29))
    assert not is_workday(dt.date(2022, 2, 1))


@pytest.mark.django_db
def test_local_overrides_win():
    WorkdayOverride.objects.create(date=dt.date(2022, 2, 7), is_workday=False, reason="台风停工")
    assert not is_workday(dt.date(2022, 2, 7))
    assert add_workdays(dt.date(2022, 2, 4), 1) == dt.date(2022, 2, 8)


@pytest.mark.django_db
def test_zero_days_lands_on_a_working_day():
    assert add_workdays(dt.date(2022, 2, 1), 0) == dt.date(2022, 2, 7)


@pytest.mark.django_db
def test_many_dates_at_once_agree_with_one_at_a_time(django_assert_max_num_queries):
    WorkdayOverride.objects.create(date=dt.date(2022, 2, 7), is_workday=False, reason="台风停工")
    starts = [dt.date(2022, 1, 1) + dt.timedelta(days=5 * i) for i in range(20)]
    for n in (0, 2, 10):
        expected = [add_workdays(s, n) for s in starts]
        with django_assert_max_num_queries(1):
            assert add_workdays_each(starts, n) == expected
