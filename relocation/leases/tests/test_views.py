"""Pages: each persona sees what its role and unit allow (HQ the programme,
the community its property, the town its enterprises, the enterprise contact
its own leases read-only; an unrelated unit nothing; another programme's HQ
gets 404), steps are offered only when their guard passes (otherwise shown
disabled with the reason), the list keeps its query count and exports what
it shows."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from relocation.conftest import make_unit, make_user
from relocation.core.roles import Role
from relocation.leases.models import LeaseStatus
from relocation.leases.tests.conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_town_lease(hq_staff, make_enterprise, units, community_unit):
    return register(hq_staff, make_enterprise(territorial_unit=units["binhaiwan"]), community_unit, number="BH-1")


def _body(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    return response.status_code, response.content.decode()


def test_hq_the_community_and_the_town_see_the_lease_and_the_outsider_is_refused(
    client, lease, hq_staff, community, liaison, outsider
):
    for user in (hq_staff, community, liaison):
        status, body = _body(client, user, "leases:list")
        assert status == 200 and "ZY-2019-001" in body
        assert _body(client, user, "leases:detail", lease.pk)[0] == 200
    assert _body(client, outsider, "leases:list")[0] == 403
    assert _body(client, outsider, "leases:detail", lease.pk)[0] == 403


def test_a_town_does_not_see_another_towns_enterprises_leases(client, liaison, lease, other_town_lease, community):
    status, body = _body(client, liaison, "leases:list")
    assert "ZY-2019-001" in body and "BH-1" not in body
    assert _body(client, liaison, "leases:detail", other_town_lease.pk)[0] == 404
    # The community sees both: both are its property.
    assert "BH-1" in _body(client, community, "leases:list")[1]


def test_the_enterprise_contact_reads_its_own_lease_and_is_offered_no_step(
    client, enterprise_contact, lease, other_town_lease
):
    status, body = _body(client, enterprise_contact, "leases:detail", lease.pk)
    assert status == 200 and 'id="lease-actions"' not in body
    assert _body(client, enterprise_contact, "leases:detail", other_town_lease.pk)[0] == 404
    assert _body(client, enterprise_contact, "leases:notice_issue", lease.pk)[0] == 403
    client.force_login(enterprise_contact)
    response = client.post(
        reverse("leases:notice_issue", args=[lease.pk]),
        {"vacate_by": "2022-04-01", "refund_due_on": "2022-04-01", "reason": "x"},
    )
    assert response.status_code == 403
    lease.refresh_from_db()
    assert lease.status == LeaseStatus.ACTIVE


def test_another_programmes_hq_gets_404(client, lease):
    from relocation.organisation.models import Programme

    other = Programme.objects.create(
        code="other", name="另一项目", zone_name="另区", city="另市", deadline=dt.date(2023, 1, 1)
    )
    other_hq = make_user("other_hq", Role.HQ_STAFF, make_unit(other, "hq2", "另一指挥部", "headquarters", ()))
    status, body = _body(client, other_hq, "leases:list")
    assert status == 200 and "ZY-2019-001" not in body
    assert _body(client, other_hq, "leases:detail", lease.pk)[0] == 404
    assert _body(client, other_hq, "leases:notice_download", lease.pk)[0] == 404


def test_steps_not_open_yet_are_shown_disabled_with_the_reason(client, hq_staff, lease, community):
    status, body = _body(client, hq_staff, "leases:detail", lease.pk)
    assert f'href="{reverse("leases:notice_issue", args=[lease.pk])}"' in body
    assert 'disabled data-action="refund"' in body and "请先下发停租通知，再登记押金退还。" in body
    # HQ is not offered the community's clearance check at all.
    assert 'data-action="clearance"' not in body
    body = _body(client, community, "leases:detail", lease.pk)[1]
    assert 'disabled data-action="clearance"' in body and 'data-action="close"' not in body


def test_the_notice_page_issues_the_notice_and_the_document_downloads(client, community, lease):
    client.force_login(community)
    response = client.post(
        reverse("leases:notice_issue", args=[lease.pk]),
        {
            "vacate_by": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
            "refund_due_on": (dt.date.today() + dt.timedelta(days=45)).isoformat(),
            "reason": "租期届满不再续租",
        },
    )
    assert response.status_code == 302
    lease.refresh_from_db()
    assert lease.status == LeaseStatus.NOTICE_ISSUED
    download = client.get(reverse("leases:notice_download", args=[lease.pk]))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert "filename*=UTF-8''" in download["Content-Disposition"]


def test_a_refused_step_shows_the_services_message_on_the_form(client, hq_staff, noticed):
    client.force_login(hq_staff)
    response = client.post(
        reverse("leases:refund", args=[noticed.pk]), {"amount": "99999999", "refunded_on": "2022-03-20"}
    )
    assert response.status_code == 200 and "超过押金" in response.content.decode()
    noticed.refresh_from_db()
    assert noticed.status == LeaseStatus.NOTICE_ISSUED


def test_the_register_page_creates_a_lease(client, community, enterprise, community_unit):
    client.force_login(community)
    assert client.get(reverse("leases:create")).status_code == 200
    response = client.post(
        reverse("leases:create"),
        {
            "number": "NEW-1",
            "landlord_kind": "community_collective",
            "landlord_name": "某社区股份经济联合社",
            "community_unit": community_unit.pk,
            "enterprise": enterprise.pk,
            "address": "工业路1号",
            "area_m2": "500",
            "starts_on": "2020-01-01",
            "ends_on": "2022-12-31",
            "monthly_rent": "8000",
            "deposit": "16000",
        },
    )
    assert response.status_code == 302
    assert enterprise.leases.get().number == "NEW-1"


def test_the_list_filters_and_keeps_its_query_count(
    client, hq_staff, make_enterprise, community_unit, django_assert_max_num_queries
):
    from relocation.leases import services

    for n in range(12):
        lease = register(hq_staff, make_enterprise(), community_unit, number=f"L-{n:02d}")
        if n % 3 == 0:
            services.dispute_open(actor=hq_staff, lease=lease, description="纠纷")
    client.force_login(hq_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("leases:list"))
    assert response.status_code == 200 and "L-11" in response.content.decode()
    body = client.get(reverse("leases:list"), {"disputed": "1"}).content.decode()
    assert "L-03" in body and "L-04" not in body


def test_the_export_holds_the_filtered_rows_under_the_pages_headers(
    client, hq_staff, lease, noticed, make_enterprise, community_unit
):
    register(hq_staff, make_enterprise(), community_unit, number="=HYPERLINK(1)")
    client.force_login(hq_staff)
    response = client.get(reverse("leases:list"), {"status": "notice_issued", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("租约编号", "承租企业") and "停租通知文号" in rows[0]
    assert [r[0] for r in rows[1:]] == ["ZY-2019-001"]
    everything = load_workbook(io.BytesIO(client.get(reverse("leases:list"), {"export": "xlsx"}).content)).active
    assert "'=HYPERLINK(1)" in [r[0] for r in everything.iter_rows(values_only=True)]


def test_the_enterprise_page_shows_the_leases_section(client, hq_staff, lease, enterprise):
    client.force_login(hq_staff)
    body = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert 'id="leases-section"' in body and "ZY-2019-001" in body and 'data-not-cleared="1"' in body


def test_the_menu_lists_the_app_for_its_readers_only(client, hq_staff, outsider, community, lease):
    url = reverse("leases:list")
    for user, shown in ((hq_staff, True), (community, True), (outsider, False)):
        client.force_login(user)
        assert (f'href="{url}"' in client.get(reverse("enterprises:list")).content.decode()) is shown


def test_a_step_page_opened_too_early_says_why(client, hq_staff, lease):
    client.force_login(hq_staff)
    response = client.get(reverse("leases:refund", args=[lease.pk]))
    assert response.status_code == 200 and "请先下发停租通知，再登记押金退还。" in response.content.decode()
