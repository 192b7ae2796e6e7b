"""Account administration and the separation of the three admin roles."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from relocation.conftest import make_user
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.models import AuditEvent
from relocation.core.roles import Role
from relocation.core.tests.personas import enrol, make_security_admin, post_login, verified_login
from relocation.organisation import services
from relocation.organisation.models import User


@pytest.fixture
def security_admin(db):
    return make_security_admin()


def _lock(client, username):
    for _ in range(5):
        post_login(client, {"username": username, "password": "wrong"})


# --- services -------------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_an_account_and_audits_it(system_admin, units):
    user = services.user_create(
        actor=system_admin,
        username="new_liaison",
        password="Str0ng-pass",
        role=Role.UNIT_LIAISON,
        unit=units["water"],
        display_name="吕清",
        phone="13900001111",
    )
    assert user.check_password("Str0ng-pass") and user.unit == units["water"]
    event = AuditEvent.objects.get(action="account.created", object_id=str(user.pk))
    assert event.actor == system_admin
    assert "Str0ng-pass" not in str(event.changes)


@pytest.mark.django_db
def test_it_refuses_a_weak_password(system_admin):
    with pytest.raises(ServiceError):
        services.user_create(actor=system_admin, username="weak", password="password1", role=Role.HQ_STAFF)
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_it_requires_a_unit_for_unit_roles(system_admin):
    with pytest.raises(ServiceError):
        services.user_create(actor=system_admin, username="x1", password="Str0ng-pass", role=Role.INSPECTOR)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["hq_staff", "hq_commander", "auditor", "outsider"])
def test_only_the_system_admin_creates_accounts(request, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDeniedError):
        services.user_create(actor=actor, username="intruder", password="Str0ng-pass", role=Role.SYSTEM_ADMIN)


@pytest.mark.django_db
def test_the_security_admin_cannot_create_accounts(security_admin):
    with pytest.raises(PermissionDeniedError):
        services.user_create(actor=security_admin, username="x", password="Str0ng-pass", role=Role.AUDITOR)


@pytest.mark.django_db
def test_it_updates_an_account_with_field_level_audit(system_admin, liaison, units):
    services.user_update(actor=system_admin, user=liaison, role=Role.UNIT_LEADER, display_name="新名字")
    liaison.refresh_from_db()
    assert liaison.role == Role.UNIT_LEADER
    event = AuditEvent.objects.get(action="account.updated")
    assert event.changes["role"] == [Role.UNIT_LIAISON, Role.UNIT_LEADER]
    assert event.changes["display_name"] == ["humen_liaison", "新名字"]


@pytest.mark.django_db
def test_it_masks_the_phone_in_the_audit_log(system_admin, liaison):
    services.user_update(actor=system_admin, user=liaison, phone="13912345678")
    change = AuditEvent.objects.get(action="account.updated").changes["phone"]
    assert "13912345678" not in str(change)


@pytest.mark.django_db
def test_nobody_gives_themselves_a_role(system_admin):
    with pytest.raises(PermissionDeniedError):
        services.user_update(actor=system_admin, user=system_admin, role=Role.AUDITOR)
    system_admin.refresh_from_db()
    assert system_admin.role == Role.SYSTEM_ADMIN


@pytest.mark.django_db
def test_a_non_admin_cannot_change_their_own_role(hq_commander):
    with pytest.raises(PermissionDeniedError):
        services.user_update(actor=hq_commander, user=hq_commander, role=Role.SYSTEM_ADMIN)


@pytest.mark.django_db
def test_it_refuses_a_unit_role_without_a_unit(system_admin, auditor):
    with pytest.raises(ServiceError):
        services.user_update(actor=system_admin, user=auditor, role=Role.INSPECTOR)


@pytest.mark.django_db
def test_it_deactivates_and_reactivates(system_admin, liaison, client):
    services.user_deactivate(actor=system_admin, user=liaison)
    assert not User.objects.get(pk=liaison.pk).is_active
    assert post_login(client, {"username": "humen_liaison", "password": "Passw0rd!"}).status_code == 200
    services.user_reactivate(actor=system_admin, user=liaison)
    assert post_login(client, {"username": "humen_liaison", "password": "Passw0rd!"}).status_code == 302
    actions = list(AuditEvent.objects.filter(object_id=str(liaison.pk)).values_list("action", flat=True))
    assert "account.deactivated" in actions and "account.reactivated" in actions


@pytest.mark.django_db
def test_it_ends_the_session_of_a_deactivated_account(system_admin, liaison, client):
    client.force_login(liaison)
    assert client.get(reverse("inbox")).status_code == 200
    services.user_deactivate(actor=system_admin, user=liaison)
    assert client.get(reverse("inbox")).status_code == 302


@pytest.mark.django_db
def test_the_system_admin_cannot_deactivate_themselves(system_admin):
    with pytest.raises(PermissionDeniedError):
        services.user_deactivate(actor=system_admin, user=system_admin)


@pytest.mark.django_db
def test_it_resets_a_password_without_logging_it(system_admin, liaison):
    services.password_reset(actor=system_admin, user=liaison, new_password="N3w-secret")
    liaison.refresh_from_db()
    assert liaison.check_password("N3w-secret")
    event = AuditEvent.objects.get(action="account.password_reset")
    assert "N3w-secret" not in str(event.changes) + event.summary


@pytest.mark.django_db
def test_it_refuses_a_weak_new_password(system_admin, liaison):
    with pytest.raises(ServiceError):
        services.password_reset(actor=system_admin, user=liaison, new_password="short")


@pytest.mark.django_db
def test_the_security_admin_unlocks_a_locked_account(client, security_admin, hq_staff):
    _lock(client, "hq_staff")
    assert post_login(client, {"username": "hq_staff", "password": "Passw0rd!"}).status_code in {403, 429}
    services.account_unlock(actor=security_admin, user=hq_staff)
    assert not AccessAttempt.objects.filter(username="hq_staff").exists()
    assert post_login(client, {"username": "hq_staff", "password": "Passw0rd!"}).status_code == 302
    assert AuditEvent.objects.filter(action="security.account_unlocked", actor=security_admin).exists()


@pytest.mark.django_db
def test_the_system_admin_cannot_unlock(system_admin, hq_staff):
    with pytest.raises(PermissionDeniedError):
        services.account_unlock(actor=system_admin, user=hq_staff)


@pytest.mark.django_db
def test_the_security_admin_resets_a_second_factor(security_admin, system_admin):
    enrol(system_admin)
    assert services.second_factor_reset(actor=security_admin, user=system_admin) == 1
    assert not TOTPDevice.objects.filter(user=system_admin).exists()
    assert AuditEvent.objects.filter(action="security.second_factor_reset").exists()


@pytest.mark.django_db
def test_the_security_admin_cannot_reset_their_own_second_factor(security_admin):
    enrol(security_admin)
    with pytest.raises(PermissionDeniedError):
        services.second_factor_reset(actor=security_admin, user=security_admin)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["system_admin", "auditor", "hq_commander"])
def test_only_the_security_admin_resets_second_factors(request, persona, hq_staff):
    with pytest.raises(PermissionDeniedError):
        services.second_factor_reset(actor=request.getfixturevalue(persona), user=hq_staff)


# --- pages ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_menu_shows_account_admin_to_the_system_admin_only(client, system_admin, hq_commander):
    verified_login(client, system_admin)
    assert 'data-nav="accounts"' in client.get(reverse("home")).content.decode()
    client.force_login(hq_commander)
    assert 'data-nav="accounts"' not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_the_system_admin_lists_and_filters_accounts(client, system_admin, liaison, inspector):
    verified_login(client, system_admin)
    response = client.get(reverse("organisation:accounts"), {"role": Role.INSPECTOR})
    assert response.status_code == 200
    names = [a.username for a in response.context["page"]]
    assert names == ["inspector"]


@pytest.mark.django_db
def test_the_account_list_makes_a_constant_number_of_queries(client, system_admin, units):
    verified_login(client, system_admin)
    make_user("a1", Role.UNIT_LIAISON, units["water"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("organisation:accounts"))
    for i in range(10):
        make_user(f"b{i}", Role.UNIT_LIAISON, units["power" if i % 2 else "tax"])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("organisation:accounts"))
    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_system_admin_creates_an_account_in_the_browser_form(client, system_admin, units):
    verified_login(client, system_admin)
    response = client.post(
        reverse("organisation:account_create"),
        {
            "username": "water_liaison",
            "password": "Str0ng-pass",
            "role": Role.UNIT_LIAISON,
            "unit": units["water"].pk,
            "display_name": "吕清",
            "email": "lv@example.gov.cn",
            "phone": "13900001111",
        },
    )
    user = User.objects.get(username="water_liaison")
    assert response.status_code == 302 and response["Location"] == reverse("organisation:account", args=[user.pk])
    assert user.phone == "13900001111"


@pytest.mark.django_db
def test_the_create_form_names_the_bad_field(client, system_admin):
    verified_login(client, system_admin)
    response = client.post(
        reverse("organisation:account_create"),
        {"username": "weak", "password": "abc", "role": Role.HQ_STAFF, "phone": "123"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "11 位手机号码" in body
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_the_system_admin_edits_resets_and_deactivates(client, system_admin, liaison, units):
    verified_login(client, system_admin)
    url = reverse("organisation:account", args=[liaison.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"role": Role.UNIT_LEADER, "unit": units["humen"].pk, "display_name": "梁小燕", "email": "", "phone": ""}
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.role == Role.UNIT_LEADER and liaison.display_name == "梁小燕"
    client.post(
        reverse("organisation:account_password", args=[liaison.pk]),
        {"new_password": "N3w-secret", "confirm": "N3w-secret"},
    )
    liaison.refresh_from_db()
    assert liaison.check_password("N3w-secret")
    client.post(reverse("organisation:account_active", args=[liaison.pk]), {"active": "0"})
    liaison.refresh_from_db()
    assert not liaison.is_active


@pytest.mark.django_db
def test_the_system_admin_cannot_change_their_own_role_in_the_form(client, system_admin):
    verified_login(client, system_admin)
    response = client.post(
        reverse("organisation:account", args=[system_admin.pk]),
        {"role": Role.AUDITOR, "display_name": "x", "email": "", "phone": ""},
    )
    assert response.status_code == 200 and "不能修改自己的角色" in response.content.decode()
    system_admin.refresh_from_db()
    assert system_admin.role == Role.SYSTEM_ADMIN


ACCOUNT_VIEWS = [
    ("get", "organisation:accounts", False),
    ("get", "organisation:account_create", False),
    ("get", "organisation:account", True),
    ("post", "organisation:account_password", True),
    ("post", "organisation:account_active", True),
]
SECURITY_VIEWS = [
    ("get", "organisation:security", False),
    ("post", "organisation:security_unlock", True),
    ("post", "organisation:security_2fa_reset", True),
]


@pytest.mark.django_db
@pytest.mark.parametrize("method,name,with_pk", ACCOUNT_VIEWS)
@pytest.mark.parametrize("persona", ["outsider", "hq_commander", "auditor", "security_admin"])
def test_account_pages_refuse_everyone_but_the_system_admin(request, client, persona, method, name, with_pk, liaison):
    user = request.getfixturevalue(persona)
    verified_login(client, user)
    url = reverse(name, args=[liaison.pk] if with_pk else [])
    response = getattr(client, method)(url)
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("method,name,with_pk", SECURITY_VIEWS)
@pytest.mark.parametrize("persona", ["outsider", "hq_commander", "auditor", "system_admin"])
def test_security_pages_refuse_everyone_but_the_security_admin(
    request, client, persona, method, name, with_pk, liaison
):
    verified_login(client, request.getfixturevalue(persona))
    url = reverse(name, args=[liaison.pk] if with_pk else [])
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.django_db
def test_the_security_page_shows_locks_and_second_factors(client, security_admin, hq_staff, system_admin):
    _lock(client, "hq_staff")
    enrol(system_admin)
    verified_login(client, security_admin)
    response = client.get(reverse("organisation:security"))
    rows = {r["account"].username: r for r in response.context["rows"]}
    assert rows["hq_staff"]["locked"] and not rows["sysadmin"]["locked"]
    assert rows["sysadmin"]["enrolled"] and not rows["hq_staff"]["enrolled"]
    client.post(reverse("organisation:security_unlock", args=[hq_staff.pk]))
    client.post(reverse("organisation:security_2fa_reset", args=[system_admin.pk]))
    assert not AccessAttempt.objects.filter(username="hq_staff").exists()
    assert not TOTPDevice.objects.filter(user=system_admin).exists()


@pytest.mark.django_db
def test_the_security_page_makes_a_constant_number_of_queries(client, security_admin, units):
    verified_login(client, security_admin)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("organisation:security"))
    for i in range(8):
        enrol(make_user(f"c{i}", Role.UNIT_LIAISON, units["tax"]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("organisation:security"))
    assert len(many) == len(few)


# --- API ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_lets_the_system_admin_manage_accounts(client, system_admin, units):
    verified_login(client, system_admin)
    created = client.post(
        "/api/organisation/accounts/",
        {"username": "api_user", "password": "Str0ng-pass", "role": Role.HQ_STAFF, "unit": units["hq"].pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert "password" not in created.json()
    patched = client.patch(
        f"/api/organisation/accounts/{pk}/", {"display_name": "接口用户"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["display_name"] == "接口用户"
    assert client.post(f"/api/organisation/accounts/{pk}/deactivate/").json()["is_active"] is False
    reset = client.post(
        f"/api/organisation/accounts/{pk}/reset_password/", {"new_password": "weak"}, content_type="application/json"
    )
    assert reset.status_code == 400
    assert client.post(f"/api/organisation/accounts/{pk}/unlock/").status_code == 403
    own = client.patch(
        f"/api/organisation/accounts/{system_admin.pk}/", {"role": Role.AUDITOR}, content_type="application/json"
    )
    assert own.status_code == 403


@pytest.mark.django_db
def test_the_api_lets_the_security_admin_unlock_but_not_edit(client, security_admin, hq_staff):
    verified_login(client, security_admin)
    assert client.post(f"/api/organisation/accounts/{hq_staff.pk}/unlock/").status_code == 200
    assert client.post(f"/api/organisation/accounts/{hq_staff.pk}/reset_second_factor/").status_code == 200
    edit = client.patch(
        f"/api/organisation/accounts/{hq_staff.pk}/", {"role": "auditor"}, content_type="application/json"
    )
    assert edit.status_code == 403
    assert client.post(f"/api/organisation/accounts/{hq_staff.pk}/deactivate/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "hq_commander", "auditor"])
def test_the_accounts_api_refuses_others(request, client, persona):
    verified_login(client, request.getfixturevalue(persona))
    assert client.get("/api/organisation/accounts/").status_code == 403


# --- own password -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_user_changes_their_own_password_and_other_sessions_end(client, liaison):
    from django.test import Client

    other = Client()
    other.force_login(liaison)
    client.force_login(liaison)
    response = client.post(
        reverse("organisation:password_change"),
        {"old_password": "Passw0rd!", "new_password": "N3w-secret", "confirm": "N3w-secret"},
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.check_password("N3w-secret")
    assert client.get(reverse("inbox")).status_code == 200  # this session stays
    assert other.get(reverse("inbox")).status_code == 302  # the other one ends
    assert AuditEvent.objects.filter(action="account.password_changed", actor=liaison).exists()


@pytest.mark.django_db
def test_the_old_password_must_be_right(client, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("organisation:password_change"),
        {"old_password": "wrong", "new_password": "N3w-secret", "confirm": "N3w-secret"},
    )
    assert response.status_code == 200 and "原密码不正确" in response.content.decode()
    liaison.refresh_from_db()
    assert liaison.check_password("Passw0rd!")


@pytest.mark.django_db
def test_the_current_password_check_pauses_after_five_wrong_answers(client, liaison):
    """A signed-in session is not an unlimited password oracle (the probe found no throttle)."""
    from relocation.organisation import password_checks

    password_checks.clear(liaison)
    client.force_login(liaison)
    url = reverse("organisation:password_change")
    try:
        for _ in range(password_checks.LIMIT):
            body = client.post(url, {"old_password": "wrong", "new_password": "N3w-secret", "confirm": "N3w-secret"})
            assert "原密码不正确" in body.content.decode()
        # Now even the right password is refused, with the reason, and nothing changes.
        right = {"old_password": "Passw0rd!", "new_password": "N3w-secret", "confirm": "N3w-secret"}
        response = client.post(url, right)
        assert response.status_code == 200 and "错误次数过多" in response.content.decode()
        liaison.refresh_from_db()
        assert liaison.check_password("Passw0rd!")
        password_checks.clear(liaison)  # the pause over, the right password works
        assert client.post(url, right).status_code == 302
    finally:
        password_checks.clear(liaison)


@pytest.mark.django_db
def test_a_password_reset_ends_the_owners_sessions(client, system_admin, liaison):
    client.force_login(liaison)
    services.password_reset(actor=system_admin, user=liaison, new_password="N3w-secret")
    assert client.get(reverse("inbox")).status_code == 302


@pytest.mark.django_db
def test_the_security_page_filters_locked_accounts(client, security_admin, hq_staff, liaison):
    _lock(client, "hq_staff")
    verified_login(client, security_admin)
    rows = client.get(reverse("organisation:security"), {"locked": "1"}).context["rows"]
    assert [r["account"].username for r in rows] == ["hq_staff"]


@pytest.mark.django_db
def test_the_unit_picker_lists_the_units_of_the_programme_the_admin_works_in(client, system_admin, units):
    import datetime as dt

    from relocation.conftest import make_unit
    from relocation.organisation.models import Programme
    from relocation.organisation.selectors import CHOSEN_PROGRAMME_SESSION_KEY

    other = Programme.objects.create(
        code="other", name="另一项目", zone_name="另一区域", city="另一市", deadline=dt.date(2023, 12, 31)
    )
    make_unit(other, "t2", "另一街道办事处", "town", ("territorial_town",))
    verified_login(client, system_admin)
    page = client.get(reverse("organisation:account_create")).content.decode()
    assert units["humen"].name in page and "另一街道办事处" not in page
    session = client.session
    session[CHOSEN_PROGRAMME_SESSION_KEY] = other.pk
    session.save()
    page = client.get(reverse("organisation:account_create")).content.decode()
    assert "另一街道办事处" in page and units["humen"].name not in page
