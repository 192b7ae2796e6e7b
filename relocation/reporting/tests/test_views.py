"""The bulletin pages: compile now, edit in the browser, issue, receipts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.reporting import services
from relocation.reporting.models import Bulletin, BulletinReceipt


@pytest.mark.django_db
def test_hq_compiles_now_and_edits_a_section_in_place(client, hq_staff, programme, units):
    client.force_login(hq_staff)
    response = client.post(reverse("reporting:compile"), {"year": 2022, "month": 1})
    bulletin = Bulletin.objects.get()
    assert response["Location"] == reverse("reporting:detail", args=[bulletin.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-chart="enterprises"' in page and "一、总体情况" in page
    section = bulletin.sections.get(key="next_steps")
    response = client.post(
        reverse("reporting:section_edit", args=[bulletin.pk, "next_steps"]),
        {"text": "二月重点：完成第一批企业断电。", "version": section.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "已保存" in response.content.decode()
    assert bulletin.sections.get(key="next_steps").text == "二月重点：完成第一批企业断电。"


@pytest.mark.django_db
def test_units_do_not_see_drafts(client, liaison, bulletin):
    client.force_login(liaison)
    assert bulletin.title not in client.get(reverse("reporting:list")).content.decode()
    assert client.get(reverse("reporting:detail", args=[bulletin.pk])).status_code == 404


@pytest.mark.django_db
def test_units_cannot_compile_edit_or_issue(client, liaison, bulletin):
    client.force_login(liaison)
    assert client.post(reverse("reporting:compile"), {"year": 2022, "month": 1}).status_code == 403
    assert (
        client.post(
            reverse("reporting:section_edit", args=[bulletin.pk, "overview"]), {"text": "x", "version": 1}
        ).status_code
        == 403
    )
    assert client.post(reverse("reporting:issue", args=[bulletin.pk])).status_code == 403
    assert client.get(reverse("reporting:receipts", args=[bulletin.pk])).status_code == 403
    bulletin.refresh_from_db()
    assert bulletin.status == "draft"


@pytest.mark.django_db
def test_enterprise_contacts_cannot_read_bulletins(client, enterprise_contact, bulletin):
    client.force_login(enterprise_contact)
    assert client.get(reverse("reporting:list")).status_code == 403
    assert client.get(reverse("reporting:detail", args=[bulletin.pk])).status_code == 403
    assert client.get(reverse("reporting:download", args=[bulletin.pk, "pdf"])).status_code == 403


@pytest.mark.django_db
def test_opening_an_issued_bulletin_leaves_a_receipt_hq_can_see(client, hq_staff, liaison, unit_leader, bulletin):
    client.force_login(hq_staff)
    client.post(reverse("reporting:issue", args=[bulletin.pk]))
    client.force_login(liaison)
    assert client.get(reverse("reporting:detail", args=[bulletin.pk])).status_code == 200
    assert client.get(reverse("reporting:download", args=[bulletin.pk, "docx"])).content[:2] == b"PK"
    assert BulletinReceipt.objects.filter(user=liaison).count() == 1
    client.force_login(hq_staff)
    page = client.get(reverse("reporting:receipts", args=[bulletin.pk])).content.decode()
    assert "已读 1" in page and "未读 1" in page
    assert 'data-user="humen_leader" class="table-warning"' in page


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_bulletins(client, hq_staff, programme, units):
    client.force_login(hq_staff)
    services.bulletin_compile(actor=hq_staff, programme=programme, year=2021, month=1)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reporting:list"))
    for month in range(2, 7):
        services.bulletin_compile(actor=hq_staff, programme=programme, year=2021, month=month)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("reporting:list"))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_receipts_query_count_does_not_grow_with_recipients(client, hq_staff, bulletin, units):
    from relocation.conftest import make_user

    services.bulletin_issue(actor=hq_staff, bulletin=bulletin)
    client.force_login(hq_staff)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reporting:receipts", args=[bulletin.pk]))
    from django.utils import timezone

    from relocation.reporting.models import BulletinRecipient

    for i in range(8):
        user = make_user(f"extra{i}", "unit_liaison", units["eeb"])
        BulletinRecipient.objects.create(
            bulletin=bulletin, user=user, unit=units["eeb"], kind="main", sent_at=timezone.now()
        )
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("reporting:receipts", args=[bulletin.pk]))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_detail_query_count_does_not_grow_with_tasks_and_enterprises(
    client, hq_staff, programme, make_enterprise, make_task
):
    import datetime as dt

    client.force_login(hq_staff)
    make_enterprise()
    make_task("humen", deadline=dt.date(2022, 1, 5))
    bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=1)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reporting:detail", args=[bulletin.pk]))
    for i in range(10):
        make_enterprise()
        make_task("eeb" if i % 2 else "humen", deadline=dt.date(2022, 1, 6 + i))
    services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=1)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("reporting:detail", args=[bulletin.pk]))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_the_list_counts_reads_of_recipients_only(client, hq_staff, liaison, unit_leader, bulletin):
    services.bulletin_issue(actor=hq_staff, bulletin=bulletin)
    bulletin.refresh_from_db()
    services.receipt_record(user=liaison, bulletin=bulletin)
    services.receipt_record(user=hq_staff, bulletin=bulletin)  # HQ is not a recipient
    client.force_login(hq_staff)
    page = client.get(reverse("reporting:list")).content.decode()
    assert ">1/2</a>" in page
