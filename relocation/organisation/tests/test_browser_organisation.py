"""On a phone: the organisation pages fit the screen and the liaison can be changed."""

from __future__ import annotations

import datetime as dt

import pytest

from relocation.conftest import browser_login
from relocation.organisation import services
from relocation.organisation.models import LiaisonAssignment, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_a_unit_leader_changes_the_liaison_on_a_phone(phone_page, unit_leader, hq_staff, units):
    humen = units["humen"]
    old = Person.objects.create(unit=humen, name="梁小燕")
    new = Person.objects.create(unit=humen, name="陈志")
    services.liaison_assign(actor=hq_staff, unit=humen, person=old, starts_on=dt.date(2021, 6, 1))
    page = phone_page
    browser_login(page, "humen_leader")
    page.goto(page.base_url + "/organisation/")
    assert page.evaluate(FITS)
    page.click(f"#units-table a[href='/organisation/units/{humen.pk}/']")
    assert page.evaluate(FITS)
    page.select_option("#id_person", str(new.pk))
    page.fill("#id_starts_on", "2021-10-01")
    page.click("button[name=assign_liaison]")
    page.wait_for_selector("#liaison-history li:has-text('陈志')")
    current = LiaisonAssignment.objects.get(unit=humen, ends_on__isnull=True)
    assert current.person == new
    assert "2021-09-30" in page.inner_text("#liaison-history")
