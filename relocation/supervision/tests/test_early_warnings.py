from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from relocation.conftest import make_user
from relocation.core.models import Notification
from relocation.supervision import services
from relocation.supervision.early_warnings import scan_tasks
from relocation.supervision.models import Escalation, SupervisionNotice, Task


def at(y, m, d):
    return time_machine.travel(dt.datetime(y, m, d, 1, 0, tzinfo=dt.UTC), tick=False)


@pytest.mark.django_db
def test_it_turns_yellow_then_red_across_spring_festival(
    make_task, liaison, unit_leader, hq_commander, group_leader, django_capture_on_commit_callbacks
):
    liaison.email = "liaison@example.org"
    liaison.save()
    with at(2022, 1, 20):
        task = make_task(deadline=dt.date(2022, 2, 8))
    # 28 January: three working days ahead are 29, 30 January and 7 February — not yet yellow.
    with at(2022, 1, 28):
        assert scan_tasks().yellow == 0
    # 30 January (a make-up working day): 7 and 8 February are within three working days.
    with at(2022, 1, 30):
        result = scan_tasks()
    assert result.yellow == 1 and result.red == 0
    task.refresh_from_db()
    assert task.warning_level == "yellow"
    assert Notification.objects.filter(recipient=liaison, verb="task.yellow").count() == 1
    with at(2022, 2, 9), django_capture_on_commit_callbacks(execute=True):
        first = scan_tasks()
        second = scan_tasks()
    assert first.red == 1 and len(first.notices) == 1
    assert second.notices == [] and second.reminders == 0
    assert SupervisionNotice.objects.filter(task=task).count() == 1
    notice = SupervisionNotice.objects.get(task=task)
    assert notice.number.startswith("现场指挥部督〔2022〕") and bytes(notice.document[:2]) == b"PK"
    assert Notification.objects.filter(recipient=unit_leader, verb="task.notice").count() == 1
    assert Notification.objects.filter(recipient=liaison, verb="task.red").count() == 1
    # E-mail goes out once per notification (the red reminder), not once per run.
    assert sum(1 for m in mail.outbox if "liaison@example.org" in m.to) == 1
    assert not Escalation.objects.exists()
    # Three working days red: the commander; ten: the coordination group.
    with at(2022, 2, 11):
        scan_tasks()
    assert Escalation.objects.filter(task=task, level=1).count() == 1
    assert Notification.objects.filter(recipient=hq_commander, verb="task.escalated").count() == 1
    with at(2022, 2, 22):
        scan_tasks()
        scan_tasks()
    assert Escalation.objects.filter(task=task, level=2).count() == 1
    assert Notification.objects.filter(recipient=group_leader, verb="task.escalated").count() == 1


@pytest.mark.django_db
def test_it_clears_the_warning_when_the_task_is_done(make_task, liaison, hq_staff):
    with at(2022, 3, 1):
        task = make_task(deadline=dt.date(2022, 3, 2))
        scan_tasks()
        services.task_sign_for(actor=liaison, task=task)
        services.task_report_done(actor=liaison, task=task)
        scan_tasks()
    task.refresh_from_db()
    assert task.warning_level == "none"


@pytest.mark.django_db
def test_it_reminds_the_responsible_person(make_task, units, liaison):
    person = make_user("zhang", "unit_leader", units["humen"])
    with at(2022, 3, 10):
        make_task(deadline=dt.date(2022, 3, 1), responsible=person)
        scan_tasks()
    assert Notification.objects.filter(recipient=person, verb="task.red").count() == 1
    assert Task.objects.get().red_since == dt.date(2022, 3, 10)


@pytest.mark.django_db
def test_the_notice_is_a_numbered_official_document(make_task, hq_staff):
    import io

    from docx import Document

    from relocation.supervision.notices import notice_issue

    with at(2022, 2, 9):
        task = make_task(title="关停企业断水断电核查", deadline=dt.date(2022, 2, 7))
        first = notice_issue(actor=hq_staff, task=task)
        second = make_task(title="第二项", deadline=dt.date(2022, 2, 7))
        other = notice_issue(actor=hq_staff, task=second)
    assert first.serial + 1 == other.serial
    doc = Document(io.BytesIO(bytes(first.document)))
    text = [p.text for p in doc.paragraphs]
    # 版头, two blank lines, then the 发文字号 (GB/T 9704-2012 7.2).
    assert text[1:4] == ["", "", first.number]
    assert "虎门镇：" in text or any(t.endswith("：") and "虎门" in t for t in text)
    assert any("关停企业断水断电核查" in t and "已逾期2个工作日" in t for t in text)
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
