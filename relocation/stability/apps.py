from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StabilityConfig(AppConfig):
    name = "relocation.stability"
    label = "stability"
    verbose_name = _("维稳与舆情")

    def ready(self) -> None:
        from relocation.core import map_layers
        from relocation.stability.map_layer import layer

        # The battle map's layer of this app (core.map_layers).
        map_layers.register(
            map_layers.MapLayer(key="stability", label=_("社会稳定"), items=layer, colour="#fd7e14", order=40)
        )
        from relocation.supervision import task_sources

        # The tasks this app creates say where they come from (supervision's task list).
        task_sources.register("stability", _("维稳事件"), order=100)

        from relocation.core import notification_kinds

        notification_kinds.register(
            "stability",
            _("维稳与舆情：事件交办、重特大事件、上报市里、舆情交办和逾期"),
            order=80,
            mandatory={"stability.serious_incident": _("重特大维稳、安全或环境事件，指挥部领导须立即知道。")},
        )

        from relocation.core import navigation, sections, uploads
        from relocation.core.selectors import hide_from_enterprise_contacts
        from relocation.organisation import functions
        from relocation.stability import selectors
        from relocation.stability.enterprise_section import section_context

        functions.require(functions.UnitFunction.PROPAGANDA, rule=_("舆情事件的默认处置单位"))
        functions.require(functions.UnitFunction.HK_MACAO_TAIWAN, rule=_("涉港澳台资企业的风险研判与舆情处置"))
        functions.require(functions.UnitFunction.STABILITY, rule=_("重特大维稳事件和重大舆情的配合单位"))
        functions.require(functions.UnitFunction.HUMAN_RESOURCES, rule=_("劳资纠纷事件的配合单位"))

        # Risk assessments, incidents and opinion work are the authorities' own.
        hide_from_enterprise_contacts("stability.")

        # The enterprise page shows its stability risk, incidents and opinion events (HQ and units only).
        sections.register(
            "enterprise_detail",
            sections.Section(
                key="stability", template="stability/_enterprise_section.html", context=section_context, order=400
            ),
        )
        for key, label, url_name, icon, order in [
            ("stability_risks", _("风险研判"), "stability:risks", "exclamation-diamond", 60),
            ("stability_incidents", _("维稳事件"), "stability:incidents", "broadcast", 61),
            ("stability_opinion", _("舆情处置"), "stability:opinions", "chat-square-text", 62),
            ("stability_plans", _("应急预案"), "stability:plans", "journal-check", 63),
        ]:
            navigation.register(
                navigation.NavEntry(
                    key=key, label=label, url_name=url_name, icon=icon, order=order, visible=selectors.can_read
                )
            )
        uploads.register_download_check("stability.evidence", selectors.may_download_evidence)
        uploads.register_download_check("stability.plan", selectors.may_download_plan)
