from django.contrib.admin.apps import AdminConfig


class TrialportalAdminConfig(AdminConfig):
    default_site = "trialportal.admin.TrialportalAdminSite"
