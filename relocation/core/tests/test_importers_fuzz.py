"""Property tests of the importers and parsers a user feeds by hand: whatever
the cells or the JSON hold, the answer is a report of row errors or one clear
refusal (ServiceError and its kinds), never an unexpected exception, and a
refused ledger writes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from relocation.core import calendar_notices, credit_code
from relocation.core.errors import ServiceError
from relocation.enterprises.ledger_columns import HEADERS
from relocation.enterprises.ledger_import import import_ledger
from relocation.enterprises.models import Enterprise

# What people type into cells: text of any script, numbers of any size, dates, blanks, formulas.
cells = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["=1+1", "是", "否", "Y", "N", "２０２２－０５－１６", "91441900MA4UJ0XX0X", "虎门镇", "—"]),
)
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


def _workbook(header: list[str], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    # openpyxl itself refuses control characters in cells; a real file cannot hold them either.
    for row in [header, *rows]:
        sheet.append(["".join(ch for ch in v if ch not in _CONTROL) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=4))
def test_a_ledger_of_anything_gets_a_report_or_a_clear_refusal(programme, rows):
    before = Enterprise.objects.count()
    try:
        report = import_ledger(actor=None, programme=programme, content=_workbook(HEADERS, rows))
    except ServiceError:
        assert Enterprise.objects.count() == before
        return
    if report.errors:
        assert Enterprise.objects.count() == before  # all or nothing
    for error in report.errors:
        assert str(error.reason).strip()


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.one_of(st.text(max_size=12), st.sampled_from(HEADERS)), min_size=0, max_size=8))
def test_a_ledger_with_any_header_row_gets_a_report_or_a_clear_refusal(programme, header):
    try:
        report = import_ledger(actor=None, programme=programme, content=_workbook(header, [["x"] * len(header)]))
    except ServiceError:
        return
    assert report.errors or report.applied


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
notice_like = st.fixed_dictionaries(
    {},
    optional={
        "year": st.one_of(st.integers(1990, 2110), json_values),
        "source": json_values,
        "holidays": st.one_of(st.lists(st.dates().map(dt.date.isoformat), max_size=5), json_values),
        "workdays": st.one_of(st.lists(st.dates().map(dt.date.isoformat), max_size=3), json_values),
    },
)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(notice_like, json_values))
def test_a_calendar_notice_of_anything_is_checked_or_refused_clearly(data):
    try:
        notice = calendar_notices.notice_from(data)
    except ServiceError as exc:
        assert str(exc.message).strip()
        return
    assert 2000 <= notice.year <= 2100 and notice.holidays
    assert all(d.year == notice.year for d in notice.holidays + notice.workdays)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(st.text(max_size=24), st.from_regex(r"[0-9A-Z]{18}", fullmatch=True)))
def test_a_credit_code_of_anything_is_valid_or_not_never_an_exception(text):
    assert credit_code.is_valid(text) in {True, False}


def test_a_huge_number_in_a_decimal_column_is_a_cell_error_not_a_crash():
    """Found by the property test above: 1e+26 in 厂房面积 raised InvalidOperation (a 500)."""
    from relocation.enterprises.ledger_columns import CellError, read_decimal

    with pytest.raises(CellError, match="超出可记录的范围"):
        read_decimal(1e26)
    with pytest.raises(CellError):
        read_decimal(float("nan"))


@pytest.mark.parametrize("year", [float("inf"), float("-inf"), float("nan")])
def test_a_calendar_notice_with_a_non_finite_year_is_refused_clearly(year):
    """Hypothesis found `year: Infinity` ending in an OverflowError instead of the message."""
    with pytest.raises(ServiceError, match="年份"):
        calendar_notices.notice_from({"year": year, "source": "x", "holidays": [], "workdays": []})
