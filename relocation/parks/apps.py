from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "relocation.parks"
    label = "parks"
    verbose_name = _("承接园区")

    def ready(self) -> None:
        from relocation.supervision import task_sources

        # The tasks this app creates say where they come from (supervision's task list).
        task_sources.register("procedure", _("搬迁手续"), order=60)

        from relocation.core import navigation, sections, uploads
        from relocation.organisation import functions
        from relocation.parks.enterprise_section import section_context

        # The relocation procedures' responsible units (others fall to the park's town).
        for function, rule in [
            (functions.UnitFunction.ENVIRONMENT, _("搬迁手续：环评、排污许可迁移、竣工验收")),
            (functions.UnitFunction.HOUSING, _("搬迁手续：施工许可")),
            (functions.UnitFunction.FIRE, _("搬迁手续：消防验收")),
            (functions.UnitFunction.POWER_SUPPLY, _("搬迁手续：水电接入")),
        ]:
            functions.require(function, rule=rule)

        # The enterprise page shows the receiving park and the procedures.
        sections.register(
            "enterprise_detail",
            sections.Section(
                key="parks", template="parks/_enterprise_section.html", context=section_context, order=300
            ),
        )
        from relocation.core.roles import is_hq, is_staff_member

        navigation.register(
            navigation.NavEntry(
                key="parks",
                label=_("园区容量"),
                url_name="parks:list",
                icon="building-check",
                order=40,
                visible=is_staff_member,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="parks_allocation",
                label=_("园区分配"),
                url_name="parks:proposals",
                icon="diagram-3",
                order=41,
                visible=is_hq,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="parks_procedures",
                label=_("搬迁手续"),
                url_name="parks:procedures",
                icon="list-check",
                order=42,
                visible=is_staff_member,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="parks_incentives",
                label=_("支持优待"),
                url_name="parks:policies",
                icon="cash-coin",
                order=43,
                visible=is_hq,
            )
        )

        uploads.register_download_check("parks.procedure", _may_download_procedure_document)

        from relocation.organisation import setup_checklist

        setup_checklist.register(_no_receiving_park)


def _may_download_procedure_document(user, stored) -> bool:
    """Who may read the procedure item may read its documents."""
    from relocation.parks import selectors
    from relocation.parks.models import ProcedureDocument

    items = ProcedureDocument.objects.filter(file=stored).values("item_id")
    return selectors.procedure_items_for_user(user).filter(pk__in=items).exists()


def _no_receiving_park(programme):
    """The programme set-up checklist: a programme without a receiving park cannot allocate."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from relocation.organisation.setup_checklist import Gap
    from relocation.parks.models import Park

    if Park.objects.filter(programme=programme).exists():
        return []
    return [
        Gap(
            key="receiving_park",
            title=gettext("尚未登记承接园区"),
            url=reverse("parks:create"),
            fix=gettext("指挥部在“园区容量”中登记承接园区"),
        )
    ]
