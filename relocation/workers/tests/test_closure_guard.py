"""An enterprise's closure cannot be verified while wage arrears or deposits
are unresolved; paid or escalated cases do not block. Tested through the
lifecycle service itself (the guard is registered in WorkersConfig.ready)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relocation.core.errors import TransitionError
from relocation.enterprises import lifecycle
from relocation.enterprises.models import LifecycleStatus
from relocation.enterprises.tests.lifecycle_fixtures import put_in, satisfy_guards
from relocation.workers import services

pytestmark = pytest.mark.django_db
S = LifecycleStatus


@pytest.fixture
def stopped(enterprise, units, hq_staff):
    satisfy_guards(enterprise, units, hq_staff)
    return put_in(enterprise, S.PRODUCTION_STOPPED)


def test_unresolved_arrears_block_closure_verification(stopped, make_case, hq_staff):
    case = make_case(stopped, amounts=(Decimal("3000"), Decimal("1200")))
    with pytest.raises(TransitionError) as exc:
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=stopped, target=S.CLOSURE_VERIFIED, reason="核验")
    assert "工资拖欠" in exc.value.message and "4200" in exc.value.message
    stopped.refresh_from_db()
    assert stopped.status == S.PRODUCTION_STOPPED

    services.case_transition(actor=hq_staff, case=case, target="verified", reason="核实")
    services.payment_record(actor=hq_staff, case=case, amount="4200", paid_on=dt.date(2022, 5, 1))
    lifecycle.enterprise_transition(actor=hq_staff, enterprise=stopped, target=S.CLOSURE_VERIFIED, reason="核验")
    stopped.refresh_from_db()
    assert stopped.status == S.CLOSURE_VERIFIED


def test_an_escalated_case_does_not_block(stopped, make_case, hq_staff):
    case = make_case(stopped, kind="deposit_dispute")
    assert "押金纠纷" in services.arrears_closure_blockers(stopped)[0]
    services.case_transition(
        actor=hq_staff, case=case, target="escalated", reason="企业拒不退还", escalated_to="judiciary"
    )
    assert services.arrears_closure_blockers(stopped) == []
    lifecycle.enterprise_transition(actor=hq_staff, enterprise=stopped, target=S.CLOSURE_VERIFIED, reason="核验")


def test_other_enterprises_cases_do_not_block(stopped, make_enterprise, make_case, hq_staff):
    make_case(make_enterprise())
    lifecycle.enterprise_transition(actor=hq_staff, enterprise=stopped, target=S.CLOSURE_VERIFIED, reason="核验")
