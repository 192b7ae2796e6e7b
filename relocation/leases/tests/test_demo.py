"""The demo part: a lease at every point of its ending, the stage following
the tenant's (a verified closure has its lease cleared or closed), the
community's login, and a second run that changes nothing."""

from __future__ import annotations

import io

import pytest

from relocation.conftest import make_user
from relocation.core import guards
from relocation.core.models import AuditEvent
from relocation.core.roles import Role
from relocation.enterprises.models import Enterprise
from relocation.leases import demo
from relocation.leases.models import Lease

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_stage_and_seeds_once(programme, units, community_unit, make_enterprise, liaison):
    type(programme).objects.filter(pk=programme.pk).update(code="humen-zone-b")
    make_user("hq", Role.HQ_STAFF, units["hq"])
    for status in ["closure_verified", "closed", "relocated", "production_stopped", "production_stopped"] + [
        "surveyed"
    ] * 3:
        make_enterprise(status=status)
    demo.seed(scale="demo", out=io.StringIO())
    assert set(Lease.objects.values_list("status", flat=True)) == {
        "active",
        "notice_issued",
        "deposit_refunded",
        "cleared",
        "closed",
    }
    assert Lease.objects.filter(disputes__resolved_on__isnull=True, disputes__isnull=False).count() == 1
    assert Lease.objects.filter(refund__withheld_reason__gt="").count() == 1
    for enterprise in Enterprise.objects.filter(status__in=["closure_verified", "closed", "relocated"]):
        assert guards.closure_blockers(enterprise) == []
    assert Lease.objects.get(number="ZB-001").clearance_checks.count() == 0
    events = AuditEvent.objects.count()
    demo.seed(scale="demo", out=io.StringIO())
    assert AuditEvent.objects.count() == events
