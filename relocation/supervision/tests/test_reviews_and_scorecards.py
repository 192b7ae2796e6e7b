from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.core.errors import PermissionDeniedError
from relocation.core.models import Notification
from relocation.supervision import reviews, scorecards, services
from relocation.supervision.models import MonthlyReviewItem, Task, TaskSource
from relocation.supervision.plan import plan_tasks_seed
from relocation.supervision.tasks import monthly_review_checklist


def at(y, m, d):
    return time_machine.travel(dt.datetime(y, m, d, 2, 0, tzinfo=dt.UTC), tick=False)


@pytest.mark.django_db
def test_it_generates_the_monthly_checklist_once(make_task, liaison, hq_staff, programme):
    a = make_task(title="甲")
    b = make_task(title="乙")
    services.task_sign_for(actor=liaison, task=b)
    services.task_report_done(actor=liaison, task=b)
    services.task_verify(actor=hq_staff, task=b)
    with at(2022, 2, 1):
        monthly_review_checklist.call_local()
        monthly_review_checklist.call_local()
    items = MonthlyReviewItem.objects.all()
    assert [i.task_id for i in items] == [a.pk]
    reviews.review_item_mark(actor=hq_staff, item=items[0], reviewed=True, comment="进度正常")
    with pytest.raises(PermissionDeniedError):
        reviews.review_item_mark(actor=liaison, item=items[0], reviewed=True, comment="")


@pytest.mark.django_db
def test_it_reviews_items_through_the_page(client, make_task, hq_staff, programme):
    make_task()
    review = reviews.review_generate(actor=hq_staff, programme=programme, month=dt.date(2022, 2, 1))
    item = review.items.get()
    client.force_login(hq_staff)
    response = client.post(
        reverse("supervision:review", args=[review.pk]),
        {"item": item.pk, "reviewed": "1", "comment": "请督促"},
        HTTP_HX_REQUEST="true",
    )
    assert "请督促" in response.content.decode()
    item.refresh_from_db()
    assert item.reviewed and item.reviewed_by == hq_staff


@pytest.mark.django_db
def test_review_page_query_count_does_not_grow(client, make_task, hq_staff, programme):
    make_task()
    review = reviews.review_generate(actor=hq_staff, programme=programme, month=dt.date(2022, 2, 1))
    client.force_login(hq_staff)
    client.get(reverse("supervision:review", args=[review.pk]))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("supervision:review", args=[review.pk]))
    for i in range(10):
        make_task(title=f"任务{i}")
    reviews.review_generate(actor=hq_staff, programme=programme, month=dt.date(2022, 2, 1))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("supervision:review", args=[review.pk]))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_it_runs_a_special_inspection_into_tasks_and_a_report(client, hq_staff, group_leader, units, programme):
    with at(2022, 3, 15):
        inspection = reviews.inspection_create(
            actor=hq_staff, programme=programme, title="断水断电专题督查", year=2022, quarter=1
        )
        finding = reviews.finding_add(
            actor=hq_staff,
            inspection=inspection,
            unit=units["water"],
            description="3家已关停企业仍在用水",
            rectification="立即停止供水",
            deadline=dt.date(2022, 3, 22),
        )
        reviews.inspection_report(actor=hq_staff, inspection=inspection)
    task = Task.objects.get()
    assert finding.task == task and task.source == TaskSource.SUPERVISION and task.lead_unit == units["water"]
    inspection.refresh_from_db()
    assert inspection.status == "reported" and inspection.report_number.startswith("现场指挥部督报〔2022〕")
    assert Notification.objects.filter(recipient=group_leader, verb="supervision.inspection_report").exists()
    client.force_login(hq_staff)
    response = client.get(reverse("supervision:inspection_report", args=[inspection.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"


@pytest.mark.django_db
def test_it_ranks_units_and_computes_task_stats(make_task, liaison, hq_staff, units, programme):
    from relocation.conftest import make_user

    eeb = make_user("eeb_l", "unit_liaison", units["eeb"])
    with at(2022, 1, 5):
        on_time = make_task(title="按时", deadline=dt.date(2022, 1, 10))
        late = make_task(title="逾期", lead_unit=units["eeb"], deadline=dt.date(2022, 1, 10))
        make_task(title="未到期", deadline=dt.date(2022, 3, 10))
        services.task_sign_for(actor=liaison, task=on_time)
        services.task_report_done(actor=liaison, task=on_time)
    stats = scorecards.task_stats(programme, dt.date(2022, 1, 1), dt.date(2022, 1, 31))
    assert stats["total"] == 2 and stats["on_time"] == 1 and stats["on_time_rate"] == 0.5
    by_unit = {u["unit_id"]: u for u in stats["units"]}
    assert by_unit[units["humen"].pk]["on_time_rate"] == 1.0
    assert by_unit[units["eeb"].pk]["overdue"] == 1
    assert [o["id"] for o in stats["overdue"]] == [late.pk]
    table = scorecards.league_table(programme, dt.date(2022, 2, 15))
    ranks = {r["unit"].code: r for r in table}
    assert ranks["humen"]["rank"] < ranks["eeb"]["rank"]
    assert ranks["eeb"]["overdue"] == 1
    assert len(ranks["humen"]["trend"]) == 6
    assert eeb  # a liaison exists; the scorecard page works for units too


@pytest.mark.django_db
def test_scorecard_page_query_count_does_not_grow(client, make_task, hq_staff, units):
    client.force_login(hq_staff)
    client.get(reverse("supervision:scorecards"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("supervision:scorecards"))
    for code in ["humen", "eeb", "police", "water", "power"]:
        for d in range(1, 4):
            make_task(lead_unit=units[code], deadline=dt.date(2022, 1, d), title=f"{code}{d}")
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse("supervision:scorecards"))
    assert len(large) == len(small)
    assert "trend-chart" in page.content.decode()


@pytest.mark.django_db
def test_it_seeds_plan_tasks_from_phases_and_duties(hq_staff, units, programme):
    units["eeb"].duties = "负责制定分流搬迁政策指引；负责执法监管；负责剧毒化学品监管。"
    units["eeb"].save()
    programme.phases.filter(kind="mobilisation").update(tasks=["成立现场指挥部", "制定总体方案"])
    created = plan_tasks_seed(actor=hq_staff, programme=programme)
    again = plan_tasks_seed(actor=hq_staff, programme=programme)
    assert len(created) == 5 and {t.pk for t in created} == {t.pk for t in again}
    assert Task.objects.filter(lead_unit=units["eeb"], source="plan").count() == 3
    assert Task.objects.filter(lead_unit=units["hq"]).first().co_units.count() == 2


@pytest.mark.django_db
def test_hq_changes_the_settings_and_units_cannot(client, hq_staff, liaison, programme):
    client.force_login(liaison)
    assert client.get(reverse("supervision:settings")).status_code == 403
    client.force_login(hq_staff)
    data = {
        "yellow_workdays": 5,
        "escalate_commander_workdays": 2,
        "escalate_group_workdays": 1,
        "report_period_days": 7,
        "report_due_workdays": 2,
        "report_remind_workdays": 1,
        "notice_issuer": "现场指挥部",
        "notice_prefix": "虎搬督",
    }
    response = client.post(reverse("supervision:settings"), data)
    assert "报协调小组的天数不能少于报总指挥的天数" in response.content.decode()
    data["escalate_group_workdays"] = 8
    assert client.post(reverse("supervision:settings"), data).status_code == 302
    conf = services.settings_for(programme)
    assert conf.yellow_workdays == 5 and conf.notice_prefix == "虎搬督"


@pytest.mark.django_db
def test_review_and_inspection_lists_query_count_does_not_grow(client, hq_staff, units, programme):
    client.force_login(hq_staff)
    urls = [reverse("supervision:reviews"), reverse("supervision:inspections")]
    for url in urls:
        client.get(url)
    small = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        small[url] = len(ctx)
    for month in range(1, 6):
        reviews.review_generate(actor=hq_staff, programme=programme, month=dt.date(2022, month, 1))
        inspection = reviews.inspection_create(
            actor=hq_staff, programme=programme, title=f"督查{month}", year=2022, quarter=1
        )
        reviews.finding_add(
            actor=hq_staff,
            inspection=inspection,
            unit=units["water"],
            description="问题",
            rectification="",
            deadline=None,
        )
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        assert len(ctx) == small[url], url
