"""A unit's group robot: who may set it, saving it (audited, secrets never in the
audit record), a test message, and the lookup the core's delivery uses."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit, robots
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import Role, is_hq_editor
from relocation.organisation.models import GroupRobot, Unit, User

# The platforms' robot endpoints; another host is refused so that a mistyped or
# malicious address cannot make the server post messages anywhere. An intranet
# relay can be allowed with the RHQ_ROBOT_HOSTS setting.
KNOWN_HOSTS = {
    GroupRobot.Platform.WECOM: {"qyapi.weixin.qq.com"},
    GroupRobot.Platform.DINGTALK: {"oapi.dingtalk.com"},
    GroupRobot.Platform.FEISHU: {"open.feishu.cn", "open.larksuite.com"},
}


def can_configure(user: Any, unit: Unit) -> bool:
    """HQ, or the unit's own leader (the same people who name its liaison)."""
    return is_hq_editor(user) or (getattr(user, "role", None) == Role.UNIT_LEADER and user.unit_id == unit.pk)


def _allowed_hosts(platform: str) -> set[str]:
    from django.conf import settings

    extra = {h.strip().lower() for h in getattr(settings, "RHQ_ROBOT_HOSTS", []) if h.strip()}
    return set(KNOWN_HOSTS.get(platform, set())) | extra


def _check(platform: str, webhook_url: str, secret: str) -> None:
    if platform not in GroupRobot.Platform.values:
        raise ServiceError(_("请选择平台：企业微信、钉钉或飞书。"))
    parts = urllib.parse.urlsplit(webhook_url.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ServiceError(_("Webhook 地址应以 https:// 开头，请从群机器人设置中复制完整地址。"))
    if parts.hostname.lower() not in _allowed_hosts(platform):
        raise ServiceError(
            _("该地址不是%(platform)s机器人的地址（%(host)s）。")
            % {"platform": GroupRobot.Platform(platform).label, "host": parts.hostname}
        )
    if platform == GroupRobot.Platform.DINGTALK and not secret.strip():
        raise ServiceError(_("钉钉机器人请开启“加签”并填写密钥（SEC 开头）。"))


def group_robot_save(
    *, actor: Any, unit: Unit, platform: str, webhook_url: str, secret: str = "", enabled: bool = True
) -> GroupRobot:
    """Set the unit's robot. An empty address or secret on an existing robot keeps the
    stored one (both are credentials: the form never shows them). The audit records what changed, never the address or key."""
    if not can_configure(actor, unit):
        raise PermissionDeniedError(_("只有指挥部或本单位负责人可以设置群机器人。"))
    with transaction.atomic():
        robot = GroupRobot.objects.select_for_update().filter(unit=unit).first()
        secret = secret.strip() or (robot.secret if robot else "")
        webhook_url = webhook_url.strip() or (robot.webhook_url if robot else "")
        _check(platform, webhook_url, secret)
        before = {"platform": robot.platform, "enabled": robot.enabled} if robot else {}
        if robot is None:
            robot = GroupRobot(unit=unit)
        robot.platform, robot.webhook_url, robot.secret = platform, webhook_url.strip(), secret
        robot.enabled, robot.updated_by = enabled, actor
        robot.save()
        audit.record(
            actor=actor,
            action="organisation.group_robot_saved",
            obj=robot,
            summary=_("设置 %(unit)s 的群机器人（%(platform)s）")
            % {"unit": unit, "platform": robot.get_platform_display()},
            changes=audit.diff(before, {"platform": platform, "enabled": enabled}),
        )
    return robot


def group_robot_remove(*, actor: Any, unit: Unit) -> None:
    if not can_configure(actor, unit):
        raise PermissionDeniedError(_("只有指挥部或本单位负责人可以设置群机器人。"))
    with transaction.atomic():
        robot = GroupRobot.objects.select_for_update().filter(unit=unit).first()
        if robot is None:
            return
        audit.record(
            actor=actor,
            action="organisation.group_robot_removed",
            obj=robot,
            summary=_("删除 %(unit)s 的群机器人") % {"unit": unit},
            changes={"platform": [robot.platform, None]},
        )
        robot.delete()


def group_robot_test(*, actor: Any, unit: Unit) -> None:
    """Post a test message now, so the unit sees the robot works before it matters."""
    if not can_configure(actor, unit):
        raise PermissionDeniedError(_("只有指挥部或本单位负责人可以设置群机器人。"))
    robot = GroupRobot.objects.filter(unit=unit).first()
    if robot is None:
        raise ServiceError(_("本单位尚未设置群机器人。"))
    try:
        robots.post(
            _robot(robot),
            title=_("【测试】搬迁指挥平台群机器人已接通"),
            body=_("紧急通知将推送到本群：%(unit)s") % {"unit": unit},
        )
    except (OSError, robots.RobotRefused) as exc:
        raise ServiceError(_("发送失败：%(e)s") % {"e": exc}) from None


def _robot(robot: GroupRobot) -> robots.Robot:
    return robots.Robot(
        key=f"unit:{robot.unit_id}", platform=robot.platform, url=robot.webhook_url, secret=robot.secret
    )


def robots_of_users(user_ids: Iterable[int]) -> dict[int, robots.Robot]:
    """The enabled robot of each user's unit (registered with the core's delivery)."""
    pairs = list(User.objects.filter(pk__in=list(user_ids), unit__isnull=False).values_list("pk", "unit_id"))
    by_unit = {
        r.unit_id: _robot(r) for r in GroupRobot.objects.filter(unit_id__in={u for _p, u in pairs}, enabled=True)
    }
    return {pk: by_unit[unit_id] for pk, unit_id in pairs if unit_id in by_unit}
