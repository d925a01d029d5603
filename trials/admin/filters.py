"""The trial list's filters in the admin."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ..models import CancerType, ChangeRequest
from ..review import DUE_SOON_DAYS


class CancerTypeListFilter(admin.SimpleListFilter):
    """Cancer types as the public finder treats them: a group also finds the trials
    tagged with any of its types. Choices are listed group by group, in one query."""

    title = CancerType._meta.verbose_name
    parameter_name = "cancer_type"

    def lookups(self, request, model_admin):
        cancer_types = list(CancerType.objects.order_by("name"))
        self.cancer_types_by_slug = {cancer_type.slug: cancer_type for cancer_type in cancer_types}
        choices = []
        for group in (cancer_type for cancer_type in cancer_types if cancer_type.is_group):
            choices.append((group.slug, group.name))
            choices.extend(
                (cancer_type.slug, f"— {cancer_type.name}")
                for cancer_type in cancer_types
                if cancer_type.parent_id == group.pk
            )
        return choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        cancer_type = self.cancer_types_by_slug.get(self.value())
        if cancer_type is None:
            return queryset.none()
        return queryset.in_cancer_types([cancer_type])


class QuerySetMethodFilter(admin.SimpleListFilter):
    """A filter whose choices each call one TrialQuerySet method: the rule is the one the
    admin index's panels use, written once on the QuerySet."""

    # A choice's value -> the name of the QuerySet method that filters for it.
    methods: dict[str, str] = {}

    def queryset(self, request, queryset):
        method = self.methods.get(self.value())
        return getattr(queryset, method)() if method else queryset


class ReviewDueFilter(QuerySetMethodFilter):
    title = _("review")
    parameter_name = "review"
    # The same rules as the admin index's review panel (TrialQuerySet.review_panel).
    methods = {"overdue": "review_overdue", "due_soon": "review_due_within"}

    def lookups(self, request, model_admin):
        due_soon = ngettext_lazy(
            "Due within %(days)d day", "Due within %(days)d days", DUE_SOON_DAYS
        ) % {"days": DUE_SOON_DAYS}
        return [("overdue", _("Review overdue")), ("due_soon", due_soon)]


class ChangesFilter(admin.SimpleListFilter):
    """Changes awaiting approval: all of them (a Publisher's work list), and an Editor's
    own, waiting or sent back to them."""

    title = _("changes awaiting approval")
    parameter_name = "changes"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Waiting for approval")),
            ("mine", _("Submitted by me, waiting")),
            ("sent_back", _("Sent back to me")),
        ]

    def queryset(self, request, queryset):
        changes = {
            "waiting": ChangeRequest.objects.waiting(),
            "mine": ChangeRequest.objects.waiting_from(request.user),
            "sent_back": ChangeRequest.objects.sent_back_to(request.user),
        }.get(self.value())
        if changes is None:
            return queryset
        return queryset.filter(Exists(changes.filter(trial=OuterRef("pk"))))
