from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class TrialportalAdminConfig(AdminConfig):
    default_site = "trialportal.admin.TrialportalAdminSite"


class TrialportalConfig(AppConfig):
    """The site around the trials: staff sign-in, health probes, logs, error pages."""

    name = "trialportal"
    verbose_name = _("Trialportal")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import lockout  # noqa: F401 - connects the lockout audit event
        from .middleware import mark_session_used_at_login
        from .two_factor import note_enrolment_at_sign_in

        user_logged_in.connect(mark_session_used_at_login, dispatch_uid="sliding_session")
        user_logged_in.connect(note_enrolment_at_sign_in, dispatch_uid="two_factor_enrolment")
