from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "relocation.enterprises"
    label = "enterprises"
    verbose_name = _("企业台账")

    def ready(self) -> None:
        from relocation.core import navigation, uploads
        from relocation.core.roles import is_enterprise_contact, is_hq_editor, is_staff_member

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
