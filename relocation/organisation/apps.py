from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "relocation.organisation"
    label = "organisation"
    verbose_name = _("组织机构")

    def ready(self) -> None:
        from relocation.core import navigation
        from relocation.core.roles import is_staff_member

        navigation.register(
            navigation.NavEntry(
                key="organisation",
                label=_("组织机构"),
                url_name="organisation:overview",
                icon="diagram-3",
                order=90,
                visible=is_staff_member,
            )
        )
