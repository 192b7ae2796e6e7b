"""Closure verification (两断三清): the responsible unit confirms each item
with a photo; HQ verifies only when all five are confirmed."""

from __future__ import annotations

import pytest

from relocation.conftest import make_user
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.roles import Role
from relocation.enterprises import closure, lifecycle
from relocation.enterprises.models import ClosureCheck, ClosureItemKind, LifecycleStatus
from relocation.enterprises.tests.lifecycle_fixtures import put_in
from relocation.enterprises.tests.uploads_fixtures import pdf, photo

S = LifecycleStatus


@pytest.fixture
def utility_staff(units):
    return {
        "water": make_user("water_liaison", Role.UNIT_LIAISON, units["water"]),
        "power": make_user("power_liaison", Role.UNIT_LIAISON, units["power"]),
    }


def confirm_all(enterprise, liaison, inspector, utility_staff):
    by_item = {
        ClosureItemKind.WATER_CUT: utility_staff["water"],
        ClosureItemKind.POWER_CUT: utility_staff["power"],
        ClosureItemKind.MATERIALS_CLEARED: liaison,
        ClosureItemKind.EQUIPMENT_CLEARED: liaison,
        ClosureItemKind.WASTE_CLEARED: inspector,
    }
    for item, user in by_item.items():
        closure.closure_item_confirm(actor=user, enterprise=enterprise, item=item, photos=[photo()])


@pytest.mark.django_db
def test_each_unit_confirms_its_item_and_hq_then_verifies(hq_staff, liaison, inspector, utility_staff, enterprise):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    confirm_all(enterprise, liaison, inspector, utility_staff)
    check = ClosureCheck.objects.get(enterprise=enterprise, item="water_cut")
    stored = check.photos.get().file
    assert stored.content_type == "image/jpeg" and len(stored.sha256) == 64
    assert stored.taken_at is not None and stored.taken_at.year == 2022  # EXIF kept
    assert closure.missing_items(enterprise) == []
    lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.CLOSURE_VERIFIED, reason="核验完毕")
    enterprise.refresh_from_db()
    assert enterprise.status == S.CLOSURE_VERIFIED


@pytest.mark.django_db
def test_only_the_responsible_unit_confirms(liaison, inspector, hq_staff, utility_staff, enterprise):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    for user in (liaison, inspector, hq_staff, utility_staff["power"]):
        with pytest.raises(PermissionDeniedError):
            closure.closure_item_confirm(actor=user, enterprise=enterprise, item="water_cut", photos=[photo()])
    assert not ClosureCheck.objects.exists()


@pytest.mark.django_db
def test_a_confirmation_needs_a_photo_of_the_right_type(utility_staff, enterprise):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    water = utility_staff["water"]
    with pytest.raises(ServiceError, match="照片"):
        closure.closure_item_confirm(actor=water, enterprise=enterprise, item="water_cut", photos=[])
    with pytest.raises(ServiceError, match="文件类型"):
        closure.closure_item_confirm(actor=water, enterprise=enterprise, item="water_cut", photos=[pdf()])
    assert not ClosureCheck.objects.exists()  # nothing half-written


@pytest.mark.django_db
def test_an_item_is_confirmed_once_and_only_after_production_stopped(utility_staff, enterprise):
    water = utility_staff["water"]
    with pytest.raises(ServiceError, match="停产后"):
        closure.closure_item_confirm(actor=water, enterprise=enterprise, item="water_cut", photos=[photo()])
    put_in(enterprise, S.PRODUCTION_STOPPED)
    closure.closure_item_confirm(actor=water, enterprise=enterprise, item="water_cut", photos=[photo()])
    with pytest.raises(ConflictError):
        closure.closure_item_confirm(actor=water, enterprise=enterprise, item="water_cut", photos=[photo()])


@pytest.mark.django_db
def test_the_territorial_items_follow_the_enterprise_town(units, make_enterprise, utility_staff):
    other_town = make_user("bhw_liaison", Role.UNIT_LIAISON, units["binhaiwan"])
    enterprise = make_enterprise(territorial_unit=units["binhaiwan"])
    put_in(enterprise, S.PRODUCTION_STOPPED)
    assert closure.responsible_units(enterprise)["equipment_cleared"] == units["binhaiwan"]
    closure.closure_item_confirm(actor=other_town, enterprise=enterprise, item="equipment_cleared", photos=[photo()])
