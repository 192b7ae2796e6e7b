from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from relocation.organisation.demo import DEMO_PASSWORD, DEMO_USERS, SECOND_DEMO_USERS
from relocation.organisation.models import User


class Command(BaseCommand):
    help = "Print the demo address and one login per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"搬迁指挥平台 Relocation HQ: {options['url']}"))
        self.stdout.write(f"演示账户 demo logins (password / 密码: {DEMO_PASSWORD})")
        logins = [u[0] for u in DEMO_USERS + SECOND_DEMO_USERS] + ["jh_enterprise"]
        users = {u.username: u for u in User.objects.filter(username__in=logins).select_related("unit__programme")}
        for username in logins:
            user = users.get(username)
            if user is None:
                continue
            unit = f" · {user.unit}" if user.unit_id else ""
            self.stdout.write(f"  {username:<15} {user.get_role_display()}{unit}")
            if username == DEMO_USERS[-1][0] and any(n in users for n, *_r in SECOND_DEMO_USERS):
                self.stdout.write("  -- 第二个演示项目 second demo programme (another city; sees only itself) --")
        self.stdout.write("  (管理员与审计员首次登录需绑定动态验证码 / admins enrol a TOTP app on first login)")
        self.stdout.write("")
