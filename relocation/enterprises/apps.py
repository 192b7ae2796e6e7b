from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "relocation.enterprises"
    label = "enterprises"
    verbose_name = _("企业台账")

    def ready(self) -> None:
        from relocation.supervision import task_sources

        # The tasks this app creates say where they come from (supervision's task list).
        task_sources.register("lifecycle", _("搬迁流程"), order=50)

        from relocation.core import notification_kinds

        notification_kinds.register("letter", _("承诺书日期变更的申请与审批"), order=60)

        from relocation.core import navigation, sections, uploads
        from relocation.core.roles import is_enterprise_contact, is_hq_editor, is_staff_member
        from relocation.enterprises.contact_views import section_context
        from relocation.enterprises.views import production_changes_section
        from relocation.organisation import functions

        # Closure verification (两断三清): who confirms the water, power and waste items.
        functions.require(functions.UnitFunction.WATER_SUPPLY, rule=_("两断三清：断水确认"))
        functions.require(functions.UnitFunction.POWER_SUPPLY, rule=_("两断三清：断电确认"))
        functions.require(functions.UnitFunction.ENVIRONMENT, rule=_("两断三清：危废清理确认"))

        sections.register(
            "enterprise_detail",
            sections.Section(
                key="contacts", template="enterprises/_contacts_section.html", context=section_context, order=900
            ),
        )

        sections.register(
            "enterprise_detail",
            sections.Section(
                key="production_changes",
                template="enterprises/_production_changes_section.html",
                context=production_changes_section,
                order=50,
            ),
        )

        # Ledger workbooks uploaded for import: HQ editors only (they hold personal data).
        uploads.register_download_check("ledger_import", lambda user, stored: is_hq_editor(user))
        navigation.register(
            navigation.NavEntry(
                key="enterprises",
                label=_("企业台账"),
                url_name="enterprises:list",
                icon="buildings",
                order=20,
                visible=lambda user: is_staff_member(user) or is_enterprise_contact(user),
            )
        )
        self._ready_lifecycle()

    def _ready_lifecycle(self) -> None:
        """Menu entries and download rules of the relocation lifecycle."""
        from relocation.core import navigation, uploads
        from relocation.core.roles import is_hq, is_staff_member
        from relocation.enterprises.commitments import can_download_scan

        navigation.register(
            navigation.NavEntry(
                key="lifecycle",
                label=_("搬迁进度"),
                url_name="enterprises:lifecycle_overview",
                icon="signpost-split",
                order=21,
                visible=is_staff_member,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="lifecycle_overdue",
                label=_("逾期企业"),
                url_name="enterprises:lifecycle_overdue",
                icon="alarm",
                order=22,
                visible=is_hq,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="commitment_letters",
                label=_("承诺书"),
                url_name="enterprises:letter_register",
                icon="file-earmark-text",
                order=23,
                visible=is_staff_member,
            )
        )
        uploads.register_download_check("commitment_letter", can_download_scan)
