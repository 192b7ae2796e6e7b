"""A refused liability decision names the programme's own environment unit,
found by function and named from the programme file, in Chinese and in
English (never one city's "ecology-environment bureau")."""

from __future__ import annotations

import pytest
from django.utils import translation

from relocation.conftest import make_user
from relocation.core.errors import PermissionDeniedError
from relocation.core.roles import Role
from relocation.organisation.tests.second_programme import enterprise_in, load_second_programme
from relocation.remediation import services
from relocation.remediation.tests.conftest import vacated

pytestmark = pytest.mark.django_db


@pytest.fixture
def jianghai_site(values):
    programme, units = load_second_programme()
    hq = make_user("jh_hq", Role.HQ_STAFF, units["zb"])
    enterprise = vacated(enterprise_in(programme, units["lgjd"], 1))
    site = services.site_create(actor=hq, enterprise=enterprise, code="LG-001", name="临港测试地块")
    return units, site


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_refusal_names_the_programmes_environment_unit(jianghai_site, language):
    units, site = jianghai_site
    town = make_user("jh_town", Role.UNIT_LIAISON, units["lgjd"])
    with translation.override(language), pytest.raises(PermissionDeniedError) as refused:
        services.liability_determine(actor=town, site=site, basis="polluter", enterprise=site.enterprise)
    assert units["sthj"].name in refused.value.message
    assert "bureau" not in refused.value.message and "生态环境部门" not in refused.value.message
    if language == "en":
        assert refused.value.message.startswith("Only HQ or ")


def test_the_environment_unit_itself_may_decide(jianghai_site):
    units, site = jianghai_site
    officer = make_user("jh_env", Role.INSPECTOR, units["sthj"])
    liability = services.liability_determine(actor=officer, site=site, basis="polluter", enterprise=site.enterprise)
    assert liability.site == site
