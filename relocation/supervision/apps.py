from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "relocation.supervision"
    label = "supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        from relocation.core import navigation, uploads
        from relocation.core.roles import is_staff_member
        from relocation.core.selectors import hide_from_enterprise_contacts
        from relocation.supervision.selectors import can_download_attachment
        from relocation.supervision.services import ATTACHMENT_PURPOSE

        uploads.register_download_check(ATTACHMENT_PURPOSE, can_download_attachment)
        # Tasks among units and supervision about an enterprise are internal
        # coordination, not something its contact follows on the timeline.
        hide_from_enterprise_contacts("task.", "supervision.")

        navigation.register(
            navigation.NavEntry(
                key="tasks",
                label=_("督办任务"),
                url_name="supervision:tasks",
                icon="list-check",
                order=20,
                visible=is_staff_member,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="unit_reports",
                label=_("信息报送"),
                url_name="supervision:reports",
                icon="journal-text",
                order=22,
                visible=is_staff_member,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="scorecards",
                label=_("考核排名"),
                url_name="supervision:scorecards",
                icon="bar-chart-line",
                order=24,
                visible=is_staff_member,
            )
        )
