from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "relocation.dashboard"
    label = "dashboard"
    verbose_name = _("挂图作战")

    def ready(self) -> None:
        from relocation.core import navigation
        from relocation.dashboard.selectors import can_view

        navigation.register(
            navigation.NavEntry(
                key="dashboard", label=_("挂图作战"), url_name="dashboard:board", icon="map", order=10, visible=can_view
            )
        )
