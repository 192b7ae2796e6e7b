from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkersConfig(AppConfig):
    name = "relocation.workers"
    label = "workers"
    verbose_name = _("工人安置")

    def ready(self) -> None:
        from relocation.core import map_layers
        from relocation.workers.map_layer import layer

        # The battle map's layer of this app (core.map_layers).
        map_layers.register(
            map_layers.MapLayer(key="workers", label=_("工人安置与欠薪"), items=layer, colour="#d63384", order=10)
        )
        from relocation.core import crypto, navigation, sections, uploads

        # ID-number search and duplicate checks: recomputed by `manage.py reindex_lookups`.
        crypto.register_index("workers.Worker", "id_number_index", "id_number")
        from relocation.core.guards import register_closure_guard
        from relocation.organisation import functions
        from relocation.workers import selectors, services
        from relocation.workers.enterprise_section import section_context

        functions.require(functions.UnitFunction.HUMAN_RESOURCES, rule=_("工人安置与劳动保障（人社部门）"))

        # Unpaid wages or deposits keep an enterprise's closure from being verified.
        register_closure_guard(services.arrears_closure_blockers)
        # Unresolved cases feed the stability risk register (core.risk_signals).
        from relocation.core import risk_signals
        from relocation.workers.risk_signals import open_case_signals

        risk_signals.register("workers.open_cases", open_case_signals)
        sections.register(
            "enterprise_detail",
            sections.Section(
                key="workers", template="workers/_enterprise_section.html", context=section_context, order=320
            ),
        )
        # One entry: the app's tabs lead on to the cases and the placement activities.
        navigation.register(
            navigation.NavEntry(
                key="workers",
                label=_("工人安置"),
                url_name="workers:overview",
                icon="people",
                order=45,
                visible=selectors.can_read,
            )
        )
        uploads.register_download_check(services.EVIDENCE_PURPOSE, _may_download_evidence)


def _may_download_evidence(user, stored) -> bool:
    """Who may read the case may read its evidence."""
    from relocation.workers import selectors
    from relocation.workers.models import CaseEvidence

    cases = CaseEvidence.objects.filter(file=stored).values("case_id")
    return selectors.cases_for_user(user).filter(pk__in=cases).exists()
