"""Scope: HQ, the bureau and auditors see every site; a town its own; an
enterprise its plot and the plots it is liable for; others nothing."""

from __future__ import annotations

import pytest

from relocation.remediation import selectors, services

pytestmark = pytest.mark.django_db


def _codes(user):
    return set(selectors.sites_for_user(user).values_list("code", flat=True))


def test_hq_the_bureau_and_auditors_see_every_site(site, other_site, hq_staff, group_leader, inspector, auditor):
    for user in (hq_staff, group_leader, inspector, auditor):
        assert _codes(user) == {"HM-001", "BH-001"}, user


def test_a_town_sees_its_own_sites(site, other_site, liaison, unit_leader):
    assert _codes(liaison) == {"HM-001"}
    assert _codes(unit_leader) == {"HM-001"}


def test_an_enterprise_sees_its_plot_and_those_it_is_liable_for(site, other_site, enterprise_contact, inspector):
    assert _codes(enterprise_contact) == {"HM-001"}
    services.liability_determine(actor=inspector, site=other_site, basis="polluter", enterprise=site.enterprise)
    assert _codes(enterprise_contact) == {"HM-001", "BH-001"}


def test_outsiders_and_admins_see_nothing(site, outsider, system_admin):
    assert _codes(outsider) == set()
    assert _codes(system_admin) == set()
