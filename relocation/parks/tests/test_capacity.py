from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relocation.core.errors import ServiceError
from relocation.parks import selectors, services
from relocation.parks.models import Allocation


@pytest.mark.django_db
def test_it_counts_used_committed_and_free(park, make_enterprise, hq_staff):
    relocated = make_enterprise(status="relocated", processes=["nickel"], wastewater_t_per_day=Decimal("20"))
    moving = make_enterprise(processes=["nickel"], wastewater_t_per_day=Decimal("30"), floor_area_m2=Decimal("4000"))
    for e in (relocated, moving):
        Allocation.objects.create(enterprise=e, park=park, status="confirmed")
    cap = selectors.capacity_of([park], deadline=dt.date(2022, 6, 30))[park.pk]
    nickel = cap.figures["nickel"]
    assert (nickel.capacity, nickel.used, nickel.committed, nickel.free) == (100, 20, 30, 50)
    area = cap.figures["floor_area_m2"]
    assert (area.capacity, area.delivered_by, area.used, area.committed) == (10000, 5000, 1200, 4000)
    # 5,200 m² occupied or committed, only 5,000 delivered by the end of June: 应接尽接 alarm.
    assert area.alarm and area.shortfall == 200
    later = selectors.capacity_of([park], deadline=dt.date(2022, 10, 1))[park.pk]
    assert not later.figures["floor_area_m2"].alarm


@pytest.mark.django_db
def test_it_derives_demand_until_hq_edits_it(mover, park, hq_staff):
    demand = selectors.demand_of(mover)
    assert demand["nickel"] == 20 and demand["general"] == 20 and demand["floor_area_m2"] == 1200
    services.demand_save(
        actor=hq_staff,
        enterprise=mover,
        values={"nickel_t_per_day": Decimal("35"), "floor_area_m2": Decimal("1500")},
        preferred_parks=[park],
    )
    mover.refresh_from_db()
    demand = selectors.demand_of(mover)
    assert demand["nickel"] == 35 and demand["general"] == 0 and demand["floor_area_m2"] == 1500
    assert selectors.preferred_park_ids(mover) == [park.pk]


@pytest.mark.django_db
def test_only_hq_edits_demand(mover, liaison):
    from relocation.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.demand_save(actor=liaison, enterprise=mover, values={"floor_area_m2": Decimal("1")})


@pytest.mark.django_db
def test_the_parks_town_reports_a_delivery_and_the_alarm_clears(client, park, make_enterprise, units):
    from relocation.conftest import make_user
    from relocation.core.roles import Role

    e = make_enterprise(floor_area_m2=Decimal("6000"))
    Allocation.objects.create(enterprise=e, park=park, status="confirmed")
    deadline = dt.date(2022, 6, 30)
    assert selectors.capacity_of([park], deadline=deadline)[park.pk].figures["floor_area_m2"].alarm
    machong = make_user("machong_liaison", Role.UNIT_LIAISON, units["machong"])
    humen = make_user("humen_liaison2", Role.UNIT_LIAISON, units["humen"])
    factory = park.factories.get(code="B")
    client.force_login(humen)
    url = f"/parks/{park.pk}/progress/"
    assert (
        client.post(
            url, {"kind": "factory", "id": factory.pk, "status": "delivered", "actual": "2022-05-20"}
        ).status_code
        == 403
    )
    client.force_login(machong)
    page = client.post(url, {"kind": "factory", "id": factory.pk, "status": "delivered"}, follow=True).content.decode()
    assert "请填写实际交付" in page
    client.post(url, {"kind": "factory", "id": factory.pk, "status": "delivered", "actual": "2022-05-20"})
    factory.refresh_from_db()
    assert factory.status == "delivered" and factory.delivered_on == dt.date(2022, 5, 20)
    assert not selectors.capacity_of([park], deadline=deadline)[park.pk].figures["floor_area_m2"].alarm
    from relocation.parks.models import EiaMilestone, StatusChange

    step = EiaMilestone.objects.create(park=park, name="批复", planned_on=dt.date(2022, 3, 31))
    with pytest.raises(ServiceError):
        services.milestone_update(actor=machong, milestone=step, status="done")
    services.milestone_update(actor=machong, milestone=step, status="done", actual_on=dt.date(2022, 4, 2))
    step.refresh_from_db()
    assert step.status == "done" and step.actual_on == dt.date(2022, 4, 2)
    assert StatusChange.objects.filter(subject_type="eiamilestone", subject_id=step.pk, to_status="done").exists()
