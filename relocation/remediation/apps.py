from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemediationConfig(AppConfig):
    name = "relocation.remediation"
    label = "remediation"
    verbose_name = _("污染地块修复")

    def ready(self) -> None:
        from relocation.core import map_layers
        from relocation.remediation.map_layer import layer

        # The battle map's layer of this app (core.map_layers).
        map_layers.register(
            map_layers.MapLayer(key="sites", label=_("污染地块"), items=layer, colour="#795548", order=30)
        )
        from relocation.supervision import task_sources

        # The tasks this app creates say where they come from (supervision's task list).
        task_sources.register("remediation", _("污染地块"), order=90)

        from relocation.core import navigation, sections, uploads
        from relocation.organisation import functions
        from relocation.remediation import permissions, services
        from relocation.remediation.enterprise_section import section_context

        functions.require(functions.UnitFunction.ENVIRONMENT, rule=_("污染地块的指导监督与责任认定"))

        # The enterprise page shows its plot's stage, exceedances and obligations.
        sections.register(
            "enterprise_detail",
            sections.Section(
                key="remediation",
                template="remediation/_enterprise_section.html",
                context=section_context,
                order=350,
            ),
        )
        navigation.register(
            navigation.NavEntry(
                key="remediation",
                label=_("污染地块"),
                url_name="remediation:list",
                icon="globe-asia-australia",
                order=65,
                visible=permissions.can_read,
            )
        )
        uploads.register_download_check(services.STAGE_EVIDENCE, _may_download)
        uploads.register_download_check(services.OBLIGATION_FILE, _may_download)


def _may_download(user, stored) -> bool:
    """Who may read the site may read its reports and obligation documents."""
    from django.db.models import Q

    from relocation.remediation import selectors
    from relocation.remediation.models import ObligationDocument, Payment, StageChange

    sites = selectors.sites_for_user(user).values("pk")
    return (
        StageChange.objects.filter(evidence=stored, site__in=sites).exists()
        or ObligationDocument.objects.filter(file=stored, obligation__liability__site__in=sites).exists()
        or Payment.objects.filter(Q(evidence=stored), obligation__liability__site__in=sites).exists()
    )
