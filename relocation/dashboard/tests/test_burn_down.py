"""The burn-down's actual line counts the same enterprises as its plan line."""

from __future__ import annotations

import datetime as dt

import pytest

from relocation.dashboard.figures import burn_down

START = dt.date(2021, 6, 1)


def test_an_enterprise_entered_late_counts_as_remaining_from_the_start():
    # 9 entered in the first week, 71 more in week 10; 5 done in week 12.
    result = burn_down(
        start=START,
        end=dt.date(2021, 9, 30),
        until=dt.date(2021, 9, 1),
        created={START: 9, START + dt.timedelta(weeks=10): 71},
        done={START + dt.timedelta(weeks=12): 5},
        due={dt.date(2021, 9, 30): 80},
    )
    actual = [n for n in result["actual"] if n is not None]
    assert actual[0] == 80 and result["plan"][0] == 80
    assert actual[-1] == 75
    assert all(a >= b for a, b in zip(actual, actual[1:], strict=False)), "remaining never grows"
    assert result["actual"][-1] is None  # no actual figure past `until`


@pytest.mark.django_db
def test_the_actual_line_ends_on_the_enterprises_still_open(client, hq_staff, make_enterprise):
    """Imported at a finished stage (no move recorded), corrected between two
    finished stages, reopened: the last actual point is what is open today."""
    from django.urls import reverse
    from django.utils import timezone

    from relocation.enterprises.lifecycle_models import StatusChange

    make_enterprise(status="closed")  # entered as closed: no history
    corrected = make_enterprise(status="relocated")
    now = timezone.now()
    StatusChange.objects.create(enterprise=corrected, from_status="closure_verified", to_status="closed", at=now)
    StatusChange.objects.create(enterprise=corrected, from_status="closed", to_status="relocated", at=now)
    reopened = make_enterprise(status="production_stopped")
    StatusChange.objects.create(enterprise=reopened, from_status="closure_verified", to_status="closed", at=now)
    StatusChange.objects.create(enterprise=reopened, from_status="closed", to_status="production_stopped", at=now)
    make_enterprise()
    client.force_login(hq_staff)
    data = client.get(reverse("dashboard:data")).json()
    actual = [n for n in data["burn_down"]["actual"] if n is not None]
    assert data["forecast"]["remaining"] == 2
    assert actual[-1] == 2
