"""Two-person approval of HQ and admin accounts (三员分立).

The system admin creates accounts, but an HQ commander, HQ staff or admin
account — the ones that see the whole programme or hold the installation's
keys — takes effect only when the security admin approves it: a new one stays
inactive, an elevated one keeps its old role until then. Nobody decides on a
request they made. The set-up and demo commands (actor None) bootstrap an
installation and are not asked.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, notifications
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import ELEVATED_ROLES, Role, is_security_admin, is_system_admin
from relocation.organisation.models import AccountApproval, Unit, User

Status = AccountApproval.Status


def needs_approval(actor: Any, role: str) -> bool:
    return actor is not None and role in ELEVATED_ROLES


def refuse_while_pending(user: User) -> None:
    """An account waiting for approval is not switched on by other means."""
    if AccountApproval.objects.filter(user=user, status=Status.PENDING, kind=AccountApproval.Kind.CREATE).exists():
        raise PermissionDeniedError(_("该账户正在等待安全管理员审批，批准后自动启用。"))


def approval_request(*, actor: Any, user: User, kind: str, role: str, unit: Unit | None) -> AccountApproval:
    """Record the request (inside the caller's transaction) and tell the security admins."""
    if AccountApproval.objects.filter(user=user, status=Status.PENDING).exists():
        raise ServiceError(_("该账户已有待审批的申请，请等待安全管理员审批。"))
    approval = AccountApproval.objects.create(
        user=user,
        kind=kind,
        role=role,
        previous_role=user.role if kind == AccountApproval.Kind.ELEVATE else "",
        unit=unit,
        requested_by=actor,
    )
    audit.record(
        actor=actor,
        action="account.approval_requested",
        obj=user,
        changes={"role": [approval.previous_role or None, role]},
        summary=_("申请%(kind)s %(u)s（%(role)s），待安全管理员审批")
        % {"kind": approval.get_kind_display(), "u": user.username, "role": approval.get_role_display()},
    )
    notifications.notify(
        recipients=User.objects.filter(role=Role.SECURITY_ADMIN, is_active=True).exclude(pk=getattr(actor, "pk", None)),
        verb="account.approval_requested",
        title=_("账户待审批：%(u)s（%(role)s）") % {"u": user.username, "role": approval.get_role_display()},
        url=reverse("organisation:approvals"),
    )
    return approval


def pending_approvals(actor: Any) -> QuerySet[AccountApproval]:
    """What the security admin has to decide (the system admin sees them too, read-only)."""
    if not (is_security_admin(actor) or is_system_admin(actor)):
        return AccountApproval.objects.none()
    return AccountApproval.objects.select_related("user", "unit", "requested_by", "decided_by")


def approval_decide(*, actor: Any, approval: AccountApproval, approve: bool, reason: str = "") -> AccountApproval:
    """The security admin approves (the account takes effect) or rejects (a reason
    is required; a new account stays inactive, an elevated one keeps its role)."""
    if not is_security_admin(actor):
        raise PermissionDeniedError(_("只有安全管理员可以审批账户。"))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ServiceError(_("驳回须填写理由。"))
    with transaction.atomic():
        approval = AccountApproval.objects.select_for_update().get(pk=approval.pk)
        if approval.status != Status.PENDING:
            raise ServiceError(_("该申请已审批。"))
        if approval.requested_by_id == actor.pk:
            raise PermissionDeniedError(_("不能审批自己提出的申请。"))
        if approval.user_id == actor.pk:
            raise PermissionDeniedError(_("不能审批自己的账户。"))
        user = User.objects.select_for_update().get(pk=approval.user_id)
        approval.status = Status.APPROVED if approve else Status.REJECTED
        approval.decided_by = actor
        approval.decided_at = timezone.now()
        approval.reason = reason
        approval.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
        if approve:
            if approval.kind == AccountApproval.Kind.CREATE:
                user.is_active = True
                user.save(update_fields=["is_active"])
            else:
                user.role, user.unit = approval.role, approval.unit
                user.save(update_fields=["role", "unit"])
        audit.record(
            actor=actor,
            action="account.approval_granted" if approve else "account.approval_refused",
            obj=user,
            changes={"role": [approval.previous_role or None, approval.role]} if approve else {},
            summary=(_("批准%(kind)s %(u)s（%(role)s）") if approve else _("驳回%(kind)s %(u)s（%(role)s）"))
            % {"kind": approval.get_kind_display(), "u": user.username, "role": approval.get_role_display()},
        )
        if approval.requested_by is not None:
            notifications.notify(
                recipients=[approval.requested_by],
                verb="account.approval_decided",
                title=(_("账户申请已批准：%(u)s") if approve else _("账户申请被驳回：%(u)s")) % {"u": user.username},
                body=reason,
                url=reverse("organisation:account", args=[user.pk]),
            )
    return approval
