from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "relocation.supervision"
    label = "supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        from relocation.core import notification_kinds
        from relocation.supervision import task_sources
        from relocation.supervision.models import TaskSource

        task_sources.register(TaskSource.PLAN, TaskSource.PLAN.label, order=10)
        task_sources.register(TaskSource.SUPERVISION, TaskSource.SUPERVISION.label, order=30)
        task_sources.register(TaskSource.MANUAL, TaskSource.MANUAL.label, order=200)

        notification_kinds.register(
            "task",
            _("督办任务：交办、签收、办结、核验、退回、临期和逾期提醒"),
            order=10,
            mandatory={
                "task.notice": _("督办单是指挥部的正式文书，必须确保承办单位收到。"),
                "task.red": _("逾期催办：任务已超过完成时限，承办人必须知道。"),
                "task.escalated": _("逾期升级：已报指挥部或协调小组领导，须立即办理。"),
            },
        )
        notification_kinds.register("supervision", _("月度督办清单与季度督查报告"), order=20)
        notification_kinds.register(
            "report",
            _("双周报告：催报、缺报、审阅结果"),
            order=30,
            mandatory={"report.urgent_problem": _("成员单位在双周报告中上报的紧急问题，须指挥部当天知道。")},
        )

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
