"""The demo part: every state shown, and a second run changes nothing."""

from __future__ import annotations

import io

import pytest

from relocation.conftest import make_user
from relocation.core.models import AuditEvent
from relocation.core.roles import Role
from relocation.stability import demo, selectors
from relocation.stability.models import EmergencyPlan, Incident, OpinionEvent, RiskAssessment

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_state_and_seeds_once(stability_units, make_enterprise):
    hq = make_user("hq", Role.HQ_STAFF, stability_units["hq"])
    make_enterprise(capital_background="hong_kong")
    for _ in range(9):
        make_enterprise()
    demo.seed(scale="demo", out=io.StringIO())
    assert RiskAssessment.objects.count() == 10
    assert RiskAssessment.objects.filter(level="high").exists()
    assert set(Incident.objects.values_list("status", flat=True)) == {"reported", "responding", "resolved", "escalated"}
    assert set(OpinionEvent.objects.values_list("status", flat=True)) == {
        "detected",
        "verifying",
        "responding",
        "closed",
    }
    plan = EmergencyPlan.objects.get()
    assert selectors.current_version(plan).number == 1 and plan.drills.count() == 1
    events = AuditEvent.objects.count()
    demo.seed(scale="demo", out=io.StringIO())
    assert AuditEvent.objects.count() == events
    assert hq.is_active
