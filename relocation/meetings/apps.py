from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "relocation.meetings"
    label = "meetings"
    verbose_name = _("定期会商")
