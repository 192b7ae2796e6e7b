from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from relocation.organisation.demo import DEMO_PASSWORD, DEMO_USERS
from relocation.organisation.models import User


class Command(BaseCommand):
    help = "Print the demo address and one login per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"搬迁指挥平台 Relocation HQ: {options['url']}"))
        self.stdout.write(f"演示账户 demo logins (password / 密码: {DEMO_PASSWORD})")
        users = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in DEMO_USERS])}
        for username, _role, _unit, _name in DEMO_USERS:
            user = users.get(username)
            if user is None:
                continue
            unit = f" · {user.unit}" if user.unit_id else ""
            self.stdout.write(f"  {username:<15} {user.get_role_display()}{unit}")
        self.stdout.write("  (管理员与审计员首次登录需绑定动态验证码 / admins enrol a TOTP app on first login)")
        self.stdout.write("")
