from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.conftest import make_user
from relocation.core.models import AuditEvent
from relocation.core.roles import Role


@pytest.fixture
def contact_account(db):
    return make_user("ye_boss", Role.ENTERPRISE_CONTACT, display_name="叶老板")


@pytest.mark.django_db
def test_hq_links_an_account_which_then_sees_only_its_enterprise(
    client, hq_staff, enterprise, make_enterprise, contact_account
):
    other = make_enterprise(name="东莞市别家电镀有限公司")
    client.force_login(hq_staff)
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "叶老板" in page  # offered in the section's account list
    response = client.post(reverse("enterprises:contact_link", args=[enterprise.pk]), {"user": contact_account.pk})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="enterprise.contact_linked", enterprise_id=enterprise.pk).exists()
    client.force_login(contact_account)
    listing = client.get(reverse("enterprises:list")).content.decode()
    assert enterprise.name in listing and other.name not in listing


@pytest.mark.django_db
def test_an_account_speaks_for_one_enterprise_only(client, hq_staff, enterprise, make_enterprise, contact_account):
    from relocation.enterprises import contacts

    contacts.contact_link(actor=hq_staff, enterprise=enterprise, user=contact_account)
    other = make_enterprise()
    client.force_login(hq_staff)
    # The account is no longer offered, so the form cannot pick it.
    response = client.post(reverse("enterprises:contact_link", args=[other.pk]), {"user": contact_account.pk})
    assert response.status_code == 404


@pytest.mark.django_db
def test_unit_staff_cannot_link_accounts(client, liaison, enterprise, contact_account):
    client.force_login(liaison)
    response = client.post(reverse("enterprises:contact_link", args=[enterprise.pk]), {"user": contact_account.pk})
    assert response.status_code == 403
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert 'id="contacts-section"' not in page
