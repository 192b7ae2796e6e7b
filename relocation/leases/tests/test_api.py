"""The API: scoped like the pages, the same services behind every step (the
same refusals, as 400/403/409 with the user's message)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from relocation.conftest import make_unit, make_user
from relocation.core.roles import Role
from relocation.leases.models import LeaseStatus

pytestmark = pytest.mark.django_db
BASE = "/api/leases/leases/"


def _api(user):
    api = APIClient()
    api.force_login(user)
    return api


def _soon(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def test_it_lists_and_shows_the_lease_with_its_notice(noticed, hq_staff):
    api = _api(hq_staff)
    [row] = api.get(BASE).data["results"]
    assert row["number"] == "ZY-2019-001" and row["status"] == "notice_issued"
    assert row["notice"]["number"].endswith("〔2022〕1号") and row["open_disputes"] == 0
    assert api.get(f"{BASE}{noticed.pk}/history/").data[-1]["to_status"] == "notice_issued"


def test_it_walks_a_lease_through_its_life(hq_staff, community, liaison, enterprise, community_unit):
    created = _api(community).post(
        BASE,
        {
            "enterprise": enterprise.pk,
            "community_unit": community_unit.pk,
            "number": "API-1",
            "landlord_kind": "community_collective",
            "landlord_name": "某社区股份经济联合社",
            "address": "工业路2号",
            "area_m2": "900.00",
            "starts_on": "2020-01-01",
            "ends_on": "2022-12-31",
            "monthly_rent": "9000.00",
            "deposit": "18000.00",
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    url = f"{BASE}{created.data['id']}/"
    notice = _api(community).post(
        f"{url}issue-notice/", {"vacate_by": _soon(20), "refund_due_on": _soon(30), "reason": "不再续租"}, format="json"
    )
    assert notice.status_code == 201
    too_much = _api(hq_staff).post(f"{url}refund/", {"amount": "18000.01", "refunded_on": _soon(0)}, format="json")
    assert too_much.status_code == 400 and "超过押金" in too_much.data["detail"]
    assert (
        _api(hq_staff).post(f"{url}refund/", {"amount": "18000", "refunded_on": _soon(0)}, format="json").status_code
        == 201
    )
    by_hq = _api(hq_staff).post(
        f"{url}clearance/",
        {"checked_on": _soon(0), "premises_vacated": True, "equipment_removed": True, "keys_returned": True},
        format="json",
    )
    assert by_hq.status_code == 403
    checked = _api(community).post(
        f"{url}clearance/",
        {"checked_on": _soon(0), "premises_vacated": True, "equipment_removed": True, "keys_returned": True},
        format="json",
    )
    assert checked.status_code == 201 and checked.data["passed"] is True
    closed = _api(liaison).post(f"{url}close/", {}, format="json")
    assert closed.status_code == 200 and closed.data["status"] == LeaseStatus.CLOSED


def test_a_step_out_of_order_answers_409(lease, hq_staff):
    response = _api(hq_staff).post(f"{BASE}{lease.pk}/close/", {}, format="json")
    assert response.status_code == 409 and response.data["code"] == "illegal_transition"


def test_disputes_are_listed_and_resolved(lease, hq_staff):
    api = _api(hq_staff)
    assert api.post(f"{BASE}{lease.pk}/disputes/", {"description": "违约金争议"}, format="json").status_code == 201
    assert api.get(BASE, {"disputed": "1"}).data["results"][0]["open_disputes"] == 1
    resolved = api.post(f"{BASE}{lease.pk}/resolve-dispute/", {"resolution": "调解和解"}, format="json")
    assert resolved.status_code == 200 and resolved.data["resolved_on"]


def test_the_enterprise_contact_reads_its_own_lease_and_may_not_write(lease, enterprise_contact):
    api = _api(enterprise_contact)
    assert [r["id"] for r in api.get(BASE).data["results"]] == [lease.pk]
    response = api.post(f"{BASE}{lease.pk}/disputes/", {"description": "x"}, format="json")
    assert response.status_code == 403


def test_an_outsider_is_refused_and_another_programmes_hq_gets_404(lease, outsider):
    assert _api(outsider).get(BASE).status_code == 403
    from relocation.organisation.models import Programme

    other = Programme.objects.create(
        code="o", name="另一项目", zone_name="另区", city="另市", deadline=dt.date(2023, 1, 1)
    )
    other_hq = make_user("other_hq", Role.HQ_STAFF, make_unit(other, "hq2", "另一指挥部", "headquarters", ()))
    api = _api(other_hq)
    assert api.get(BASE).data["results"] == []
    assert api.get(f"{BASE}{lease.pk}/").status_code == 404
    assert api.post(f"{BASE}{lease.pk}/disputes/", {"description": "x"}, format="json").status_code == 404


def test_an_id_of_another_programme_is_refused_on_create(hq_staff, enterprise):
    from relocation.organisation.models import Programme

    other = Programme.objects.create(
        code="o", name="另一项目", zone_name="另区", city="另市", deadline=dt.date(2023, 1, 1)
    )
    foreign = make_unit(other, "c2", "另一社区", "community", ("community",))
    response = _api(hq_staff).post(
        BASE,
        {
            "enterprise": enterprise.pk,
            "community_unit": foreign.pk,
            "number": "X",
            "landlord_kind": "village_group",
            "landlord_name": "某村小组",
            "address": "某路",
            "area_m2": "1",
            "starts_on": "2020-01-01",
            "ends_on": "2021-01-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "community_unit" in response.data


def test_the_export_answers_the_filtered_list(lease, noticed, hq_staff):
    response = _api(hq_staff).get(f"{BASE}export/", {"status": "notice_issued"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "租约编号" and [r[0] for r in rows[1:]] == ["ZY-2019-001"]
