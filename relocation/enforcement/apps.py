from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "relocation.enforcement"
    label = "enforcement"
    verbose_name = _("联合执法")
