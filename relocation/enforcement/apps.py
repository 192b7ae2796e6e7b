from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "relocation.enforcement"
    label = "enforcement"
    verbose_name = _("联合执法")

    def ready(self) -> None:
        from relocation.core import compliance, navigation, sections, uploads
        from relocation.core.roles import is_staff_member
        from relocation.enforcement.selectors import (
            enterprise_section,
            open_violation_counts,
            open_violation_enterprise_ids,
        )

        # Parks (same floor) reads open violations for incentive eligibility
        # through core, and the dashboard filters by the same definition.
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
