from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeasesConfig(AppConfig):
    name = "relocation.leases"
    label = "leases"
    verbose_name = _("清租退场")

    def ready(self) -> None:
        from relocation.core import navigation, notification_kinds, risk_signals, sections
        from relocation.core.guards import register_closure_guard
        from relocation.leases import permissions, services
        from relocation.leases.enterprise_section import section_context
        from relocation.leases.risk_signals import lease_signals
        from relocation.organisation import functions

        # The plan (四(二)5) gives the community the leases of collective property.
        functions.require(functions.UnitFunction.COMMUNITY, rule=_("社区集体和村小组物业的到期停租、清租退场"))
        # A lease not yet cleared keeps the tenant's closure from being verified.
        register_closure_guard(services.lease_closure_blockers)
        # A lease dispute, or a deposit not refunded by its date, raises the stability risk.
        risk_signals.register("leases.leases", lease_signals)
        sections.register(
            "enterprise_detail",
            sections.Section(
                key="leases", template="leases/_enterprise_section.html", context=section_context, order=330
            ),
        )
        # Termination notices to the tenant, refunds to the community (who then checks the clearance).
        notification_kinds.register("lease", _("清租退场"), order=75)
        navigation.register(
            navigation.NavEntry(
                key="leases",
                label=_("清租退场"),
                url_name="leases:list",
                icon="house-door",
                order=24,
                visible=permissions.can_read,
            )
        )
