"""The bulletin reads supervision's task figures when they are there."""

from __future__ import annotations

import datetime as dt

import pytest

from relocation.reporting import sources


@pytest.mark.django_db
def test_it_uses_supervisions_task_stats_when_available(programme, units, monkeypatch):
    def task_stats(programme, start, end):
        return {
            "total": 4,
            "on_time": 3,
            "on_time_rate": 0.75,
            "units": [
                {
                    "unit_id": units["humen"].pk,
                    "unit": "虎门镇",
                    "due": 3,
                    "on_time": 3,
                    "on_time_rate": 1.0,
                    "overdue": 0,
                },
                {
                    "unit_id": units["eeb"].pk,
                    "unit": "市生态环境局",
                    "due": 1,
                    "on_time": 0,
                    "on_time_rate": 0.0,
                    "overdue": 1,
                },
            ],
            "overdue": [
                {
                    "id": 9,
                    "title": "逾期任务",
                    "unit_id": units["eeb"].pk,
                    "unit": "市生态环境局",
                    "deadline": dt.date(2022, 1, 5),
                    "days_overdue": 26,
                    "status": "in_progress",
                }
            ],
        }

    monkeypatch.setattr(sources, "_task_stats_source", lambda: task_stats)
    figures = sources.task_figures(programme, dt.date(2022, 1, 1), dt.date(2022, 1, 31))
    assert figures["due"] == 4 and figures["on_time_rate"] == 75.0
    assert [u["rate"] for u in figures["by_unit"]] == [100.0, 0.0]
    assert figures["overdue_list"] == [
        {"task_id": 9, "unit": "市生态环境局", "title": "逾期任务", "deadline": "2022-01-05", "days": 26}
    ]


@pytest.mark.django_db
def test_it_falls_back_to_its_own_figures_for_an_unknown_shape(programme, units, monkeypatch, make_task):
    make_task("humen", deadline=dt.date(2022, 1, 10), status="verified", completed=dt.date(2022, 1, 9))
    monkeypatch.setattr(sources, "_task_stats_source", lambda: lambda programme, start, end: {"something": 1})
    figures = sources.task_figures(programme, dt.date(2022, 1, 1), dt.date(2022, 1, 31))
    assert figures["due"] == 1 and figures["on_time"] == 1


@pytest.mark.django_db
def test_enforcement_figures_get_chinese_labels_and_domain_names(programme, monkeypatch):
    import relocation.enforcement.selectors as enforcement

    monkeypatch.setattr(
        enforcement,
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
    assert figures["source"] == "enforcement"
    assert {"label": "现场检查（次）", "value": 12} in figures["items"]
    assert {"label": "罚款金额（元）", "value": "5000.00"} in figures["items"]
    assert figures["by_domain"] == [{"label": "x-domain", "count": 3}]
