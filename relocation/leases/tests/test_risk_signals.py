"""An open lease dispute and a deposit not refunded by the notice's date
reach the stability risk register through core.risk_signals, without the
stability app importing leases."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from relocation.core import risk_signals
from relocation.leases import services
from relocation.leases.tests.conftest import issue, refund

pytestmark = pytest.mark.django_db


def _signals(programme, enterprise):
    return risk_signals.collect(programme.pk, [enterprise.pk]).get(enterprise.pk, [])


def test_an_open_dispute_signals_high_until_resolved(programme, enterprise, lease, hq_staff):
    services.dispute_open(actor=hq_staff, lease=lease, description="村小组阻止企业搬运设备")
    [signal] = _signals(programme, enterprise)
    assert (signal.factor, signal.level, signal.source) == ("lease_dispute", "high", "leases")
    assert "1宗" in signal.detail
    services.dispute_resolve(actor=hq_staff, lease=lease, resolution="调解和解")
    assert _signals(programme, enterprise) == []


def test_a_deposit_past_its_refund_date_signals_medium_until_refunded(programme, enterprise, lease, hq_staff):
    issue(hq_staff, lease, issued_on=dt.date(2022, 3, 1), refund_days=30)
    with time_machine.travel(dt.datetime(2022, 3, 31, 12, tzinfo=dt.UTC), tick=False):
        assert _signals(programme, enterprise) == []
    with time_machine.travel(dt.datetime(2022, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        [signal] = _signals(programme, enterprise)
        assert (signal.factor, signal.level) == ("deposit_refund_overdue", "medium")
        assert "72000" in signal.detail
        refund(hq_staff, lease)
        assert _signals(programme, enterprise) == []


def test_every_enterprise_of_the_programme_is_answered_in_one_query(
    programme, make_enterprise, community_unit, hq_staff, django_assert_max_num_queries
):
    from relocation.leases.risk_signals import lease_signals
    from relocation.leases.tests.conftest import register

    for n in range(5):
        lease = register(hq_staff, make_enterprise(), community_unit, number=f"R-{n}")
        services.dispute_open(actor=hq_staff, lease=lease, description="纠纷")
    with django_assert_max_num_queries(1):
        signals = lease_signals(programme.pk, None)
    assert len(signals) == 5


def test_the_register_shows_the_lease_dispute(client, programme, units, enterprise, lease, hq_staff):
    from django.urls import reverse

    from relocation.stability import services as stability

    stability.risk_assess(
        actor=hq_staff,
        enterprise=enterprise,
        level="low",
        responsible_unit=units["humen"],
        review_on=dt.date.today() + dt.timedelta(days=7),
    )
    services.dispute_open(actor=hq_staff, lease=lease, description="纠纷")
    client.force_login(hq_staff)
    page = client.get(reverse("stability:risks")).content.decode()
    assert 'data-signal="lease_dispute"' in page and 'data-level="high"' in page
