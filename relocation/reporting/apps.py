from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "relocation.reporting"
    label = "reporting"
    verbose_name = _("信息报送")

    def ready(self) -> None:
        from relocation.core import notification_kinds

        notification_kinds.register("bulletin", _("月度通报：编制与印发"), order=50)

        from relocation.core import navigation
        from relocation.core.roles import is_staff_member

        navigation.register(
            navigation.NavEntry(
                key="bulletins",
                label=_("月度通报"),
                url_name="reporting:list",
                icon="file-earmark-text",
                order=60,
                visible=is_staff_member,
            )
        )
