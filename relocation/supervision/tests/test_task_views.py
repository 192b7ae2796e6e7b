from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.supervision import services
from relocation.supervision.models import Task, TaskStatus


@pytest.mark.django_db
def test_it_shows_a_unit_its_own_tasks_only(client, make_task, liaison, units):
    mine = make_task(title="虎门镇自己的任务")
    co = make_task(title="配合任务", lead_unit=units["eeb"], co_units=[units["humen"]])
    other = make_task(title="别人的任务", lead_unit=units["tax"])
    client.force_login(liaison)
    page = client.get(reverse("supervision:tasks")).content.decode()
    assert mine.title in page and co.title in page and other.title not in page
    assert client.get(reverse("supervision:task", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_it_filters_the_hq_overview_by_warning(client, make_task, hq_staff):
    with time_machine.travel(dt.datetime(2022, 2, 9, 2, tzinfo=dt.UTC), tick=False):
        make_task(title="逾期的任务", deadline=dt.date(2022, 2, 8))
        make_task(title="临期的任务", deadline=dt.date(2022, 2, 10))
        make_task(title="远期的任务", deadline=dt.date(2022, 5, 10))
        client.force_login(hq_staff)
        red = client.get(reverse("supervision:tasks"), {"warning": "red"}).content.decode()
        yellow = client.get(reverse("supervision:tasks"), {"warning": "yellow"}).content.decode()
    assert "逾期的任务" in red and "临期的任务" not in red
    assert "临期的任务" in yellow and "远期的任务" not in yellow


@pytest.mark.django_db
def test_task_list_query_count_does_not_grow(client, make_task, hq_staff, units):
    client.force_login(hq_staff)
    make_task()
    client.get(reverse("supervision:tasks"))  # warm up: creates the programme's settings row
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("supervision:tasks"))
    for i in range(20):
        make_task(title=f"任务{i}", co_units=[units["eeb"]], responsible=None)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("supervision:tasks"))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_task_detail_query_count_does_not_grow(client, make_task, hq_staff, liaison):
    task = make_task()
    services.task_sign_for(actor=liaison, task=task)
    client.force_login(hq_staff)
    client.get(reverse("supervision:task", args=[task.pk]))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("supervision:task", args=[task.pk]))
    for i in range(10):
        services.task_update_add(actor=liaison, task=task, body=f"进展{i}")
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("supervision:task", args=[task.pk]))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_it_creates_a_task_with_a_working_day_deadline(client, hq_staff, units):
    client.force_login(hq_staff)
    with time_machine.travel(dt.datetime(2022, 1, 28, 2, tzinfo=dt.UTC), tick=False):
        preview = client.get(reverse("supervision:deadline_preview"), {"deadline": "10 个工作日"}).content.decode()
        response = client.post(
            reverse("supervision:task_create"),
            {"title": "完成虎门片区企业摸排", "lead_unit": units["humen"].pk, "deadline": "10 个工作日"},
        )
    assert 'data-date="2022-02-16"' in preview
    task = Task.objects.get()
    assert response.status_code == 302 and task.deadline == dt.date(2022, 2, 16)


@pytest.mark.django_db
def test_it_explains_a_bad_deadline(client, hq_staff, units):
    client.force_login(hq_staff)
    response = client.post(
        reverse("supervision:task_create"), {"title": "x", "lead_unit": units["humen"].pk, "deadline": "下周"}
    )
    assert "完成时限请填写日期" in response.content.decode()
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_it_lets_the_unit_sign_for_and_report_through_the_page(client, make_task, liaison, hq_staff):
    task = make_task()
    client.force_login(liaison)
    url = reverse("supervision:task", args=[task.pk])
    client.post(url, {"action": "sign_for"})
    client.post(url, {"action": "progress", "body": "已走访12家企业"})
    client.post(url, {"action": "report_done", "note": "全部完成"})
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED_DONE
    # The liaison cannot verify its own task.
    client.post(url, {"action": "verify"})
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED_DONE
    client.force_login(hq_staff)
    client.post(url, {"action": "verify"})
    task.refresh_from_db()
    assert task.status == TaskStatus.VERIFIED
    page = client.get(url).content.decode()
    assert "已走访12家企业" in page and "各阶段用时" in page


@pytest.mark.django_db
def test_outsider_and_enterprise_contact_are_refused(client, make_task, outsider, enterprise_contact):
    task = make_task()
    client.force_login(outsider)
    assert client.get(reverse("supervision:task", args=[task.pk])).status_code == 404
    assert client.post(reverse("supervision:task", args=[task.pk]), {"action": "sign_for"}).status_code == 404
    assert client.get(reverse("supervision:task_create")).status_code == 403
    assert client.get(reverse("supervision:reviews")).status_code == 403
    assert client.get(reverse("supervision:inspections")).status_code == 403
    client.force_login(enterprise_contact)
    for name in ["tasks", "reports", "scorecards", "workdays", "deadline_preview"]:
        assert client.get(reverse(f"supervision:{name}")).status_code == 403, name


@pytest.mark.django_db
def test_it_downloads_the_supervision_notice_for_the_unit(client, make_task, unit_leader, outsider, hq_staff):
    from relocation.supervision.notices import notice_issue

    with time_machine.travel(dt.datetime(2022, 2, 9, 2, tzinfo=dt.UTC), tick=False):
        task = make_task(deadline=dt.date(2022, 2, 8))
        notice = notice_issue(actor=hq_staff, task=task)
    client.force_login(unit_leader)
    response = client.get(reverse("supervision:notice_download", args=[notice.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    client.force_login(outsider)
    assert client.get(reverse("supervision:notice_download", args=[notice.pk])).status_code == 404


@pytest.mark.django_db
def test_it_shows_the_workday_calculator(client, liaison):
    client.force_login(liaison)
    page = client.get(reverse("supervision:workdays"), {"start": "2022-01-28", "n": "10"}).content.decode()
    assert "2022-02-16" in page


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.django_db
def test_it_attaches_a_checked_file_to_a_progress_update(client, make_task, liaison, outsider, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    task = make_task()
    client.force_login(liaison)
    url = reverse("supervision:task", args=[task.pk])
    client.post(url, {"action": "progress", "body": "现场照片", "attachment": SimpleUploadedFile("a.png", PNG)})
    attachment = task.attachments.get()
    assert attachment.update.body == "现场照片" and len(attachment.file.sha256) == 64
    page = client.get(url).content.decode()
    assert "a.png" in page
    assert client.get(reverse("file", args=[attachment.file_id])).status_code == 200
    # A text file renamed to .pdf is refused by content, with a Chinese message, and nothing is stored.
    response = client.post(
        url,
        {"action": "progress", "body": "伪装文件", "attachment": SimpleUploadedFile("x.pdf", b"hello")},
        follow=True,
    )
    assert "文件类型不符" in response.content.decode()
    assert task.attachments.count() == 1 and not task.updates.filter(body="伪装文件").exists()
    client.force_login(outsider)
    assert client.get(reverse("file", args=[attachment.file_id])).status_code == 404


@pytest.mark.django_db
def test_hq_sets_a_local_day_off_that_deadlines_honour(client, hq_staff, liaison):
    from relocation.core import workdays
    from relocation.core.models import WorkdayOverride

    client.force_login(liaison)
    assert (
        client.post(
            reverse("supervision:workdays"), {"date": "2022-02-15", "is_workday": "0", "reason": "台风"}
        ).status_code
        == 403
    )
    client.force_login(hq_staff)
    client.post(reverse("supervision:workdays"), {"date": "2022-02-15", "is_workday": "0", "reason": "台风停工"})
    assert WorkdayOverride.objects.get().is_workday is False
    # With 15 February off, 10 working days after 28 January moves from the 16th to the 17th.
    assert workdays.add_workdays(dt.date(2022, 1, 28), 10) == dt.date(2022, 2, 17)
    page = client.get(reverse("supervision:workdays"), {"start": "2022-01-28", "n": "10"}).content.decode()
    assert "2022-02-17" in page and "台风停工" in page
    client.post(reverse("supervision:workdays"), {"delete": WorkdayOverride.objects.get().pk})
    assert not WorkdayOverride.objects.exists()


@pytest.mark.django_db
def test_hq_seeds_tasks_from_the_plan_once(client, hq_staff, liaison, units, programme):
    programme.phases.filter(kind="mobilisation").update(tasks=["成立现场指挥部"])
    units["humen"].duties = "主动承担属地主体责任；组织开展联合综合执法监督工作。"
    units["humen"].save()
    client.force_login(liaison)
    assert client.post(reverse("supervision:plan_seed")).status_code == 403
    client.force_login(hq_staff)
    client.post(reverse("supervision:plan_seed"))
    client.post(reverse("supervision:plan_seed"))
    assert Task.objects.filter(source="plan").count() == 3
