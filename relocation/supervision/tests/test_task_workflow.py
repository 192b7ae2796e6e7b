from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from relocation.core.errors import PermissionDeniedError, TransitionError
from relocation.core.models import AuditEvent, Notification
from relocation.supervision import selectors, services
from relocation.supervision.models import TaskStage, TaskStatus


@pytest.mark.django_db
def test_it_walks_a_task_through_every_stage_with_clocks(make_task, liaison, unit_leader, hq_staff):
    with time_machine.travel(dt.datetime(2022, 1, 27, 9, 0, tzinfo=dt.UTC), tick=False):
        task = make_task()
    with time_machine.travel(dt.datetime(2022, 1, 28, 9, 0, tzinfo=dt.UTC), tick=False):
        services.task_sign_for(actor=liaison, task=task)
    with time_machine.travel(dt.datetime(2022, 2, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        services.task_update_add(actor=liaison, task=task, body="已完成60%的台账核查")
    with time_machine.travel(dt.datetime(2022, 2, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        services.task_report_done(actor=unit_leader, task=task, note="台账核查完毕")
    with time_machine.travel(dt.datetime(2022, 2, 11, 9, 0, tzinfo=dt.UTC), tick=False):
        services.task_verify(actor=hq_staff, task=task)
        clocks = selectors.stage_clocks(task)
    task.refresh_from_db()
    assert task.status == TaskStatus.VERIFIED
    assert [c.stage.status for c in clocks] == ["assigned", "signed_for", "in_progress", "reported_done", "verified"]
    assert clocks[0].hours == 24.0 and clocks[0].workdays == 1
    # Signed for on Friday 28 January, worked on after the Spring Festival on 8 February: the make-up
    # working days 29 and 30 January plus 7 and 8 February; the holiday week does not count.
    assert clocks[1].workdays == 4
    assert clocks[1].stage.holder_unit.code == "humen"
    assert not any(c.running for c in clocks)
    assert AuditEvent.objects.filter(action__startswith="task.").count() == 6


@pytest.mark.django_db
def test_it_refuses_illegal_moves_and_outsiders(make_task, liaison, outsider, hq_staff):
    task = make_task()
    with pytest.raises(PermissionDeniedError):
        services.task_sign_for(actor=outsider, task=task)
    with pytest.raises(TransitionError):
        services.task_verify(actor=hq_staff, task=task)
    with pytest.raises(PermissionDeniedError):
        services.task_verify(actor=liaison, task=task)


@pytest.mark.django_db
def test_it_notifies_old_and_new_owner_on_reassignment(make_task, liaison, units, hq_staff):
    from relocation.conftest import make_user

    eeb_liaison = make_user("eeb_l", "unit_liaison", units["eeb"])
    task = make_task()
    services.task_sign_for(actor=liaison, task=task)
    services.task_reassign(actor=hq_staff, task=task, lead_unit=units["eeb"], reason="职责调整")
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and task.lead_unit == units["eeb"]
    assert Notification.objects.filter(recipient=liaison, verb="task.reassigned_away").count() == 1
    assert Notification.objects.filter(recipient=eeb_liaison, verb="task.assigned").count() == 1
    assert TaskStage.objects.filter(task=task).count() == 3
    assert TaskStage.objects.get(task=task, ended_at__isnull=True).holder_unit == units["eeb"]


@pytest.mark.django_db
def test_it_creates_a_task_once_per_dedupe_key(make_task):
    a = make_task(dedupe_key="meeting:1:decision:2")
    b = make_task(dedupe_key="meeting:1:decision:2")
    assert a.pk == b.pk
    assert TaskStage.objects.filter(task=a).count() == 1


@pytest.mark.django_db
def test_a_subject_closes_only_its_own_task(hq_staff, units, enterprise):
    """task_complete_for_subject verifies the task linked to that very subject
    and key; another subject or key leaves it open."""
    import datetime as dt

    from relocation.core.models import AuditEvent
    from relocation.supervision import services as supervision
    from relocation.supervision.models import TaskStatus

    task = supervision.task_create(
        actor=hq_staff,
        title="回头看复查",
        lead_unit=units["eeb"],
        deadline=dt.date(2099, 1, 1),
        subject=enterprise,
        dedupe_key="test.follow_up:1",
    )
    assert (
        supervision.task_complete_for_subject(actor=None, subject=units["eeb"], dedupe_key="test.follow_up:1", note="x")
        is None
    )
    assert supervision.task_complete_for_subject(actor=None, subject=enterprise, dedupe_key="other", note="x") is None
    done = supervision.task_complete_for_subject(
        actor=hq_staff, subject=enterprise, dedupe_key="test.follow_up:1", note="复查确认"
    )
    task.refresh_from_db()
    assert done.pk == task.pk and task.status == TaskStatus.VERIFIED and task.reported_on_time is True
    assert AuditEvent.objects.filter(action="task.verified", object_id=str(task.pk), actor_id=hq_staff.pk).exists()
    # Already verified: nothing left to close.
    assert (
        supervision.task_complete_for_subject(
            actor=hq_staff, subject=enterprise, dedupe_key="test.follow_up:1", note="x"
        )
        is None
    )
