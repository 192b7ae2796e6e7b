"""HQ registers and edits a receiving park: its fields, capacity per stream
and floor area, build status (forward only), quotas; version check; audit;
the page and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError, TransitionError
from relocation.core.models import AuditEvent
from relocation.parks import services
from relocation.parks.models import Allocation, Park, StatusChange, TreatmentFacility

pytestmark = pytest.mark.django_db


def _edit(park, actor, **kwargs):
    values = kwargs.pop("values", {})
    return services.park_update(actor=actor, park=park, expected_version=park.version, values=values, **kwargs)


def test_hq_edits_the_park_and_its_capacity_with_history_and_audit(park, hq_staff, units):
    nickel = park.facilities.get(stream="nickel")
    _edit(
        park,
        hq_staff,
        values={"name": "麻涌环保产业园", "town_unit": units["machong"], "industries": ["electroplating"]},
        facilities=[
            {"id": nickel.pk, "capacity_t_per_day": Decimal("150")},
            {"name": "含铬线", "stream": "chromium", "capacity_t_per_day": Decimal("80"), "status": "planned"},
        ],
        quotas={"nickel": Decimal("650"), "chromium": Decimal("120")},
    )
    park.refresh_from_db()
    assert park.name == "麻涌环保产业园" and park.industries == ["electroplating"] and park.version == 2
    nickel.refresh_from_db()
    assert nickel.capacity_t_per_day == Decimal("150") and nickel.name == "镍线"  # untouched keys kept
    assert park.facilities.filter(stream="chromium", capacity_t_per_day=Decimal("80")).exists()
    assert {q.metal: q.kg_per_year for q in park.metal_quotas.all()} == {
        "nickel": Decimal("650"),
        "chromium": Decimal("120"),
    }
    event = AuditEvent.objects.get(action="park.updated", object_id=str(park.pk))
    assert event.actor_id == hq_staff.pk
    assert event.changes["name"][1] == "麻涌环保产业园"
    assert event.changes["treatmentfacility:镍线"] == {"capacity_t_per_day": ["100.00", "150"]}
    assert "treatmentfacility:含铬线" in event.changes
    assert event.changes["quota:chromium"] == [None, "120"]


def test_a_status_moves_forward_only_and_keeps_its_history(park, hq_staff):
    factory = park.factories.get(code="B")
    with pytest.raises(ServiceError, match="实际交付"):
        _edit(park, hq_staff, factories=[{"id": factory.pk, "status": "delivered"}])
    assert park.version == 1  # the refused edit left the caller's object alone
    _edit(park, hq_staff, factories=[{"id": factory.pk, "status": "delivered", "delivered_on": dt.date(2022, 5, 1)}])
    factory.refresh_from_db()
    assert factory.status == "delivered" and factory.delivered_on == dt.date(2022, 5, 1)
    assert StatusChange.objects.filter(
        subject_type="factory", subject_id=factory.pk, from_status="under_construction", to_status="delivered"
    ).exists()
    park.refresh_from_db()
    with pytest.raises(TransitionError):
        _edit(park, hq_staff, factories=[{"id": factory.pk, "status": "planned"}])


def test_an_edit_on_a_stale_version_is_refused(park, hq_staff, hq_commander):
    stale = Park.objects.get(pk=park.pk)
    _edit(park, hq_staff, values={"notes": "第一次修改"})
    with pytest.raises(ConflictError):
        _edit(stale, hq_commander, values={"notes": "覆盖"})
    park.refresh_from_db()
    assert park.notes == "第一次修改"


def test_capacity_cannot_fall_below_confirmed_demand(park, hq_staff, make_enterprise):
    e = make_enterprise(processes=["nickel"], wastewater_t_per_day=Decimal("90"))
    Allocation.objects.create(enterprise=e, park=park, status="confirmed")
    nickel = park.facilities.get(stream="nickel")
    with pytest.raises(ServiceError, match="少于已确认承接"):
        _edit(park, hq_staff, facilities=[{"id": nickel.pk, "capacity_t_per_day": Decimal("50")}])
    nickel.refresh_from_db()
    assert nickel.capacity_t_per_day == Decimal("100")


@pytest.mark.parametrize("who", ["liaison", "unit_leader", "group_leader", "inspector"])
def test_only_hq_editors_may_edit(park, who, request):
    with pytest.raises(PermissionDeniedError):
        _edit(park, request.getfixturevalue(who), values={"name": "x"})


def test_a_town_of_another_programme_is_refused(park, hq_staff):
    from relocation.organisation.models import Programme, Unit

    other = Programme.objects.create(code="other", name="其他项目", deadline=dt.date(2030, 1, 1))
    foreign = Unit.objects.create(programme=other, code="t", name="外镇", kind="town")
    with pytest.raises(ServiceError, match="不属于本项目"):
        _edit(park, hq_staff, values={"town_unit": foreign})


# ---------------------------------------------------------------- page


def _post_data(park=None, **overrides):
    data = {
        "name": "沙田环保产业基地",
        "town_unit": "",
        "industries": ["electroplating", "dyeing"],
        "land_area_m2": "80000",
        "latitude": "22.9",
        "longitude": "113.6",
        "notes": "",
        "factories-TOTAL_FORMS": "1",
        "factories-INITIAL_FORMS": "0",
        "factories-0-code": "A1",
        "factories-0-area_m2": "3000",
        "factories-0-status": "planned",
        "facilities-TOTAL_FORMS": "1",
        "facilities-INITIAL_FORMS": "0",
        "facilities-0-name": "综合站",
        "facilities-0-stream": "general",
        "facilities-0-capacity_t_per_day": "120",
        "facilities-0-status": "under_construction",
        "quota_nickel": "300",
    }
    data.update(overrides)
    return data


def test_hq_registers_a_park_on_the_page(client, hq_staff, units):
    client.force_login(hq_staff)
    assert client.get(reverse("parks:create")).status_code == 200
    response = client.post(reverse("parks:create"), _post_data(code="shatian", town_unit=str(units["machong"].pk)))
    park = Park.objects.get(code="shatian")
    assert response.status_code == 302 and response.url == reverse("parks:detail", args=[park.pk])
    assert park.factories.get().area_m2 == Decimal("3000")
    assert park.facilities.get().stream == "general" and park.metal_quotas.get().metal == "nickel"
    assert AuditEvent.objects.filter(action="park.created", object_id=str(park.pk)).exists()


def test_the_edit_page_shows_a_conflict_with_the_current_values(client, hq_staff, park, units):
    client.force_login(hq_staff)
    page = client.get(reverse("parks:edit", args=[park.pk])).content.decode()
    assert park.name in page and "镍线" in page and 'name="version"' in page
    _edit(park, hq_staff, values={"name": "别人刚改的名字"})
    data = _post_data(town_unit=str(units["machong"].pk), version="1", name="我的名字")
    data.update({"factories-TOTAL_FORMS": "0", "facilities-TOTAL_FORMS": "0"})
    page = client.post(reverse("parks:edit", args=[park.pk]), data).content.decode()
    assert "其他人已修改" in page and "别人刚改的名字" in page
    park.refresh_from_db()
    assert park.name == "别人刚改的名字"


def test_the_edit_page_saves_capacity(client, hq_staff, park, units):
    client.force_login(hq_staff)
    nickel = park.facilities.get(stream="nickel")
    data = _post_data(town_unit=str(units["machong"].pk), version=str(park.version), name=park.name)
    data.update(
        {
            "factories-TOTAL_FORMS": "0",
            "facilities-TOTAL_FORMS": "1",
            "facilities-INITIAL_FORMS": "1",
            "facilities-0-id": str(nickel.pk),
            "facilities-0-name": "镍线",
            "facilities-0-stream": "nickel",
            "facilities-0-capacity_t_per_day": "180",
            "facilities-0-status": "delivered",
            "facilities-0-commissioned_on": "2021-10-01",
        }
    )
    response = client.post(reverse("parks:edit", args=[park.pk]), data)
    assert response.status_code == 302, response.context and [
        response.context["form"].errors,
        response.context["facilities"].errors,
    ]
    nickel.refresh_from_db()
    assert nickel.capacity_t_per_day == Decimal("180")
    assert not park.metal_quotas.filter(metal="chromium").exists()


@pytest.mark.parametrize("who", ["liaison", "group_leader", "inspector", "enterprise_contact"])
def test_the_park_form_is_refused_to_others(client, park, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("parks:create")).status_code == 403
    assert client.get(reverse("parks:edit", args=[park.pk])).status_code == 403
    assert client.post(reverse("parks:edit", args=[park.pk]), {"name": "x"}).status_code == 403


def test_the_edit_page_keeps_a_constant_number_of_queries(client, hq_staff, park, django_assert_max_num_queries):
    client.force_login(hq_staff)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("parks:edit", args=[park.pk])).status_code == 200


# ---------------------------------------------------------------- API


@pytest.fixture
def api():
    return APIClient()


def test_hq_creates_and_patches_a_park_through_the_api(api, hq_staff, units):
    api.force_login(hq_staff)
    created = api.post(
        "/api/parks/parks/",
        {
            "code": "dalang",
            "name": "大朗园区",
            "town_unit": units["machong"].pk,
            "industries": ["dyeing"],
            "land_area_m2": "50000",
            "facilities": [{"name": "印染站", "stream": "dyeing", "capacity_t_per_day": "500", "status": "planned"}],
            "quotas": {"lead": "10"},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["version"] == 1 and body["facilities"][0]["capacity_t_per_day"] == "500.00"
    line = body["facilities"][0]["id"]
    patched = api.patch(
        f"/api/parks/parks/{body['id']}/",
        {"version": 1, "name": "大朗印染园", "facilities": [{"id": line, "capacity_t_per_day": "650"}]},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["name"] == "大朗印染园" and patched.json()["version"] == 2
    assert TreatmentFacility.objects.get(pk=line).capacity_t_per_day == Decimal("650")
    stale = api.patch(f"/api/parks/parks/{body['id']}/", {"version": 1, "notes": "x"}, format="json")
    assert stale.status_code == 409
    assert api.patch(f"/api/parks/parks/{body['id']}/", {"notes": "x"}, format="json").status_code == 400


def test_the_api_refuses_writes_to_others(api, liaison, park, units):
    api.force_login(liaison)
    assert api.patch(f"/api/parks/parks/{park.pk}/", {"version": 1, "name": "x"}, format="json").status_code == 403
    assert (
        api.post(
            "/api/parks/parks/",
            {"code": "x", "name": "x", "town_unit": units["machong"].pk, "industries": ["dyeing"]},
            format="json",
        ).status_code
        == 403
    )
