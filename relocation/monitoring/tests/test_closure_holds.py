"""Open detector and toxic-chemical alerts hold the closure steps they
contradict (core.guards evidence holds); HQ may override with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.conftest import make_user
from relocation.core.errors import PermissionDeniedError, ServiceError, TransitionError
from relocation.core.models import AuditEvent
from relocation.core.roles import Role
from relocation.enterprises import closure, lifecycle
from relocation.enterprises.models import ClosureCheck, ClosureItemKind, ClosureOverride, LifecycleStatus
from relocation.enterprises.tests.lifecycle_fixtures import put_in
from relocation.enterprises.tests.uploads_fixtures import photo
from relocation.monitoring import services

S = LifecycleStatus


@pytest.fixture
def staff(units, liaison, inspector):
    return {
        ClosureItemKind.WATER_CUT: make_user("water_liaison", Role.UNIT_LIAISON, units["water"]),
        ClosureItemKind.POWER_CUT: make_user("power_liaison", Role.UNIT_LIAISON, units["power"]),
        ClosureItemKind.MATERIALS_CLEARED: liaison,
        ClosureItemKind.EQUIPMENT_CLEARED: liaison,
        ClosureItemKind.WASTE_CLEARED: inspector,
    }


def still_using(enterprise, utility="water", value=90.0):
    alert, _created = services.alert_raise(
        actor=None,
        enterprise=enterprise,
        kind="stopped_consuming",
        dedupe_key=f"stopped:{enterprise.pk}:{utility}",
        title=f"{enterprise.name} 已停产但仍在用水",
        pollutant=utility,
        value=value,
        unit="m³",
    )
    return alert


def confirm(enterprise, staff, item):
    return closure.closure_item_confirm(actor=staff[item], enterprise=enterprise, item=item, photos=[photo()])


@pytest.mark.django_db
def test_the_water_company_cannot_confirm_water_cut_off_while_water_is_drawn(enterprise, staff):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    still_using(enterprise)
    with pytest.raises(ServiceError) as refused:
        confirm(enterprise, staff, ClosureItemKind.WATER_CUT)
    assert "断水" in refused.value.message and "90" in refused.value.message
    assert not ClosureCheck.objects.exists()
    confirm(enterprise, staff, ClosureItemKind.POWER_CUT)  # the water alert does not hold the power company


@pytest.mark.django_db
def test_hq_overrides_a_hold_with_a_reason_and_it_is_audited(enterprise, staff, hq_staff, liaison):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    alert = still_using(enterprise)
    with pytest.raises(PermissionDeniedError):
        closure.closure_hold_override(actor=liaison, enterprise=enterprise, step="water_cut", reason="误报")
    with pytest.raises(ServiceError):
        closure.closure_hold_override(actor=hq_staff, enterprise=enterprise, step="water_cut", reason=" ")
    with pytest.raises(ServiceError):  # nothing holds the power company
        closure.closure_hold_override(actor=hq_staff, enterprise=enterprise, step="power_cut", reason="误报")
    override = closure.closure_hold_override(
        actor=hq_staff, enterprise=enterprise, step="water_cut", reason="水表读数滞后，现场已拆表"
    )
    assert override.hold_keys == [f"monitoring.alert:{alert.pk}"] and override.granted_by == hq_staff
    event = AuditEvent.objects.get(action="enterprise.closure_hold_overridden")
    assert event.enterprise_id == enterprise.pk and "水表读数滞后" in event.summary
    confirm(enterprise, staff, ClosureItemKind.WATER_CUT)


@pytest.mark.django_db
def test_an_alert_opened_after_the_override_holds_again(enterprise, staff, hq_staff):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    first = still_using(enterprise)
    closure.closure_hold_override(actor=hq_staff, enterprise=enterprise, step="water_cut", reason="误报")
    services.alert_close(actor=hq_staff, alert=first, reason="核实为误报")
    still_using(enterprise, value=120.0)
    with pytest.raises(ServiceError):
        confirm(enterprise, staff, ClosureItemKind.WATER_CUT)


@pytest.mark.django_db
def test_closure_verification_waits_for_open_alerts_unless_hq_overrides(enterprise, staff, hq_staff):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    for item in ClosureItemKind.values:
        confirm(enterprise, staff, item)
    still_using(enterprise, utility="power", value=800.0)
    with pytest.raises(TransitionError) as refused:
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.CLOSURE_VERIFIED, reason="核验")
    assert "800" in refused.value.message
    enterprise.refresh_from_db()
    assert enterprise.status == S.PRODUCTION_STOPPED
    closure.closure_hold_override(actor=hq_staff, enterprise=enterprise, step="verification", reason="经现场复核")
    lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.CLOSURE_VERIFIED, reason="核验")
    enterprise.refresh_from_db()
    assert enterprise.status == S.CLOSURE_VERIFIED


@pytest.mark.django_db
def test_a_toxic_chemical_alert_holds_materials_cleared_and_the_verification(enterprise, staff, hq_staff):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    services.alert_raise(
        actor=None, enterprise=enterprise, kind="toxic_discrepancy", dedupe_key="toxic:x", title="氰化钠账实不符"
    )
    with pytest.raises(ServiceError):
        confirm(enterprise, staff, ClosureItemKind.MATERIALS_CLEARED)
    assert closure.open_holds(enterprise, "verification")


@pytest.mark.django_db
def test_the_page_shows_the_hold_and_hq_overrides_it(client, enterprise, staff, hq_staff):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    still_using(enterprise)
    client.force_login(staff[ClosureItemKind.WATER_CUT])
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "监管预警未处理" in page
    assert reverse("enterprises:closure_confirm", args=[enterprise.pk, "water_cut"]) not in page
    assert reverse("enterprises:closure_override", args=[enterprise.pk, "water_cut"]) not in page
    response = client.post(reverse("enterprises:closure_override", args=[enterprise.pk, "water_cut"]), {"reason": "x"})
    assert response.status_code == 403
    client.force_login(hq_staff)
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    url = reverse("enterprises:closure_override", args=[enterprise.pk, "water_cut"])
    assert url in page
    assert client.post(url, {"reason": "现场已拆表"}).status_code == 302
    assert ClosureOverride.objects.get().reason == "现场已拆表"
