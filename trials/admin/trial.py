"""The trial admin: fieldsets in page order, inlines, publishing, review and the trial list.

How saves of a published trial wait for approval, and restoring, is in moderation.py.
"""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied
from django.template.defaultfilters import date as format_date
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from ..models import ChangeState, Publication, Trial
from ..moderation import conclude_open_change, submit_change
from ..paging import IdsFirstPaginator
from ..signals import announce_public_change
from .content import OldAddressesMixin
from .filters import CancerTypeListFilter, ChangesFilter, ReviewDueFilter
from .forms import TrialAdminForm
from .inlines import ApprovalInline, ArmInline, RegistryNumberInline, TrialInvestigatorInline
from .moderation import WAIT_BUTTON, ModeratedVersionAdmin
from .registry import RegistryFilter, RegistryWatchMixin
from .translations import TranslatedAdmin, side_by_side

# What a bulk action says it did, by action.
DONE = {
    "publish": ngettext_lazy(
        "%(count)d trial was published.", "%(count)d trials were published.", "count"
    ),
    "withdraw": ngettext_lazy(
        "%(count)d trial was withdrawn from the public site.",
        "%(count)d trials were withdrawn from the public site.",
        "count",
    ),
    "review": ngettext_lazy(
        "%(count)d trial was marked as reviewed.",
        "%(count)d trials were marked as reviewed.",
        "count",
    ),
}
REVIEW_WAITS = ngettext_lazy(
    "Your review of %(count)d published trial waits for a publisher's approval.",
    "Your review of %(count)d published trials waits for a publisher's approval.",
    "count",
)


@admin.register(Trial)
class TrialAdmin(RegistryWatchMixin, OldAddressesMixin, TranslatedAdmin, ModeratedVersionAdmin):
    form = TrialAdminForm
    # In the order of the public trial page.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "short_name",
                    *side_by_side("subtitle"),
                    "slug",
                    "old_addresses",
                    "official_title",
                    *side_by_side("summary"),
                ]
            },
        ),
        (
            _("Who can enter"),
            {
                "fields": [
                    *side_by_side("eligibility"),
                    ("min_age_months", "max_age_months"),
                    "disease_setting",
                ]
            },
        ),
        (
            _("Goal and background"),
            {"fields": side_by_side("goal", "background", "arms_intro")},
        ),
        (
            _("Study details"),
            {
                "fields": [
                    "cancer_types",
                    ("phase", "design_note"),
                    ("max_patients_total", "max_patients_local"),
                    ("start_date", "start_date_precision"),
                    ("end_date", "end_date_precision"),
                    "status",
                    *side_by_side("status_note"),
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
        "old_addresses",
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
    # Reversion's (with "Recover deleted trials"), plus "Import from ClinicalTrials.gov".
    change_list_template = "admin/trials/trial/change_list.html"
    object_history_template = "admin/trials/trial/object_history.html"

    list_display = [
        "short_name",
        "subtitle",
        "status",
        "phase",
        "publication",
        "changes_awaiting_approval",
        "last_reviewed",
        "review_due",
    ]
    list_filter = [
        "status",
        "phase",
        CancerTypeListFilter,
        "publication",
        ChangesFilter,
        ReviewDueFilter,
        RegistryFilter,
    ]
    list_select_related = ["last_reviewed_by"]
    search_help_text = _(
        "The public site's search: names, titles, texts, cancer types (with their group), "
        "drugs, investigators, sponsors and registry numbers."
    )
    list_per_page = 50
    # "50 results (100,000 total)" would count every trial again on every page.
    show_full_result_count = False
    actions = ["publish_trials", "withdraw_trials", "mark_trials_reviewed"]

    short_text_fields = {"official_title": 2, "summary": 4}

    def get_queryset(self, request):
        return super().get_queryset(request).with_open_change()

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A page's rows are read by id, as the list shows them, without its filters again;
        # with a search, its ids come with the total (the page asked for is read as the
        # ChangeList does), so the search is evaluated once.
        rows = self.get_queryset(request).select_related(*self.list_select_related)
        expected_page = None
        if request.GET.get(SEARCH_VAR, "").strip():
            try:
                expected_page = int(request.GET.get(PAGE_VAR, 1))
            except ValueError:
                expected_page = 1
        return IdsFirstPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            rows=rows,
            expected_page=expected_page,
        )

    def changelist_view(self, request, extra_context=None):
        # Not inside one revision, as VersionAdmin would: each bulk action records a
        # revision per trial (apply_to_each), so that each can be restored on its own.
        context = {"has_change_permission": self.has_change_permission(request)}
        return admin.ModelAdmin.changelist_view(self, request, {**context, **(extra_context or {})})

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
        return queryset.matching(search_term), False

    def view_on_site(self, obj):
        # Drafts and withdrawn trials open in the staff preview, not a public 404.
        return obj.get_absolute_url() if obj.is_public else obj.get_preview_url()

    @admin.display(description=_("next review due"))
    def next_review_due(self, obj):
        return self.review_due(obj)

    @admin.display(description=_("review due"), ordering="last_reviewed")
    def review_due(self, obj):
        due = obj.next_review_due
        if not obj.is_review_overdue:
            return format_date(due) if due else "—"
        if due is None:
            return format_html('<strong class="review-overdue">{}</strong>', _("never reviewed"))
        return format_html(
            '<strong class="review-overdue">{} ({})</strong>', format_date(due), _("overdue")
        )

    @admin.display(description=_("changes"), ordering="open_change_submitted_at")
    def changes_awaiting_approval(self, obj):
        """From TrialQuerySet.with_open_change(): no query per row."""
        if obj.open_change_state is None:
            return "—"
        if obj.open_change_state == ChangeState.SENT_BACK:
            text = _("Sent back: %(who)s")
        else:
            text = _("Waiting: %(who)s")
        who = obj.open_change_submitted_by or "?"
        return format_html(
            '<a href="{}">{}</a>', self.admin_url("changes", obj.pk), text % {"who": who}
        )

    # Publishing, withdrawing and reviewing -----------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        action = self.requested_form_action(request)
        if action in {"publish", "withdraw"} and not self.has_publish_permission(request):
            # The buttons are not shown to editors; a crafted POST is refused outright.
            raise PermissionDenied
        original = self.get_object(request, object_id) if object_id else None
        extra_context = {
            **(extra_context or {}),
            "can_publish": self.has_publish_permission(request),
            "edits_wait": original is not None
            and original.is_public
            and not self.has_publish_permission(request),
            "wait_button": WAIT_BUTTON,
            **self.registry_context(original),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            # Added, or saved as new from another trial's form: always a draft, with no
            # publication or review of its own yet.
            obj.publication = Publication.DRAFT
            obj.published_at = obj.published_by = None
            obj.withdrawn_at = obj.withdrawn_by = None
            obj.last_reviewed = obj.last_reviewed_by = None
        action = self.requested_form_action(request)
        waits = self.saves_wait(request, obj)
        if action is None:
            super().save_model(request, obj, form, change)
        else:
            # One save, one revision: the edits and the publication or review together.
            self.apply_action(obj, action, user=request.user)
        if change and not waits:
            conclude_open_change(obj, user=request.user, included=not self.is_restoring(request))
        if obj.is_public and not waits and action not in {"publish", "withdraw"}:
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

    def apply_to_each(self, request, queryset, action: str) -> None:
        """Publish, withdraw or mark as reviewed one trial at a time, each recorded in
        its history with who did it, and say how many. An Editor's review of a published
        trial waits for approval, as their other changes to it do."""
        done = waiting = 0
        for trial in queryset:
            if trial.is_public and not self.has_publish_permission(request):
                submit_change(
                    trial=trial,
                    user=request.user,
                    edit=lambda working, action=action: self.apply_action(
                        working, action, user=request.user
                    ),
                    comment=self.action_comment(action),
                )
                waiting += 1
                continue
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(self.action_comment(action))
                self.apply_action(trial, action, user=request.user)
            done += 1
        if done or not waiting:
            self.message_user(request, DONE[action] % {"count": done}, messages.SUCCESS)
        if waiting:
            self.message_user(request, REVIEW_WAITS % {"count": waiting}, messages.SUCCESS)

    @admin.action(description=_("Publish selected trials"), permissions=["publish"])
    def publish_trials(self, request, queryset):
        self.apply_to_each(request, queryset.exclude(publication="published"), "publish")

    @admin.action(description=_("Withdraw selected trials from the site"), permissions=["publish"])
    def withdraw_trials(self, request, queryset):
        self.apply_to_each(request, queryset.filter(publication="published"), "withdraw")

    @admin.action(description=_("Mark selected trials as reviewed today"), permissions=["change"])
    def mark_trials_reviewed(self, request, queryset):
        self.apply_to_each(request, queryset, "review")
