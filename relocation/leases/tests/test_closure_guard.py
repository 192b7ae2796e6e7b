"""A tenant's closure cannot be verified while one of its leases is not yet
cleared; a cleared (or closed) lease no longer holds it. Through the
lifecycle service itself (the guard is registered in LeasesConfig.ready, so
the enterprises app never imports leases)."""

from __future__ import annotations

import pytest

from relocation.core import guards
from relocation.core.errors import TransitionError
from relocation.enterprises import lifecycle
from relocation.enterprises.models import LifecycleStatus
from relocation.enterprises.tests.lifecycle_fixtures import put_in, satisfy_guards
from relocation.leases import services
from relocation.leases.tests.conftest import check, issue, refund, register

pytestmark = pytest.mark.django_db
S = LifecycleStatus


@pytest.fixture
def stopped(enterprise, units, hq_staff):
    satisfy_guards(enterprise, units, hq_staff)
    return put_in(enterprise, S.PRODUCTION_STOPPED)


def test_the_guard_is_registered():
    assert services.lease_closure_blockers in guards._closure_guards


def test_a_lease_not_cleared_blocks_closure_verification_until_the_community_clears_it(
    stopped, hq_staff, community, community_unit
):
    lease = register(hq_staff, stopped, community_unit)
    issue(hq_staff, lease)
    refund(hq_staff, lease)
    with pytest.raises(TransitionError) as exc:
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=stopped, target=S.CLOSURE_VERIFIED, reason="核验")
    assert "押金已退还" in exc.value.message and "清租退场" in exc.value.message
    stopped.refresh_from_db()
    assert stopped.status == S.PRODUCTION_STOPPED

    check(community, lease)
    lifecycle.enterprise_transition(actor=hq_staff, enterprise=stopped, target=S.CLOSURE_VERIFIED, reason="核验")
    stopped.refresh_from_db()
    assert stopped.status == S.CLOSURE_VERIFIED


def test_an_active_lease_blocks_and_other_enterprises_leases_do_not(stopped, hq_staff, make_enterprise, community_unit):
    register(hq_staff, make_enterprise(), community_unit, number="OTHER")
    assert services.lease_closure_blockers(stopped) == []
    register(hq_staff, stopped, community_unit)
    [reason] = services.lease_closure_blockers(stopped)
    assert "1份租约“租赁中”" in reason
