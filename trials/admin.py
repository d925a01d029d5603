from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    Approval,
    Arm,
    CancerType,
    GlossaryTerm,
    Investigator,
    Organisation,
    Publication,
    Registry,
    RegistryNumber,
    Trial,
    TrialInvestigator,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "website"]
    search_fields = ["name", "location"]


@admin.register(Investigator)
class InvestigatorAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "specialty"]
    search_fields = ["name", "specialty"]


@admin.register(CancerType)
class CancerTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    list_filter = ["parent"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "parent", "description"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["term", "explanation"]
    prepopulated_fields = {"slug": ["term"]}


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


class TrialInvestigatorInline(admin.TabularInline):
    model = TrialInvestigator
    autocomplete_fields = ["investigator"]
    fields = ["investigator", "role", "order"]
    extra = 0


class ArmInline(admin.TabularInline):
    model = Arm
    fields = ["name", "intervention", "target", "description", "status", "order"]
    formfield_overrides = {
        models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 2, "cols": 30})},
    }
    extra = 0


class ApprovalInline(admin.StackedInline):
    model = Approval
    fields = [
        ("kind", "decision_date"),
        "body",
        "reference_number",
        "note",
        ("more_information_url", "more_information_label"),
    ]
    formfield_overrides = {
        models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})},
    }
    extra = 0


class RegistryNumberForm(forms.ModelForm):
    def validate_unique(self):
        """Name the trial that already has the number, rather than only saying it exists.

        Runs after the model's clean(), so the number is checked as it will be saved."""
        if self.has_changed() and not (self.has_error("registry") or self.has_error("value")):
            self.check_number_is_free()
        super().validate_unique()

    def check_number_is_free(self):
        number = self.instance
        clashes = Q(registry=number.registry, value=number.value)
        if number.trial_id is not None:
            clashes |= Q(registry=number.registry, trial_id=number.trial_id)
        others = RegistryNumber.objects.filter(clashes).exclude(pk=number.pk)
        for other in others.select_related("trial"):
            if other.value == number.value:
                self.add_error(
                    "value",
                    _("%(value)s is already the %(registry)s of %(trial)s.")
                    % {
                        "value": other.value,
                        "registry": other.get_registry_display(),
                        "trial": other.trial,
                    },
                )
            else:
                self.add_error(
                    "registry",
                    _(
                        "This trial already has a %(registry)s (%(value)s); a trial has one "
                        "number per registry."
                    )
                    % {"registry": other.get_registry_display(), "value": other.value},
                )


class RegistryNumberFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        unique_check = sorted(field for field in unique_check if field != self.fk.name)
        if unique_check == ["registry"]:
            return _(
                "A trial has one number per registry: remove the duplicate or choose "
                "another registry."
            )
        if unique_check == ["registry", "value"]:
            return _("The same registry number is given twice: remove the duplicate.")
        return super().get_unique_error_message(unique_check)


class RegistryNumberInline(admin.TabularInline):
    model = RegistryNumber
    form = RegistryNumberForm
    formset = RegistryNumberFormSet
    fields = ["registry", "value"]
    max_num = len(Registry)
    extra = 0


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin):
    # In the order of the public trial page.
    fieldsets = [
        (
            None,
            {"fields": ["short_name", "subtitle", "slug", "official_title", "summary"]},
        ),
        (
            _("Who can enter"),
            {
                "fields": [
                    "eligibility",
                    ("min_age_months", "max_age_months"),
                    "disease_setting",
                ]
            },
        ),
        (
            _("Goal and background"),
            {"fields": ["goal", "background", "arms_intro"]},
        ),
        (
            _("Study details"),
            {
                "fields": [
                    "cancer_types",
                    ("phase", "design_note"),
                    ("max_patients_total", "max_patients_local"),
                    ("start_date", "end_date"),
                    ("status", "status_note"),
                    "sponsor",
                    "network",
                ]
            },
        ),
        (
            _("Page upkeep"),
            {"fields": ["last_reviewed", "publication", ("created_at", "updated_at")]},
        ),
    ]
    readonly_fields = ["created_at", "updated_at"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["cancer_types", "sponsor", "network"]
    inlines = [TrialInvestigatorInline, ArmInline, ApprovalInline, RegistryNumberInline]
    save_on_top = True

    list_display = ["short_name", "subtitle", "status", "phase", "publication", "last_reviewed"]
    list_filter = ["status", "phase", CancerTypeListFilter, "publication"]
    search_fields = ["short_name", "subtitle", "official_title", "registry_numbers__value"]
    search_help_text = _("Search by short name, title or registry number.")
    list_per_page = 50
    actions = ["publish", "unpublish"]

    short_text_fields = {"official_title": 2, "summary": 4, "eligibility": 4, "arms_intro": 2}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.short_text_fields:
            rows = self.short_text_fields[db_field.name]
            kwargs["widget"] = AdminTextareaWidget(attrs={"rows": rows})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def view_on_site(self, obj):
        # Link straight to the public page rather than through admin/r/.
        return obj.get_absolute_url()

    @admin.action(description=_("Publish selected trials"), permissions=["change"])
    def publish(self, request, queryset):
        count = self._set_publication(request, queryset, Publication.PUBLISHED)
        self.message_user(
            request,
            ngettext("%(count)d trial was published.", "%(count)d trials were published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Move selected trials back to draft"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = self._set_publication(request, queryset, Publication.DRAFT)
        self.message_user(
            request,
            ngettext(
                "%(count)d trial was moved back to draft.",
                "%(count)d trials were moved back to draft.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def _set_publication(self, request, queryset, publication: str) -> int:
        """Set `publication` on the trials that differ, with a history entry for each."""
        trials = list(queryset.exclude(publication=publication))
        if not trials:
            return 0
        Trial.objects.filter(pk__in=[trial.pk for trial in trials]).update(
            publication=publication, updated_at=timezone.now()
        )
        with translation.override(None):
            label = capfirst(Trial._meta.get_field("publication").verbose_name)
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=trials,
                action_flag=CHANGE,
                change_message=[{"changed": {"fields": [str(label)]}}],
            )
        return len(trials)
