"""HQ sees all the sites of its own programme, never another programme's."""

from __future__ import annotations

import datetime as dt

import pytest

from relocation.conftest import make_unit, make_user
from relocation.core.roles import Role
from relocation.organisation.models import Programme
from relocation.remediation.models import Site
from relocation.remediation.selectors import sites_for_user


@pytest.mark.django_db
def test_hq_of_another_programme_does_not_see_the_sites(client, site):
    other = Programme.objects.create(
        code="other", name="另一项目", zone_name="另一区域", city="另一市", deadline=dt.date(2023, 12, 31)
    )
    hq_unit = make_unit(other, "hq2", "另一指挥部", "hq", ())
    other_hq = make_user("other_hq", Role.HQ_STAFF, hq_unit)
    assert Site.objects.count() == 1
    assert not sites_for_user(other_hq).exists()
    client.force_login(other_hq)
    assert client.get(f"/remediation/sites/{site.pk}/").status_code == 404
    assert client.get(f"/api/remediation/sites/{site.pk}/").status_code == 404
