"""Personal API tokens for integrations (DRF TokenAuthentication).

A user issues (or replaces) their own token; the key is shown once and the
event is audited without the key. Only staff members may hold a token: the
API is scoped exactly like the pages, so a token grants what its owner sees."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError
from relocation.core.roles import is_staff_member


def api_token_of(user: Any) -> Token | None:
    return Token.objects.filter(user=user).first()


def api_token_issue(*, actor: Any) -> Token:
    """Create the actor's token, replacing (revoking) any previous one."""
    if not is_staff_member(actor):
        raise PermissionDeniedError(_("您的角色不能使用接口令牌。"))
    with transaction.atomic():
        replaced = Token.objects.filter(user=actor).delete()[0] > 0
        token = Token.objects.create(user=actor)
        audit.record(
            actor=actor,
            action="api_token.issued",
            obj=actor,
            summary=_("重新生成接口令牌") if replaced else _("生成接口令牌"),
            changes={"token": ["***" if replaced else None, f"***{token.key[-4:]}"]},
        )
    return token


def api_token_revoke(*, actor: Any) -> bool:
    with transaction.atomic():
        deleted = Token.objects.filter(user=actor).delete()[0] > 0
        if deleted:
            audit.record(actor=actor, action="api_token.revoked", obj=actor, summary=_("撤销接口令牌"))
    return deleted
