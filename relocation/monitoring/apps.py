from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "relocation.monitoring"
    label = "monitoring"
    verbose_name = _("生产监管")

    def ready(self) -> None:
        from relocation.core import navigation
        from relocation.core.guards import register_closure_guard
        from relocation.monitoring import permissions, services

        register_closure_guard(services.toxic_closure_blockers)
        navigation.register(
            navigation.NavEntry(
                key="monitoring",
                label=_("监管预警"),
                url_name="monitoring:alerts",
                icon="broadcast",
                order=60,
                visible=permissions.can_read,
            )
        )
