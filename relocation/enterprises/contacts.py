"""Which enterprise an enterprise-contact account speaks for.

The system admin creates the account (role 企业联系人); HQ links it to its
enterprise here. A linked account sees that enterprise and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import Role, is_hq_editor
from relocation.enterprises.models import Enterprise, EnterpriseContact
from relocation.organisation.models import User


def unlinked_contact_accounts() -> QuerySet[User]:
    return User.objects.filter(role=Role.ENTERPRISE_CONTACT, is_active=True, enterprise_link__isnull=True).order_by(
        "username"
    )


def contacts_of(enterprise: Enterprise) -> QuerySet[EnterpriseContact]:
    return enterprise.contacts.select_related("user")


def contact_link(*, actor: Any, enterprise: Enterprise, user: User) -> EnterpriseContact:
    """Link an enterprise-contact account to one enterprise (an account speaks
    for one enterprise only)."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以关联企业账户。"))
    if user.role != Role.ENTERPRISE_CONTACT:
        raise ServiceError(_("只有“企业联系人”角色的账户可以关联企业。"))
    try:
        with transaction.atomic():
            link = EnterpriseContact.objects.create(user=user, enterprise=enterprise)
            audit.record(
                actor=actor,
                action="enterprise.contact_linked",
                obj=link,
                enterprise_id=enterprise.pk,
                summary=_("关联企业账户：%(user)s") % {"user": user.get_username()},
            )
    except IntegrityError as exc:
        raise ServiceError(_("该账户已关联其他企业。")) from exc
    return link


def contact_unlink(*, actor: Any, link: EnterpriseContact) -> None:
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以解除企业账户关联。"))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="enterprise.contact_unlinked",
            obj=link,
            enterprise_id=link.enterprise_id,
            summary=_("解除企业账户关联：%(user)s") % {"user": link.user.get_username()},
        )
        link.delete()
