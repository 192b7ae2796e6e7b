from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "relocation.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from relocation.core import (
            deploy_checks,  # noqa: F401  (registers the check --deploy checks)
            navigation,
            security,
        )
        from relocation.core.roles import can_see_undelivered, is_auditor

        security.connect()
        navigation.register(
            navigation.NavEntry(
                key="audit",
                label=_("审计日志"),
                url_name="audit_log",
                icon="journal-check",
                order=210,
                visible=is_auditor,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="undelivered_notifications",
                label=_("未送达的通知"),
                url_name="undelivered_notifications",
                icon="envelope-exclamation",
                order=205,
                visible=can_see_undelivered,
            )
        )
        navigation.register_account(
            navigation.NavEntry(
                key="notification_preferences",
                label=_("通知设置"),
                url_name="notification_preferences",
                icon="bell",
                order=200,
            )
        )
