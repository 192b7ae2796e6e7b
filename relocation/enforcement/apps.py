from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "relocation.enforcement"
    label = "enforcement"
    verbose_name = _("联合执法")

    def ready(self) -> None:
        from relocation.supervision import task_sources

        # The tasks this app creates say where they come from (supervision's task list).
        task_sources.register("enforcement", _("执法跟进"), order=40)

        # Parks (same floor) reads open violations for incentive eligibility
        # through core, and the dashboard filters by the same definition.
        from django.utils.text import format_lazy

        from relocation.core import compliance, navigation, sections, uploads
        from relocation.core.roles import is_staff_member
        from relocation.enforcement import domains
        from relocation.enforcement.selectors import (
            enterprise_section,
            open_violation_counts,
            open_violation_enterprise_ids,
        )
        from relocation.enforcement.services import domains_fill_from_functions
        from relocation.organisation import functions, programme_hooks

        # Each domain needs its lead unit; a utility cut needs both utilities.
        for spec in domains.DOMAINS:
            functions.require(spec["lead"], rule=format_lazy(_("执法领域“{}”的牵头单位"), spec["name"]))
        functions.require(functions.UnitFunction.WATER_SUPPLY, rule=_("停水停电措施的停水单位"))
        functions.require(functions.UnitFunction.POWER_SUPPLY, rule=_("停水停电措施的停电单位"))
        programme_hooks.register(domains_fill_from_functions)

        compliance.register_open_violation_counter(open_violation_counts)
        compliance.register_open_violation_enterprises(open_violation_enterprise_ids)

        sections.register(
            "enterprise_detail",
            sections.Section(
                key="enforcement",
                template="enforcement/_enterprise_section.html",
                context=enterprise_section,
                order=300,
            ),
        )

        navigation.register(
            navigation.NavEntry(
                key="enforcement",
                label=_("联合执法"),
                url_name="enforcement:queue",
                icon="shield-check",
                order=40,
                visible=is_staff_member,
            )
        )
        # Inspection photos: the people who read enforcement records.
        uploads.register_download_check("enforcement.inspection_photo", lambda user, stored: is_staff_member(user))
