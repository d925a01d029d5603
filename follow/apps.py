from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowConfig(AppConfig):
    name = "follow"
    verbose_name = _("Follow a trial or a cancer type")

    def ready(self):
        from . import receivers  # noqa: F401  (connects to the trials app's signals)
