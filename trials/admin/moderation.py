"""The trial admin's four-eyes workflow: editing the working copy, restoring, approving.

Every view that shows or saves a trial's form runs on its working copy (moderation.py): the
live rows with its open change, or the restored version, applied inside a transaction that
is rolled back unless the save goes live. A save goes live when the trial is not public
(drafts and withdrawn trials: nothing public changes), or when a Publisher saves it; an
Editor's save of a published trial, or a Publisher's "Save as changes awaiting approval",
is stored as changes awaiting approval instead.
"""

import functools

import reversion
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import SimpleTemplateResponse, TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from ..history import Describer, diff_snapshots, trial_history
from ..models import ChangeState, Publication, Trial
from ..moderation import (
    ChangeNotOpen,
    approve_change,
    can_publish,
    discard_change,
    run_on_working_copy,
    send_back_change,
    snapshot_of,
    store_change,
)
from ..versions import Snapshot, settle_new_rows, snapshots_for
from .conflicts import find_conflict
from .forms import ChangeDecisionForm

# The button a Publisher presses to have their own change to a live trial checked first.
WAIT_BUTTON = "_submit_for_approval"
DECISIONS = {"_approve": "approve", "_send_back": "send_back", "_discard": "discard"}


class NothingToSubmit(Exception):
    """A save for approval that changes nothing: no changes are stored."""


class ModeratedVersionAdmin(VersionAdmin):
    revision_form_template = "admin/trials/trial/revision_form.html"
    recover_form_template = "admin/trials/trial/recover_form.html"

    # Buttons on the change form, by the name of the submit button.
    FORM_ACTIONS = {"_publish": "publish", "_withdraw": "withdraw", "_mark_reviewed": "review"}

    def has_publish_permission(self, request) -> bool:
        return can_publish(request.user)

    def requested_form_action(self, request) -> str | None:
        if request.method != "POST":
            return None
        return next(
            (action for name, action in self.FORM_ACTIONS.items() if name in request.POST), None
        )

    def saves_wait(self, request, trial) -> bool:
        """Whether this request's save of `trial` waits for approval rather than going
        live: an Editor's (or, by choice, a Publisher's) save of a published trial."""
        if request.method != "POST" or "_saveasnew" in request.POST:
            return False
        if trial is None or trial.pk is None or trial.publication != Publication.PUBLISHED:
            return False
        return not self.has_publish_permission(request) or WAIT_BUTTON in request.POST

    def url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def admin_url(self, view: str, *args) -> str:
        return reverse(f"{self.admin_site.name}:{self.url_name(view)}", args=args)

    def admin_path(self, route: str, view, name: str):
        """A page of this admin's own: behind the admin's login, named like Django's."""
        return path(route, self.admin_site.admin_view(view), name=self.url_name(name))

    def is_restoring(self, request) -> bool:
        match = request.resolver_match
        return match is not None and match.url_name in {
            self.url_name("revision"),
            self.url_name("recover"),
        }

    # The working copy ----------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        trial = self.get_object(request, unquote(object_id))
        parent_view = super().change_view
        if trial is None or "_saveasnew" in request.POST:
            return parent_view(request, object_id, form_url, extra_context)
        change = trial.open_change
        context = {**(extra_context or {}), "open_change": change}
        return self.on_working_copy(
            request,
            trial,
            source=snapshot_of(change) if change else None,
            view=functools.partial(parent_view, request, object_id, form_url, context),
        )

    def on_working_copy(self, request, trial, *, source, view, with_review=True):
        """Run the form `view` on the trial's working copy with `source` applied (see the
        module's docstring); store a save that waits as changes awaiting approval."""
        waits = self.saves_wait(request, trial)
        if source is None and not waits:
            return view()

        def run(notes):
            for note in notes:
                messages.warning(request, note)
            try:
                response = view()
            except NothingToSubmit:
                messages.info(
                    request, gettext("Nothing was changed, so there is nothing to approve.")
                )
                return redirect(request.path)
            if isinstance(response, SimpleTemplateResponse):
                response.render()  # now, while the working copy is there to be read
            return response

        def keep(outcome):
            if waits and self.saved(request, outcome.result):
                store_change(trial=trial, user=request.user, staged=outcome.staged)

        outcome = run_on_working_copy(
            trial=trial,
            run=run,
            source=source,
            with_review=with_review,
            goes_live=lambda response: not waits and self.saved(request, response),
            keep=keep,
        )
        return outcome.result

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """After someone else's save, the rows come back merged with theirs, as the
        form's fields do (TrialAdminForm.clean)."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if "data" in kwargs and obj.pk is not None and not kwargs["save_as_new"]:
            conflict = find_conflict(obj, request.POST)
            if conflict is not None:
                kwargs["data"] = conflict.data
        return kwargs

    @staticmethod
    def saved(request, response) -> bool:
        return request.method == "POST" and response.status_code == 302

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        trial = form.instance
        if not self.saves_wait(request, trial):
            settle_new_rows(trial)
        elif not (
            form.has_changed()
            or any(formset.has_changed() for formset in formsets)
            or self.requested_form_action(request)
            or self.is_restoring(request)
            # Sent back, and sent again as it is: the Editor asks for a second look.
            or trial.change_requests.filter(state=ChangeState.SENT_BACK).exists()
        ):
            raise NothingToSubmit

    def response_change(self, request, obj):
        if not self.saves_wait(request, obj):
            return super().response_change(request, obj)
        self.message_user(
            request,
            gettext(
                "Your changes to “%(trial)s” are waiting for a publisher's approval. The "
                "public page has not changed."
            )
            % {"trial": obj},
            messages.SUCCESS,
        )
        if "_continue" in request.POST:
            return HttpResponseRedirect(self.admin_url("change", obj.pk))
        return self.response_post_save_change(request, obj)

    # History: restore and recover -------------------------------------------------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = self.check_restorable(version_id, trial_id=unquote(object_id))
        trial = self.get_object(request, unquote(object_id))
        if trial is None:
            raise Http404(gettext("There is no such trial."))
        self.refuse_save_as_new(request)
        when = date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
        context = {
            **(extra_context or {}),
            "title": gettext("Restore the version of %(when)s") % {"when": when},
            "revert": True,
            "restored_version": version,
        }
        view = functools.partial(
            self.restore_form_view,
            request,
            object_id,
            context,
            template=self.revision_form_template,
            comment=gettext("Restored the version of %(when)s.") % {"when": when},
        )
        response = self.on_working_copy(
            request,
            trial,
            source=snapshots_for([version])[version.pk],
            view=view,
            with_review=False,
        )
        if self.saved(request, response):  # live, or waiting for approval
            trial.audit("restore", user=request.user, version_id=version.pk)
        return response

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = self.check_restorable(version_id)
        if Trial.objects.filter(pk=version.object_id).exists():
            raise Http404(gettext("This trial has not been deleted: open its history instead."))
        self.refuse_save_as_new(request)
        context = {
            **(extra_context or {}),
            "title": gettext("Recover %(name)s") % {"name": version.object_repr},
            "recover": True,
        }
        view = functools.partial(
            self.restore_form_view,
            request,
            version.object_id,
            context,
            template=self.recover_form_template,
            comment=gettext("Recovered after it was deleted, as a draft."),
        )
        # A deleted trial comes back as a draft (apply_snapshot writes content only):
        # someone with the right to publish decides whether it goes public again.
        response = self.on_working_copy(
            request, None, source=snapshots_for([version])[version.pk], view=view, with_review=False
        )
        if self.saved(request, response):
            Trial(pk=int(version.object_id)).audit(
                "recover", user=request.user, version_id=version.pk
            )
        return response

    def restore_form_view(self, request, object_id, context, *, template, comment):
        with self.create_revision(request):
            response = self.changeform_view(request, object_id, request.path, context)
            if self.saved(request, response):
                reversion.set_comment(comment)
        if response.status_code == 200 and isinstance(response, TemplateResponse):
            response.template_name = template
        return response

    @staticmethod
    def refuse_save_as_new(request) -> None:
        # A copy made from an old version could carry its state; copies start from the
        # trial's own form, as drafts.
        if request.method == "POST" and "_saveasnew" in request.POST:
            raise PermissionDenied

    @staticmethod
    def check_restorable(version_id, *, trial_id=None) -> Version:
        """Only a version of this very trial, saved on its own, may be restored: a revision
        holding other trials (or another model's version reached through this URL) could
        change those trials too."""
        version = (
            Version.objects.filter(
                pk=version_id, content_type=ContentType.objects.get_for_model(Trial)
            )
            .select_related("revision")
            .first()
        )
        if version is None or (trial_id is not None and version.object_id != str(trial_id)):
            raise Http404(gettext("There is no such version of this trial."))
        trials_in_revision = Version.objects.filter(
            revision_id=version.revision_id, content_type=version.content_type_id
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
        trial = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {})}
        if trial is not None:
            extra_context["history_entries"] = trial_history(trial)
        return super().history_view(request, object_id, extra_context)

    # Changes awaiting approval ------------------------------------------------------------

    def get_urls(self):
        return [
            self.admin_path("<path:object_id>/changes/", self.changes_view, "changes"),
            *super().get_urls(),
        ]

    def changes_view(self, request, object_id):
        """The waiting version beside the live page, field by field; Publishers approve it
        or send it back, its author or a Publisher may discard it."""
        trial = self.get_object(request, unquote(object_id))
        if trial is None:
            raise Http404(gettext("There is no such trial."))
        if not self.has_view_or_change_permission(request, trial):
            raise PermissionDenied
        change = trial.open_change
        decision = next((d for key, d in DECISIONS.items() if key in request.POST), None)
        if request.method == "POST":
            self.check_decision_permission(request, decision, change)
        form = ChangeDecisionForm(
            request.POST or None,
            initial={"change": change.pk if change else None},
            sending_back=decision == "send_back",
        )
        if request.method == "POST" and form.is_valid():
            return self.decide(request, trial, change, decision, form)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Changes awaiting approval"),
            "subtitle": str(trial),
            "original": trial,
            "change": change,
            "form": form,
            "can_publish": self.has_publish_permission(request),
            "can_discard": change is not None
            and (self.has_publish_permission(request) or change.submitted_by_id == request.user.pk),
        }
        if change is not None:
            context.update(self.comparison(trial, change))
        return TemplateResponse(request, "admin/trials/trial/changes.html", context)

    def check_decision_permission(self, request, decision, change) -> None:
        """Approving and sending back need the right to publish, checked here for every
        POST whatever the page showed; discarding is for the author or a Publisher."""
        if decision in {"approve", "send_back"} and not self.has_publish_permission(request):
            raise PermissionDenied
        if decision == "discard" and not (
            self.has_publish_permission(request)
            or (change is not None and change.submitted_by_id == request.user.pk)
        ):
            raise PermissionDenied
        if decision is None:
            raise PermissionDenied

    @staticmethod
    def comparison(trial, change) -> dict:
        """The waiting version against the live page, and the live page against the live
        version the changes were made to (what approving them would undo)."""
        live = Snapshot.of_trial(trial)
        waiting, notes = snapshot_of(change).checked()
        based_on = None
        if change.based_on_id is not None:
            based_on = snapshots_for([change.based_on])[change.based_on_id]
        describer = Describer([live, waiting, *([based_on] if based_on else [])])
        changes, inline_changes = diff_snapshots(live, waiting, describer)
        drift_changes, drift_inline_changes = [], []
        if based_on is not None:
            drift_changes, drift_inline_changes = diff_snapshots(based_on, live, describer)
        return {
            "changes": changes,
            "inline_changes": inline_changes,
            "notes": notes,
            "drift_changes": drift_changes,
            "drift_inline_changes": drift_inline_changes,
        }

    def decide(self, request, trial, change, decision, form):
        here = self.admin_url("changes", trial.pk)
        if change is None or form.cleaned_data["change"] != change.pk:
            messages.error(
                request,
                gettext(
                    "These changes were replaced or decided on while you were reading them: "
                    "check what is waiting now."
                ),
            )
            return redirect(here)
        try:
            if decision == "approve":
                for note in approve_change(change=change, user=request.user):
                    messages.warning(request, note)
                message = gettext("The changes to “%(trial)s” are approved and live.")
            elif decision == "send_back":
                send_back_change(
                    change=change, user=request.user, comment=form.cleaned_data["comment"]
                )
                message = gettext("The changes to “%(trial)s” were sent back to their editor.")
            else:
                discard_change(change=change, user=request.user)
                message = gettext("The changes to “%(trial)s” were discarded.")
        except ChangeNotOpen as error:
            messages.error(request, str(error))
            return redirect(here)
        except ValidationError as error:
            messages.error(
                request,
                gettext("The changes cannot go live as they are: %(errors)s Send them back.")
                % {"errors": " ".join(error.messages)},
            )
            return redirect(here)
        self.message_user(request, message % {"trial": trial}, messages.SUCCESS)
        return redirect(self.admin_url("changelist"))
