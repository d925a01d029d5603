"""The registry in the admin: pending registry changes on the trial's form (accept or
dismiss), the trial list's filter, the condition mapping, and importing records."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import ConditionMapping, RegistryRecord
from ..registries.sync import ChangeDecided, accept_change, dismiss_change
from .filters import QuerySetMethodFilter
from .imports import ImportCtgovMixin


class RegistryFilter(QuerySetMethodFilter):
    title = _("registry")
    parameter_name = "registry"
    # The same rules as the admin index's registry panel (TrialQuerySet.registry_panel).
    methods = {
        "out_of_step": "out_of_step_with_registry",
        "closed_in_registry": "closed_in_registry_open_here",
    }

    def lookups(self, request, model_admin):
        return [
            ("out_of_step", _("Out of step with the registry")),
            ("closed_in_registry", _("Open here, closed in the registry")),
        ]


class RegistryWatchMixin(ImportCtgovMixin):
    """For the trial admin: the registry's side of the change form, the import page, and
    their routes."""

    def get_urls(self):
        return [
            self.admin_path("import-ctgov/", self.import_ctgov_view, "import_ctgov"),
            self.admin_path(
                "<path:object_id>/registry-changes/", self.registry_change_view, "registry_change"
            ),
            *super().get_urls(),
        ]

    def registry_context(self, trial) -> dict:
        """The trial's registry record (without its raw JSON) and pending changes, for the
        change form. Two queries."""
        if trial is None:
            return {}
        record = RegistryRecord.objects.filter(trial=trial).first()
        return {
            "registry_record": record,
            "registry_study": record.study if record else None,
            "registry_changes": list(trial.registry_changes.pending().order_by("since", "pk")),
            "registry_change_url": self.admin_url("registry_change", trial.pk),
        }

    def registry_change_view(self, request, object_id):
        """Accept or dismiss one pending registry change (POST from the change form)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        trial = self.get_object(request, unquote(object_id))
        if trial is None:
            raise Http404(gettext("There is no such trial."))
        if not self.has_change_permission(request, trial):
            raise PermissionDenied
        decision = "accept" if "registry_accept" in request.POST else "dismiss"
        change_id = request.POST.get(f"registry_{decision}", "")
        change = (
            trial.registry_changes.filter(pk=change_id).first() if change_id.isdigit() else None
        )
        back = HttpResponseRedirect(self.admin_url("change", trial.pk))
        if change is None:
            self.message_user(request, gettext("There is no such registry change."), messages.ERROR)
            return back
        described = change.describe()
        try:
            if decision == "dismiss":
                dismiss_change(change=change, user=request.user)
                text = gettext("Dismissed the registry's %(change)s: the page stays as it is.")
            elif accept_change(change=change, user=request.user):
                text = gettext(
                    "Accepted the registry's %(change)s: it waits for a publisher's approval."
                )
            else:
                text = gettext("Accepted the registry's %(change)s.")
        except ChangeDecided as error:
            self.message_user(request, str(error), messages.WARNING)
            return back
        except ValidationError as error:
            self.message_user(
                request,
                gettext("The registry's %(change)s cannot be accepted: %(why)s")
                % {"change": described, "why": " ".join(error.messages)},
                messages.ERROR,
            )
            return back
        self.message_user(request, text % {"change": described}, messages.SUCCESS)
        return back


@admin.register(ConditionMapping)
class ConditionMappingAdmin(admin.ModelAdmin):
    list_display = ["term", "cancer_type"]
    list_select_related = ["cancer_type"]
    search_fields = ["term", "cancer_type__name"]
    autocomplete_fields = ["cancer_type"]
