from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.core.models import AuditEvent
from relocation.core.tests.personas import post_login


@pytest.mark.django_db
def test_it_gives_the_same_message_for_unknown_user_and_wrong_password(client, hq_staff):
    wrong = post_login(client, {"username": "hq_staff", "password": "nope"})
    unknown = post_login(client, {"username": "nobody", "password": "nope"})
    assert "用户名或密码错误" in wrong.content.decode()
    assert "用户名或密码错误" in unknown.content.decode()


@pytest.mark.django_db
def test_it_logs_in(client, hq_staff):
    response = post_login(client, {"username": "hq_staff", "password": "Passw0rd!"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_locks_the_account_after_five_failures(client, hq_staff):
    for _ in range(5):
        post_login(client, {"username": "hq_staff", "password": "wrong"})
    # Even the right password is refused while locked.
    response = post_login(client, {"username": "hq_staff", "password": "Passw0rd!"})
    assert response.status_code in {403, 429}
    assert "账户已临时锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="security.account_locked").exists()


@pytest.mark.django_db
def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "queue": "ok"}


@pytest.mark.django_db
def test_admins_must_pass_the_second_factor(client, system_admin):
    client.force_login(system_admin)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("otp_verify")


def test_passwords_need_three_character_classes():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("alllowercase1")
    validate_password("Mixed-case1")
