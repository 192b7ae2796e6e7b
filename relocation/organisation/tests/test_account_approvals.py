"""Two-person approval of HQ and admin accounts: the system admin alone can no
longer create or elevate an HQ commander, HQ staff or admin account; the
security admin approves it (never one's own request), by page and API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.models import AuditEvent, Notification
from relocation.core.roles import Role
from relocation.core.tests.personas import make_security_admin, verified_login
from relocation.organisation import approvals, services
from relocation.organisation.models import AccountApproval, User

PASSWORD = "Str0ng-pass-2022"


@pytest.fixture
def security_admin(db):
    return make_security_admin()


@pytest.mark.django_db
def test_an_hq_commander_created_by_the_system_admin_waits_for_the_security_admin(system_admin, security_admin):
    user = services.user_create(actor=system_admin, username="boss", password=PASSWORD, role=Role.HQ_COMMANDER)
    assert user.is_active is False  # cannot log in yet
    approval = AccountApproval.objects.get(user=user)
    assert (approval.kind, approval.role, approval.status, approval.requested_by) == (
        "create",
        Role.HQ_COMMANDER,
        "pending",
        system_admin,
    )
    assert Notification.objects.filter(recipient=security_admin, verb="account.approval_requested").exists()

    with pytest.raises(PermissionDeniedError):
        approvals.approval_decide(actor=system_admin, approval=approval, approve=True)
    with pytest.raises(PermissionDeniedError):  # the system admin cannot switch it on around the approval
        services.user_reactivate(actor=system_admin, user=user)

    approvals.approval_decide(actor=security_admin, approval=approval, approve=True, reason="经领导批准")
    user.refresh_from_db()
    assert user.is_active is True and user.role == Role.HQ_COMMANDER
    actions = list(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert {"account.created", "account.approval_requested", "account.approval_granted"} <= set(actions)


@pytest.mark.django_db
def test_an_elevation_keeps_the_old_role_until_approved_and_a_rejection_needs_a_reason(
    system_admin, security_admin, units
):
    liaison = services.user_create(
        actor=system_admin, username="liaison9", password=PASSWORD, role=Role.UNIT_LIAISON, unit=units["humen"]
    )
    assert liaison.is_active  # not an elevated role: at once
    services.user_update(actor=system_admin, user=liaison, role=Role.HQ_STAFF, unit=None, display_name="新名字")
    liaison.refresh_from_db()
    assert (liaison.role, liaison.display_name) == (Role.UNIT_LIAISON, "新名字")
    approval = AccountApproval.objects.get(user=liaison, status="pending")
    assert (approval.kind, approval.previous_role, approval.role) == ("elevate", Role.UNIT_LIAISON, Role.HQ_STAFF)

    with pytest.raises(ServiceError):  # a second request while one is pending
        services.user_update(actor=system_admin, user=liaison, role=Role.SYSTEM_ADMIN, unit=None)
    with pytest.raises(ServiceError, match="理由"):
        approvals.approval_decide(actor=security_admin, approval=approval, approve=False)
    approvals.approval_decide(actor=security_admin, approval=approval, approve=False, reason="不符合三员分立")
    liaison.refresh_from_db()
    assert liaison.role == Role.UNIT_LIAISON
    with pytest.raises(ServiceError):  # decided once
        approvals.approval_decide(actor=security_admin, approval=approval, approve=True)


@pytest.mark.django_db
def test_the_set_up_command_is_not_asked(db):
    """The first admin of an installation is made by the command (actor None)."""
    user = services.user_create(actor=None, username="first", password=PASSWORD, role=Role.SYSTEM_ADMIN)
    assert user.is_active and not AccountApproval.objects.exists()


@pytest.mark.django_db
def test_the_security_admin_approves_on_the_page(client, system_admin, security_admin):
    user = services.user_create(actor=system_admin, username="staff9", password=PASSWORD, role=Role.HQ_STAFF)
    approval = AccountApproval.objects.get(user=user)
    verified_login(client, security_admin)
    page = client.get(reverse("organisation:approvals")).content.decode()
    assert "staff9" in page and "批准" in page
    response = client.post(reverse("organisation:approval_decide", args=[approval.pk]), {"decision": "approve"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.django_db
def test_the_system_admin_sees_the_request_but_cannot_decide_by_api(client, system_admin, security_admin):
    user = services.user_create(actor=system_admin, username="audit9", password=PASSWORD, role=Role.AUDITOR)
    approval = AccountApproval.objects.get(user=user)
    verified_login(client, system_admin)
    listed = client.get("/api/organisation/account-approvals/?status=pending").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["username"] for r in rows] == ["audit9"]
    assert client.post(f"/api/organisation/account-approvals/{approval.pk}/approve/").status_code == 403
    client.logout()
    verified_login(client, security_admin)
    refused = client.post(
        f"/api/organisation/account-approvals/{approval.pk}/reject/", {}, content_type="application/json"
    )
    assert refused.status_code == 400  # a rejection needs a reason
    done = client.post(
        f"/api/organisation/account-approvals/{approval.pk}/reject/",
        {"reason": "审计员已有人选"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    assert User.objects.get(pk=user.pk).is_active is False


@pytest.mark.django_db
def test_others_cannot_see_the_approvals(client, hq_staff):
    client.force_login(hq_staff)
    assert client.get(reverse("organisation:approvals")).status_code == 403
    assert client.get("/api/organisation/account-approvals/").status_code == 403
