"""The meetings pages: who may see and do what, and lists that stay flat in queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relocation.meetings import services
from relocation.meetings.models import Meeting, MeetingRequest
from relocation.supervision.models import Task


@pytest.mark.django_db
def test_it_lists_meetings_for_units_and_hq(client, liaison, meeting):
    client.force_login(liaison)
    page = client.get(reverse("meetings:list")).content.decode()
    assert meeting.title in page


@pytest.mark.django_db
def test_enterprise_contacts_cannot_see_meetings(client, enterprise_contact, meeting):
    client.force_login(enterprise_contact)
    assert client.get(reverse("meetings:list")).status_code == 403
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:requests")).status_code == 403


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_meetings(client, hq_staff, programme):
    client.force_login(hq_staff)
    services.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, 1, 1))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("meetings:list"))
    for month in range(2, 12):
        services.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, month, 1))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("meetings:list"))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_detail_query_count_does_not_grow_with_decisions(client, hq_staff, units, held_meeting):
    client.force_login(hq_staff)

    def add():
        services.decision_add(
            actor=hq_staff,
            meeting=held_meeting,
            text="事项",
            lead_unit=units["humen"],
            co_units=[units["eeb"]],
            deadline=dt.date(2022, 3, 1),
            make_task=True,
        )
        services.agenda_item_add(actor=hq_staff, meeting=held_meeting, title="议题", unit=units["eeb"])

    add()
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("meetings:detail", args=[held_meeting.pk])).status_code == 200
    for _ in range(6):
        add()
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("meetings:detail", args=[held_meeting.pk]))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_requests_query_count_does_not_grow(client, hq_staff, liaison):
    client.force_login(hq_staff)
    services.request_create(actor=liaison, problem="问题0")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("meetings:requests"))
    for i in range(8):
        services.request_create(actor=liaison, problem=f"问题{i + 1}")
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("meetings:requests"))
    assert len(large) == len(small)


HQ_POSTS = [
    ("meetings:reschedule", {"scheduled_at": "2022-02-14T09:30"}),
    ("meetings:hold", {}),
    ("meetings:cancel", {"reason": "x"}),
    ("meetings:agenda_assemble", {}),
    ("meetings:agenda_add", {"title": "x"}),
    ("meetings:minutes_issue", {}),
    ("meetings:decisions_tasks", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name,data", HQ_POSTS)
def test_units_cannot_run_hq_actions(client, liaison, meeting, name, data):
    client.force_login(liaison)
    assert client.post(reverse(name, args=[meeting.pk]), data).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and not meeting.agenda_items.exists()


@pytest.mark.django_db
def test_units_cannot_edit_attendance_minutes_or_decisions(client, outsider, units, held_meeting, hq_staff):
    decision = services.decision_add(
        actor=hq_staff, meeting=held_meeting, text="x", lead_unit=units["humen"], deadline=dt.date(2022, 3, 1)
    )
    client.force_login(outsider)
    assert client.get(reverse("meetings:attendance", args=[held_meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:minutes", args=[held_meeting.pk])).status_code == 403
    assert client.post(reverse("meetings:decision_add", args=[held_meeting.pk]), {"text": "x"}).status_code == 403
    for name in ("meetings:decision_task", "meetings:decision_remove"):
        assert client.post(reverse(name, args=[held_meeting.pk, decision.pk])).status_code == 403
    assert client.post(reverse("meetings:agenda_remove", args=[held_meeting.pk, 1])).status_code == 403
    assert client.post(reverse("meetings:create_extra"), {"title": "x"}).status_code == 403
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_hq_records_a_decision_and_its_task_in_one_step_from_the_page(client, hq_staff, units, held_meeting):
    client.force_login(hq_staff)
    data = {
        "text": "市场监管部门牵头清理无证经营",
        "lead_unit": units["eeb"].pk,
        "co_units": [units["police"].pk],
        "deadline": "2022-03-20",
        "make_task": "on",
    }
    response = client.post(reverse("meetings:decision_add", args=[held_meeting.pk]), data)
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.source == "meeting" and task.lead_unit == units["eeb"]
    decision = held_meeting.decisions.get()
    client.post(reverse("meetings:decision_task", args=[held_meeting.pk, decision.pk]))
    assert Task.objects.count() == 1
    page = client.get(reverse("meetings:detail", args=[held_meeting.pk])).content.decode()
    assert f'data-decision="{decision.pk}"' in page and "已交办" in page


@pytest.mark.django_db
def test_hq_moves_the_meeting_and_records_attendance_and_minutes(client, hq_staff, units, meeting):
    client.force_login(hq_staff)
    client.post(
        reverse("meetings:reschedule", args=[meeting.pk]), {"scheduled_at": "2022-02-14T09:30", "place": "二号会议室"}
    )
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.scheduled_at) == timezone.make_aware(dt.datetime(2022, 2, 14, 9, 30))
    assert meeting.place == "二号会议室"
    form = {f"status-{units['humen'].pk}": "deputy", f"attendee-{units['humen'].pk}": "李副镇长"}
    assert client.post(reverse("meetings:attendance", args=[meeting.pk]), form).status_code == 302
    assert meeting.attendance.get().attendee == "李副镇长"
    response = client.post(
        reverse("meetings:minutes", args=[meeting.pk]), {"minutes": "<p>纪要正文</p>", "version": meeting.version}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>纪要正文</p>"


@pytest.mark.django_db
def test_minutes_download_needs_issued_minutes_and_a_reader(client, hq_staff, enterprise_contact, held_meeting):
    client.force_login(hq_staff)
    assert client.get(reverse("meetings:minutes_download", args=[held_meeting.pk, "pdf"])).status_code == 404
    services.minutes_save(
        actor=hq_staff, meeting=held_meeting, minutes="<p>正文</p>", expected_version=held_meeting.version
    )
    services.minutes_issue(actor=hq_staff, meeting=held_meeting)
    response = client.get(reverse("meetings:minutes_download", args=[held_meeting.pk, "docx"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get(reverse("meetings:minutes_download", args=[held_meeting.pk, "pdf"])).content[:5] == b"%PDF-"
    client.force_login(enterprise_contact)
    assert client.get(reverse("meetings:minutes_download", args=[held_meeting.pk, "pdf"])).status_code == 403


@pytest.mark.django_db
def test_a_liaison_requests_an_extra_meeting_and_hq_accepts_it(client, liaison, hq_staff, inspector):
    client.force_login(inspector)
    assert client.get(reverse("meetings:request_create")).status_code == 403
    client.force_login(liaison)
    assert (
        client.post(reverse("meetings:request_create"), {"problem": "群体聚集", "details": "紧急"}).status_code == 302
    )
    request = MeetingRequest.objects.get()
    assert (
        client.post(
            reverse("meetings:request_accept", args=[request.pk]), {"scheduled_at": "2022-02-16T10:00"}
        ).status_code
        == 403
    )
    client.force_login(hq_staff)
    response = client.post(reverse("meetings:request_accept", args=[request.pk]), {"scheduled_at": "2022-02-16T10:00"})
    meeting = Meeting.objects.get(kind="extra")
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])


@pytest.mark.django_db
def test_a_unit_sees_only_its_own_requests(client, liaison, outsider):
    services.request_create(actor=liaison, problem="虎门镇的问题")
    client.force_login(outsider)
    assert "虎门镇的问题" not in client.get(reverse("meetings:requests")).content.decode()
    assert (
        client.post(
            reverse("meetings:request_decline", args=[MeetingRequest.objects.get().pk]), {"reply": "x"}
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_a_refused_minutes_save_shows_the_posted_text_sanitised(client, hq_staff, meeting):
    """A stale version sends the form back with the posted text: it must not run as script."""
    client.force_login(hq_staff)
    page = client.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {
            "minutes": '<p>正文</p><img src=x onerror="alert(1)"><script>alert(2)</script>',
            "version": meeting.version + 5,
        },
    ).content.decode()
    assert "<p>正文</p>" in page
    # The hidden field may echo it, escaped; no tag of it reaches the page.
    assert "<img" not in page and "<script>alert" not in page
