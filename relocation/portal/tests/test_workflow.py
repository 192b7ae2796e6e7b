"""The life of an inquiry: received → assigned → answered → closed, rejection,
reopening by a follow-up; every move recorded with its actor."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError, TransitionError
from relocation.core.models import AuditEvent
from relocation.portal import selectors, services, tracking
from relocation.portal.models import Inquiry, InquiryStatus, KindSetting
from relocation.portal.ratelimit import RateLimitedError
from relocation.portal.tests.conftest import PNG
from relocation.supervision.models import Task

pytestmark = pytest.mark.django_db


def test_it_gives_a_number_and_a_code_that_is_stored_only_as_a_digest(submit):
    inquiry, code = submit()
    assert inquiry.number.startswith(f"P{inquiry.programme_id}-GZ-{dt.date.today().year}-")
    assert len(code) == 6 and set(code) <= set(tracking.CODE_ALPHABET)
    assert inquiry.code_digest != code and tracking.code_matches(code, inquiry.code_digest)
    second, _ = submit()
    assert int(second.number[-6:]) == int(inquiry.number[-6:]) + 1
    assert inquiry.status == InquiryStatus.RECEIVED


def test_it_encrypts_the_phone_at_rest_and_keeps_it_out_of_the_audit_log(submit):
    inquiry, _ = submit(phone="139-2200-1122")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM portal_inquiry WHERE id = %s", [inquiry.pk])
        stored = cursor.fetchone()[0]
    assert "13922001122" not in stored
    assert Inquiry.objects.get(pk=inquiry.pk).phone == "13922001122"
    event = AuditEvent.objects.get(action="portal.inquiry_received")
    assert "13922001122" not in str(event.changes) and event.actor_name == "public"


def test_it_refuses_the_honeypot_bad_input_and_a_flood(submit):
    with pytest.raises(ServiceError, match="隐藏"):
        submit(honeypot="http://spam")
    with pytest.raises(ServiceError, match="标题"):
        submit(subject="  ")
    with pytest.raises(ServiceError, match="联系电话格式"):
        submit(phone="call me")
    for _ in range(5):
        submit(ip="203.0.113.9")
    with pytest.raises(RateLimitedError, match="频繁"):
        submit(ip="203.0.113.9")
    submit(ip="203.0.113.10")  # another address is not affected
    assert Inquiry.objects.count() == 6


def test_it_checks_photos_and_writes_nothing_for_a_bad_one(submit):
    inquiry, _ = submit(photos=[SimpleUploadedFile("a.png", PNG, content_type="image/png")])
    assert inquiry.photos.count() == 1
    with pytest.raises(ServiceError, match="文件类型不符"):
        submit(photos=[SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("x.png", b"MZ\x90\x00fake")])
    assert Inquiry.objects.count() == 1


@time_machine.travel(dt.datetime(2022, 9, 29, 10, 0, tzinfo=dt.UTC), tick=False)
def test_assigning_sets_the_due_date_in_working_days_and_makes_a_task_for_a_pollution_report(
    submit, hq_staff, units, enterprise
):
    inquiry, _ = submit()
    services.inquiry_assign(actor=hq_staff, inquiry=inquiry, unit=units["eeb"], enterprise=enterprise)
    inquiry.refresh_from_db()
    # 5 working days after Thursday 29 September 2022: the 30th, then National Day week (1–7 October)
    # is off and the weekend of the 8th and 9th is worked (调休), so the 11th.
    assert inquiry.due_date == dt.date(2022, 10, 11)
    task = Task.objects.get()
    assert inquiry.task == task and task.lead_unit == units["eeb"] and task.deadline == inquiry.due_date
    assert task.subject_type == "portal.inquiry" and task.enterprise_id == enterprise.pk
    # On the enterprise's timeline (the core event stream), which the enterprise's contacts
    # read too: without the report's subject or the reporter's details.
    events = AuditEvent.objects.filter(enterprise_id=enterprise.pk)
    assert {"portal.inquiry_assigned", "task.created"} <= set(events.values_list("action", flat=True))
    assert not any(("河涌发黑" in e.summary or "李女士" in e.summary) for e in events)


def test_a_policy_question_gets_no_task_and_the_kind_setting_rules_its_due_date(submit, hq_staff, units):
    setting = KindSetting.objects.get(kind="policy")
    services.kind_setting_update(
        actor=hq_staff, kind="policy", due_workdays=2, unit_may_publish=False, expected_version=setting.version
    )
    inquiry, _ = submit(kind="policy")
    services.inquiry_assign(actor=hq_staff, inquiry=inquiry, unit=units["humen"])
    inquiry.refresh_from_db()
    assert Task.objects.count() == 0
    from relocation.core import workdays

    assert inquiry.due_date == workdays.add_workdays(dt.date.today(), 2)


def test_the_whole_way_with_history_and_the_task_done_at_publication(assigned, liaison, hq_staff):
    inquiry = assigned
    services.inquiry_draft(
        actor=liaison, inquiry=inquiry, text="已核查，已责令整改。", expected_version=inquiry.version
    )
    inquiry.refresh_from_db()
    with pytest.raises(PermissionDeniedError):  # units publish only where the kind allows
        services.inquiry_publish(actor=liaison, inquiry=inquiry, expected_version=inquiry.version)
    services.inquiry_publish(actor=hq_staff, inquiry=inquiry, expected_version=inquiry.version)
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED and inquiry.answer == "已核查，已责令整改。"
    assert inquiry.task.status == "verified"
    services.inquiry_close(actor=hq_staff, inquiry=inquiry, expected_version=inquiry.version)
    inquiry.refresh_from_db()
    assert [(h.from_status, h.to_status) for h in inquiry.status_changes.all()] == [
        ("", "received"),
        ("received", "assigned"),
        ("assigned", "answered"),
        ("answered", "closed"),
    ]
    assert inquiry.status_changes.last().actor == hq_staff
    assert AuditEvent.objects.filter(object_type="portal.inquiry", object_id=str(inquiry.pk)).count() == 5


def test_the_unit_publishes_itself_when_hq_allows_it(assigned, liaison, outsider):
    KindSetting.objects.filter(kind="pollution").update(unit_may_publish=True)
    services.inquiry_draft(actor=liaison, inquiry=assigned, text="已处理。", expected_version=assigned.version)
    assigned.refresh_from_db()
    with pytest.raises(PermissionDeniedError):
        services.inquiry_draft(actor=outsider, inquiry=assigned, text="x", expected_version=assigned.version)
    services.inquiry_publish(actor=liaison, inquiry=assigned, expected_version=assigned.version)
    assigned.refresh_from_db()
    assert assigned.status == InquiryStatus.ANSWERED


def test_a_stale_version_is_a_conflict_and_an_illegal_move_is_refused(assigned, liaison, hq_staff):
    stale = assigned.version
    services.inquiry_draft(actor=liaison, inquiry=assigned, text="第一稿", expected_version=stale)
    with pytest.raises(ConflictError):
        services.inquiry_draft(actor=hq_staff, inquiry=assigned, text="第二稿", expected_version=stale)
    assigned.refresh_from_db()
    assert assigned.draft_answer == "第一稿"
    with pytest.raises(TransitionError):
        services.inquiry_close(actor=hq_staff, inquiry=assigned, expected_version=assigned.version)


def test_a_follow_up_reopens_an_answered_report_with_a_new_task(assigned, liaison, hq_staff):
    services.inquiry_draft(actor=liaison, inquiry=assigned, text="已处理。", expected_version=assigned.version)
    assigned.refresh_from_db()
    services.inquiry_publish(actor=hq_staff, inquiry=assigned, expected_version=assigned.version)
    first_task = assigned.task
    services.inquiry_follow_up(actor=services.PUBLIC_ACTOR, inquiry=assigned, text="今晚又发黑了。")
    assigned.refresh_from_db()
    assert assigned.status == InquiryStatus.ASSIGNED and assigned.follow_ups.count() == 1
    assert assigned.task != first_task and assigned.task.status == "assigned"
    assert AuditEvent.objects.filter(action="portal.inquiry_reopened", actor_name="public").exists()


def test_rejection_needs_a_reason_is_final_and_cancels_the_task(assigned, hq_staff, liaison):
    with pytest.raises(PermissionDeniedError):
        services.inquiry_reject(
            actor=liaison, inquiry=assigned, reason="duplicate", note="x", expected_version=assigned.version
        )
    with pytest.raises(ServiceError, match="说明"):
        services.inquiry_reject(actor=hq_staff, inquiry=assigned, reason="duplicate", expected_version=assigned.version)
    services.inquiry_reject(
        actor=hq_staff, inquiry=assigned, reason="duplicate", note="同 GZ-1", expected_version=assigned.version
    )
    assigned.refresh_from_db()
    assert assigned.status == InquiryStatus.REJECTED and assigned.task.status == "cancelled"
    with pytest.raises(ServiceError):
        services.inquiry_follow_up(actor=services.PUBLIC_ACTOR, inquiry=assigned, text="为什么？")


def test_only_hq_assigns(submit, liaison, units):
    inquiry, _ = submit()
    with pytest.raises(PermissionDeniedError):
        services.inquiry_assign(actor=liaison, inquiry=inquiry, unit=units["humen"])


def test_each_role_sees_its_own_scope(
    submit, assigned, hq_staff, liaison, outsider, enterprise_contact, enterprise, units
):
    other, _ = submit(kind="policy")
    asked = services.inquiry_ask(actor=enterprise_contact, kind="policy", subject="材料", text="需要哪些材料？")
    assert asked.enterprise == enterprise and asked.number.startswith(f"P{enterprise.programme_id}-QY-")
    assert set(selectors.inquiries_for_user(hq_staff)) == {assigned, other, asked}
    assert set(selectors.inquiries_for_user(liaison)) == {assigned}
    assert set(selectors.inquiries_for_user(outsider)) == set()
    # The public report about the enterprise stays hidden from the enterprise.
    assert set(selectors.inquiries_for_user(enterprise_contact)) == {asked}


def test_the_public_lookup_needs_the_right_code_and_shows_no_staff_names(submit, hq_staff, units):
    inquiry, code = submit()
    assert selectors.public_lookup(number=inquiry.number, code="WRONG1", ip="1.2.3.4") is None
    assert selectors.public_lookup(number="GZ-2099-000001", code=code, ip="1.2.3.4") is None
    found = selectors.public_lookup(number=inquiry.number.lower(), code=code.lower(), ip="1.2.3.4")
    assert found == inquiry
    services.inquiry_assign(actor=hq_staff, inquiry=inquiry, unit=units["humen"])
    view = selectors.public_view(Inquiry.objects.get(pk=inquiry.pk))
    assert view.unit_name == "虎门镇" and "hq_staff" not in repr(view)


def test_the_overdue_flag(assigned):
    Inquiry.objects.filter(pk=assigned.pk).update(due_date=dt.date(2020, 1, 1))
    assigned.refresh_from_db()
    assert selectors.is_overdue(assigned)
    assert selectors.counts(Inquiry.objects.all(), today=dt.date.today())["overdue"] == 1


@time_machine.travel(dt.datetime(2022, 9, 29, 10, 0, tzinfo=dt.UTC), tick=False)
def test_the_time_limit_runs_from_arrival_not_from_triage(submit, hq_staff, units):
    """Submitted on Thursday 29 September 2022: five working days end on 11 October
    (National Day week off, 8–9 October worked); triage a week later keeps that date."""
    inquiry, _ = submit()
    assert inquiry.due_date == dt.date(2022, 10, 11)
    assert selectors.public_view(inquiry).due_date == dt.date(2022, 10, 11)
    with time_machine.travel(dt.datetime(2022, 10, 12, 10, 0, tzinfo=dt.UTC), tick=False):
        # Still waiting for triage after its time limit: overdue.
        assert selectors.is_overdue(inquiry)
        assert selectors.counts(Inquiry.objects.all(), today=dt.date(2022, 10, 12))["overdue"] == 1
        services.inquiry_assign(actor=hq_staff, inquiry=inquiry, unit=units["eeb"])
    inquiry.refresh_from_db()
    assert inquiry.due_date == dt.date(2022, 10, 11)
