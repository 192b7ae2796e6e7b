"""`manage.py create_admin`: the first system administrator of an installation."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from relocation.core.models import AuditEvent
from relocation.core.roles import Role
from relocation.organisation.models import User


@pytest.mark.django_db
def test_it_creates_the_first_system_admin(capsys):
    call_command("create_admin", "admin", "--password", "S3cure-pass")
    user = User.objects.get(username="admin")
    assert user.role == Role.SYSTEM_ADMIN and user.unit is None
    assert user.check_password("S3cure-pass")
    assert not user.is_superuser and not user.is_staff
    assert AuditEvent.objects.filter(action="account.created", object_id=str(user.pk)).exists()
    assert "admin" in capsys.readouterr().out


@pytest.mark.django_db
def test_it_prompts_for_the_password_twice():
    with mock.patch("getpass.getpass", side_effect=["S3cure-pass", "S3cure-pass"]):
        call_command("create_admin", "admin")
    assert User.objects.get(username="admin").check_password("S3cure-pass")


@pytest.mark.django_db
def test_it_refuses_two_different_passwords():
    with mock.patch("getpass.getpass", side_effect=["S3cure-pass", "Other-pass1"]), pytest.raises(CommandError):
        call_command("create_admin", "admin")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_applies_the_password_policy():
    with pytest.raises(CommandError, match="密码"):
        call_command("create_admin", "admin", "--password", "weakpass")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_existing_name_and_a_second_admin_without_force():
    call_command("create_admin", "admin", "--password", "S3cure-pass")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_admin", "admin", "--password", "S3cure-pass")
    with pytest.raises(CommandError, match="--force"):
        call_command("create_admin", "admin2", "--password", "S3cure-pass")
    call_command("create_admin", "admin2", "--password", "S3cure-pass", "--force")
    assert User.objects.filter(role=Role.SYSTEM_ADMIN).count() == 2
