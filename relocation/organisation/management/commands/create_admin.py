"""Create the first system administrator of a new installation.

Every other account is then created by that administrator in the browser, so
the command refuses to run once a system admin exists unless --force is given."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relocation.core.errors import ServiceError
from relocation.core.roles import Role
from relocation.organisation.models import User
from relocation.organisation.services import user_create


class Command(BaseCommand):
    help = "Create a system administrator account (prompts for the password unless --password is given)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="the password (prompted for if omitted)")
        parser.add_argument("--display-name", default="系统管理员")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--force", action="store_true", help="create it even though a system administrator already exists"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"account {username!r} already exists")
        if User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).exists() and not options["force"]:
            raise CommandError("a system administrator already exists; they create further accounts (or use --force)")
        password = options["password"]
        if password is None:
            password = getpass.getpass("Password / 密码: ")
            if password != getpass.getpass("Again / 再次输入: "):
                raise CommandError("the two passwords differ")
        try:
            user = user_create(
                actor=None,
                username=username,
                password=password,
                role=Role.SYSTEM_ADMIN,
                display_name=options["display_name"],
                email=options["email"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"system administrator {user.username} created; enrol a TOTP app at first login "
                "(系统管理员已创建，首次登录时绑定动态验证码)"
            )
        )
