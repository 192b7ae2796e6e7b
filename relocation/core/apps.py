from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "relocation.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from relocation.core import navigation, security
        from relocation.core.roles import is_auditor

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
