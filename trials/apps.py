from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "trials"
    verbose_name = _("Clinical trials")

    def ready(self):
        # Signal receivers: status changes are recorded, cached pages start a new generation.
        from . import events, page_cache  # noqa: F401
