from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "relocation.meetings"
    label = "meetings"
    verbose_name = _("定期会商")

    def ready(self) -> None:
        from relocation.supervision import task_sources

        # The tasks this app creates say where they come from (supervision's task list).
        task_sources.register("meeting", _("会议决定"), order=20)

        from relocation.core import notification_kinds

        notification_kinds.register("meeting", _("会议：召开、改期、纪要、议题申请"), order=40)

        from relocation.core import navigation
        from relocation.core.roles import is_staff_member

        navigation.register(
            navigation.NavEntry(
                key="meetings",
                label=_("定期会商"),
                url_name="meetings:list",
                icon="people",
                order=50,
                visible=is_staff_member,
            )
        )
