"""The trial admin: fieldsets in page order, inlines, publishing, review and history."""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.template.defaultfilters import date as format_date
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from ..history import trial_history
from ..models import (
    Approval,
    Arm,
    Publication,
    Registry,
    RegistryNumber,
    Trial,
    TrialInvestigator,
)
from ..signals import announce_public_change
from .filters import CancerTypeListFilter, ReviewDueFilter
from .forms import RegistryNumberForm, RegistryNumberFormSet, TrialAdminForm


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


class RegistryNumberInline(admin.TabularInline):
    model = RegistryNumber
    form = RegistryNumberForm
    formset = RegistryNumberFormSet
    fields = ["registry", "value"]
    max_num = len(Registry)
    extra = 0


@admin.register(Trial)
class TrialAdmin(VersionAdmin):
    form = TrialAdminForm
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
            _("Contact for families"),
            {
                "description": _(
                    "Leave empty to show the trial office's phone and email (Centre settings)."
                ),
                "fields": ["contact_name", ("contact_phone", "contact_email")],
            },
        ),
        (
            _("Publication and review"),
            {
                "fields": [
                    "publication",
                    ("published_at", "published_by"),
                    ("withdrawn_at", "withdrawn_by"),
                    ("last_reviewed", "last_reviewed_by", "next_review_due"),
                    ("created_at", "updated_at"),
                    "loaded_version",
                ]
            },
        ),
    ]
    # Publication and review change only through their buttons and actions, so each
    # is recorded with who and when, and only publishers can publish.
    readonly_fields = [
        "publication",
        "published_at",
        "published_by",
        "withdrawn_at",
        "withdrawn_by",
        "last_reviewed",
        "last_reviewed_by",
        "next_review_due",
        "created_at",
        "updated_at",
    ]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["cancer_types", "sponsor", "network"]
    inlines = [TrialInvestigatorInline, ArmInline, ApprovalInline, RegistryNumberInline]
    save_on_top = True
    change_form_template = "admin/trials/trial/change_form.html"
    object_history_template = "admin/trials/trial/object_history.html"

    list_display = [
        "short_name",
        "subtitle",
        "status",
        "phase",
        "publication",
        "last_reviewed",
        "review_due",
    ]
    list_filter = ["status", "phase", CancerTypeListFilter, "publication", ReviewDueFilter]
    list_select_related = ["last_reviewed_by"]
    search_help_text = _(
        "The public site's search: names, titles, texts, cancer types (with their group), "
        "drugs, investigators, sponsors and registry numbers."
    )
    list_per_page = 50
    actions = ["publish_trials", "withdraw_trials", "mark_trials_reviewed"]

    short_text_fields = {"official_title": 2, "summary": 4}

    # Buttons on the change form, by the name of the submit button.
    FORM_ACTIONS = {"_publish": "publish", "_withdraw": "withdraw", "_mark_reviewed": "review"}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.short_text_fields:
            rows = self.short_text_fields[db_field.name]
            kwargs["widget"] = AdminTextareaWidget(attrs={"rows": rows})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_fields(self, request):
        # Any value shows the search box; get_search_results does the searching.
        return ["short_name"]

    def get_search_results(self, request, queryset, search_term):
        """The one search families use (trials.search), so staff find what they find."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def view_on_site(self, obj):
        # Drafts and withdrawn trials open in the staff preview, not a public 404.
        return obj.get_absolute_url() if obj.is_public else obj.get_preview_url()

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("trials.publish_trial")

    @admin.display(description=_("next review due"))
    def next_review_due(self, obj):
        return self.review_due(obj)

    @admin.display(description=_("review due"), ordering="last_reviewed")
    def review_due(self, obj):
        due = obj.next_review_due
        if due is None:
            return format_html('<strong class="review-overdue">{}</strong>', _("never reviewed"))
        if obj.is_review_overdue:
            return format_html(
                '<strong class="review-overdue">{} ({})</strong>', format_date(due), _("overdue")
            )
        return format_date(due)

    # Publishing, withdrawing and reviewing -----------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        action = self.requested_form_action(request)
        if action in {"publish", "withdraw"} and not self.has_publish_permission(request):
            # The buttons are not shown to editors; a crafted POST is refused outright.
            raise PermissionDenied
        extra_context = {
            **(extra_context or {}),
            "can_publish": self.has_publish_permission(request),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def requested_form_action(self, request) -> str | None:
        if request.method != "POST":
            return None
        return next(
            (action for name, action in self.FORM_ACTIONS.items() if name in request.POST), None
        )

    def save_model(self, request, obj, form, change):
        kept = getattr(request, "trial_state_before_restore", None)
        if kept:
            for name, value in kept.items():
                setattr(obj, name, value)
        if getattr(request, "trial_recovering", False):
            # A deleted trial comes back as a draft: someone with the right to publish
            # decides whether it goes public again.
            obj.publication = Publication.DRAFT
            obj.published_at = obj.published_by = None
        action = self.requested_form_action(request)
        if action is None:
            super().save_model(request, obj, form, change)
        else:
            # One save, one revision: the edits and the publication or review together.
            self.apply_action(obj, action, user=request.user)
        if obj.is_public and action not in {"publish", "withdraw"}:
            announce_public_change(obj.pk, reason="changed")

    def delete_model(self, request, obj):
        was_public, pk = obj.is_public, obj.pk
        super().delete_model(request, obj)
        if was_public:
            announce_public_change(pk, reason="deleted")

    def delete_queryset(self, request, queryset):
        public_ids = list(
            queryset.filter(publication=Publication.PUBLISHED).values_list("pk", flat=True)
        )
        super().delete_queryset(request, queryset)
        for pk in public_ids:
            announce_public_change(pk, reason="deleted")

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self.comment_on_action(request, entry)
        return entry

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self.comment_on_action(request, entry)
        return entry

    def comment_on_action(self, request, entry) -> None:
        """The revision's comment says what the button did, then what the form changed."""
        action = self.requested_form_action(request)
        if action and reversion.is_active():
            reversion.set_comment(f"{self.action_comment(action)} {entry.get_change_message()}")

    @staticmethod
    def apply_action(trial, action: str, *, user) -> None:
        {"publish": trial.publish, "withdraw": trial.withdraw, "review": trial.mark_reviewed}[
            action
        ](user=user)

    @staticmethod
    def action_comment(action: str) -> str:
        return {
            "publish": gettext("Published."),
            "withdraw": gettext("Withdrawn from the public site."),
            "review": gettext("Marked as reviewed."),
        }[action]

    def apply_to_each(self, request, queryset, action: str) -> int:
        """Publish, withdraw or mark as reviewed one trial at a time, each recorded in
        its history with who did it."""
        count = 0
        for trial in queryset:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(self.action_comment(action))
                self.apply_action(trial, action, user=request.user)
            count += 1
        return count

    @admin.action(description=_("Publish selected trials"), permissions=["publish"])
    def publish_trials(self, request, queryset):
        count = self.apply_to_each(request, queryset.exclude(publication="published"), "publish")
        self.message_user(
            request,
            ngettext("%(count)d trial was published.", "%(count)d trials were published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw selected trials from the site"), permissions=["publish"])
    def withdraw_trials(self, request, queryset):
        count = self.apply_to_each(request, queryset.filter(publication="published"), "withdraw")
        self.message_user(
            request,
            ngettext(
                "%(count)d trial was withdrawn from the public site.",
                "%(count)d trials were withdrawn from the public site.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark selected trials as reviewed today"), permissions=["change"])
    def mark_trials_reviewed(self, request, queryset):
        count = self.apply_to_each(request, queryset, "review")
        self.message_user(
            request,
            ngettext(
                "%(count)d trial was marked as reviewed.",
                "%(count)d trials were marked as reviewed.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    # History ----------------------------------------------------------------------

    # Restoring brings back content; whether the page is public, and when it was last
    # reviewed, stay as they are (publishing has its own buttons and permission).
    KEPT_ON_RESTORE = (
        "publication",
        "published_at",
        "published_by_id",
        "withdrawn_at",
        "withdrawn_by_id",
        "last_reviewed",
        "last_reviewed_by_id",
    )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self.check_restorable(version_id, trial_id=object_id)
        current = Trial.objects.filter(pk=object_id).values(*self.KEPT_ON_RESTORE).first()
        request.trial_state_before_restore = current
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = self.check_restorable(version_id)
        if Trial.objects.filter(pk=version.object_id).exists():
            raise Http404(gettext("This trial has not been deleted: open its history instead."))
        request.trial_recovering = True
        return super().recover_view(request, version_id, extra_context)

    @staticmethod
    def check_restorable(version_id, *, trial_id=None) -> Version:
        """Only a version of this very trial, saved on its own, may be restored: reverting
        a revision reverts everything in it, so one holding other trials (or another
        model's version reached through this URL) could change those trials too."""
        version = Version.objects.filter(
            pk=version_id, content_type=ContentType.objects.get_for_model(Trial)
        ).first()
        if version is None or (trial_id is not None and version.object_id != str(trial_id)):
            raise Http404(gettext("There is no such version of this trial."))
        trials_in_revision = Version.objects.filter(
            revision_id=version.revision_id, content_type=version.content_type
        ).count()
        if trials_in_revision > 1:
            raise Http404(
                gettext(
                    "This version was saved together with other trials, so it cannot be "
                    "restored on its own."
                )
            )
        return version

    def history_view(self, request, object_id, extra_context=None):
        trial = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if trial is not None:
            extra_context["history_entries"] = trial_history(trial)
        return super().history_view(request, object_id, extra_context)
