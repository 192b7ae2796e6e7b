from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "relocation.portal"
    label = "portal"
    verbose_name = _("诉求与咨询")

    def ready(self) -> None:
        from relocation.core import map_layers
        from relocation.portal.map_layer import layer

        # The battle map's layer of this app (core.map_layers).
        map_layers.register(
            map_layers.MapLayer(key="public", label=_("公众诉求"), items=layer, colour="#0dcaf0", order=20)
        )
        from relocation.supervision import task_sources

        # The tasks this app creates say where they come from (supervision's task list).
        task_sources.register("portal", _("公众诉求"), order=80)

        from relocation.core import navigation, uploads
        from relocation.core.selectors import hide_from_enterprise_contacts
        from relocation.portal import selectors

        # A public report must not tell the enterprise it names that it exists;
        # the contact's own questions are on the portal's own page.
        hide_from_enterprise_contacts("portal.")

        navigation.register(
            navigation.NavEntry(
                key="portal",
                label=_("诉求与咨询"),
                url_name="portal:inbox",
                icon="chat-square-text",
                order=55,
                visible=selectors.can_use_inbox,
            )
        )
        # Photos sent with a report: HQ and the unit the report is assigned to.
        uploads.register_download_check(selectors.PHOTO_PURPOSE, selectors.can_download_photo)
