from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class TrialportalAdminSite(admin.AdminSite):
    site_header = _("Trialportal administration")
    site_title = _("Trialportal")
    index_title = _("Clinical trials pages")
    index_template = "admin/trialportal_index.html"

    def index(self, request, extra_context=None):
        """The index leads with the trials whose review is overdue or due soon."""
        from trials.models import Trial

        extra_context = extra_context or {}
        if request.user.has_perm("trials.view_trial"):
            extra_context["review_panel"] = Trial.objects.review_panel(user=request.user)
        return super().index(request, extra_context)
