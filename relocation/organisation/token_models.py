"""Personal API tokens, stored as a digest only (docs/decisions/api-token-policy.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.roles import Role


class ApiToken(models.Model):
    """One token per user. The key itself is shown once and never stored: ``digest`` is its SHA-256.

    A token is bound to the role its owner held when it was issued (a role change invalidates it)
    and expires at ``expires_at`` (real time, the security clock)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token", verbose_name=_("用户")
    )
    # Looked up on every API request carrying a token.
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    # The last four characters, so the owner can tell which token a client holds.
    hint = models.CharField(_("尾号"), max_length=4)
    role = models.CharField(_("签发时角色"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} ***{self.hint}"
