from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from . import two_factor


class TrialportalAdminSite(admin.AdminSite):
    site_header = _("Trialportal administration")
    site_title = _("Trialportal")
    index_title = _("Clinical trials pages")
    index_template = "admin/trialportal_index.html"

    def has_permission(self, request):
        """Staff, and past the second sign-in step where they need one: every admin
        view (and the staff preview) asks this before anything else."""
        return super().has_permission(request) and not two_factor.needs_verification(request)

    def login(self, request, extra_context=None):
        """After the password, the authenticator-app code (or setting the app up)."""
        user = request.user
        if (
            request.method == "GET"
            and user.is_authenticated
            and user.is_active
            and user.is_staff
            and two_factor.needs_verification(request)
        ):
            next_url = LoginView().get_redirect_url(request) or reverse("admin:index")
            return HttpResponseRedirect(two_factor.step_url("admin:two_factor_verify", next_url))
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
            path("two-factor/setup/", two_factor.setup, name="two_factor_setup"),
            path("two-factor/sign-out/", two_factor.sign_out, name="two_factor_sign_out"),
            path("two-factor/", self.admin_view(two_factor.account), name="two_factor"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        """The index leads with changes awaiting approval (all of them for Publishers,
        their own for Editors), then the trials whose review is overdue or due soon, then
        those out of step with their registry record."""
        from trials.models import ChangeRequest, Trial
        from trials.moderation import can_publish

        extra_context = extra_context or {}
        if request.user.has_perm("trials.view_trial"):
            extra_context["change_panel"] = {
                "changes": list(
                    ChangeRequest.objects.for_panel(
                        user=request.user, can_publish=can_publish(request.user)
                    )
                ),
                "can_publish": can_publish(request.user),
            }
            extra_context["review_panel"] = Trial.objects.review_panel(user=request.user)
            extra_context["registry_panel"] = {"trials": Trial.objects.registry_panel()}
        return super().index(request, extra_context)
