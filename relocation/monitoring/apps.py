from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "relocation.monitoring"
    label = "monitoring"
    verbose_name = _("生产监管")

    def ready(self) -> None:
        from relocation.core import map_layers
        from relocation.monitoring.map_layer import detectors_layer, toxic_layer

        # The battle map's layers of this app (core.map_layers): alerts show whatever the enterprise's stage.
        map_layers.register(
            map_layers.MapLayer(
                key="detectors", label=_("监测预警"), items=detectors_layer, colour="#dc3545", order=50, shown=True
            )
        )
        map_layers.register(
            map_layers.MapLayer(key="toxic", label=_("剧毒化学品预警"), items=toxic_layer, colour="#6f42c1", order=60)
        )
        from relocation.supervision import task_sources

        # The tasks this app creates say where they come from (supervision's task list).
        task_sources.register("monitoring", _("监控预警"), order=70)

        from relocation.core import notification_kinds

        notification_kinds.register(
            "monitoring",
            _("在线监控告警与告警指派"),
            order=70,
            mandatory={"monitoring.alert": _("在线监控告警可能意味着偷排或仍在生产，须立即处置。")},
        )

        from relocation.core import navigation, sections
        from relocation.core.guards import register_closure_guard, register_evidence_hold
        from relocation.monitoring import permissions, selectors, services
        from relocation.organisation import functions

        register_closure_guard(services.toxic_closure_blockers)
        # The police own highly-toxic-chemical alerts; the supply companies hear of still-consuming ones.
        functions.require(functions.UnitFunction.POLICE, rule=_("剧毒化学品预警的责任单位"))
        functions.require(functions.UnitFunction.WATER_SUPPLY, rule=_("停产仍用水预警的知会单位"))
        functions.require(functions.UnitFunction.POWER_SUPPLY, rule=_("停产仍用电预警的知会单位"))
        # Open detector and toxic-chemical alerts hold the closure steps they contradict.
        register_evidence_hold(selectors.closure_holds)
        # Open detector alerts feed the stability risk register (core.risk_signals).
        from relocation.core import risk_signals
        from relocation.monitoring.risk_signals import open_alert_signals

        risk_signals.register("monitoring.alerts", open_alert_signals)
        # The enterprise page shows a card that loads this app's summary through htmx.
        sections.register(
            "enterprise_detail",
            sections.Section(
                key="monitoring",
                template="monitoring/_enterprise_section.html",
                context=lambda request, enterprise: (
                    {"enterprise": enterprise} if permissions.can_read(request.user) else None
                ),
                order=300,
            ),
        )
        navigation.register(
            navigation.NavEntry(
                key="monitoring",
                label=_("监管预警"),
                url_name="monitoring:alerts",
                icon="broadcast",
                order=60,
                visible=permissions.can_read,
            )
        )
