"""The trial list's filters in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import (
    CancerType,
)


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


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Review overdue")),
            ("due_30", _("Due within 30 days")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "due_30":
            return queryset.review_due_within(30)
        return queryset
