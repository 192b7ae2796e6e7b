"""The bulletin reads its figures from the apps that own them."""

from __future__ import annotations

import datetime as dt

import pytest

from relocation.reporting import sources


@pytest.mark.django_db
def test_it_reads_supervisions_task_stats(programme, units, make_task):
    make_task("humen", deadline=dt.date(2022, 1, 10), status="verified", completed=dt.date(2022, 1, 9))
    make_task("eeb", deadline=dt.date(2022, 1, 5), status="in_progress", title="逾期任务")
    figures = sources.task_figures(programme, dt.date(2022, 1, 1), dt.date(2022, 1, 31))
    assert figures["due"] == 2 and figures["on_time"] == 1 and figures["on_time_rate"] == 50.0
    assert [t["title"] for t in figures["overdue_list"]] == ["逾期任务"]
    assert figures["overdue_list"][0]["days"] == 26


@pytest.mark.django_db
def test_enforcement_figures_get_chinese_labels_and_domain_names(programme, monkeypatch):
    monkeypatch.setattr(
        sources,
        "monthly_enforcement_figures",
        lambda programme, year, month: {
            "year": year,
            "month": month,
            "inspections": 12,
            "violations": 3,
            "violations_by_domain": {"x-domain": 3},
            "fines_amount": "5000.00",
        },
    )
    figures = sources.enforcement_figures(programme, 2022, 3)
    assert {"label": "现场检查（次）", "value": 12} in figures["items"]
    assert {"label": "罚款金额（元）", "value": "5000.00"} in figures["items"]
    assert figures["by_domain"] == [{"label": "x-domain", "count": 3}]
