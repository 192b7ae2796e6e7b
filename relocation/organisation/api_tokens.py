"""Personal API tokens for integrations (docs/decisions/api-token-policy.md).

A user issues (or replaces) their own token; the key is shown once, only its SHA-256 digest is
stored, and the event is audited without the key. Only staff members may hold a token: the API is
scoped exactly like the pages, so a token grants what its owner sees. A token expires after
``API_TOKEN_TTL_DAYS`` and dies with a change of its owner's role; the administrator roles
(system, security, audit) never authenticate by token, so the second factor cannot be skipped."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from relocation.core import audit, security_clock
from relocation.core.errors import PermissionDeniedError
from relocation.core.roles import is_staff_member, needs_second_factor
from relocation.organisation.token_models import ApiToken


@dataclass(frozen=True)
class IssuedToken:
    key: str  # shown once, never stored
    token: ApiToken


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_of(user: Any) -> ApiToken | None:
    return ApiToken.objects.filter(user=user).first()


def token_is_valid(token: ApiToken) -> bool:
    user = token.user
    return (
        user.is_active
        and token.role == user.role
        and token.expires_at > security_clock.now()
        and is_staff_member(user)
        and not needs_second_factor(user)
    )


def api_token_issue(*, actor: Any) -> IssuedToken:
    """Create the actor's token, replacing (revoking) any previous one."""
    if not is_staff_member(actor) or needs_second_factor(actor):
        raise PermissionDeniedError(_("您的角色不能使用接口令牌。"))
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        replaced = ApiToken.objects.filter(user=actor).delete()[0] > 0
        token = ApiToken.objects.create(
            user=actor,
            digest=token_digest(key),
            hint=key[-4:],
            role=actor.role,
            expires_at=security_clock.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        audit.record(
            actor=actor,
            action="api_token.issued",
            obj=actor,
            summary=_("重新生成接口令牌") if replaced else _("生成接口令牌"),
            changes={"token": ["***" if replaced else None, f"***{token.hint}"]},
        )
    return IssuedToken(key=key, token=token)


def api_token_revoke(*, actor: Any) -> bool:
    with transaction.atomic():
        deleted = ApiToken.objects.filter(user=actor).delete()[0] > 0
        if deleted:
            audit.record(actor=actor, action="api_token.revoked", obj=actor, summary=_("撤销接口令牌"))
    return deleted


class HashedTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>``: the key's digest is looked up; expired, role-changed and
    administrator tokens are refused with the same answer as an unknown key."""

    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。"))
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。")) from exc
        token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
        if token is None or not token_is_valid(token):
            raise exceptions.AuthenticationFailed(_("令牌无效或已失效。"))
        now = security_clock.now()
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema: `Authorization: Token <key>`."""

    target_class = "relocation.organisation.api_tokens.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <key> (personal API token; expires, bound to the role it was issued under)",
        }
