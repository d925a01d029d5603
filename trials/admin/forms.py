"""The trial admin's forms: registry numbers named by their trial, and the edit-conflict check."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..history import working_version_token
from ..models import DatePrecision, RegistryNumber, Trial
from .conflicts import Conflict, find_conflict
from .translations import TranslationChecksForm


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


class VersionTokenField(forms.CharField):
    """Which version the form was loaded from; bookkeeping, never a change of its own."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


DATE_PRECISION_FIELDS = ("start_date_precision", "end_date_precision")


class TrialAdminForm(TranslationChecksForm):
    """Refuses to overwrite a save someone else made while this form was open, and
    merges their changes into it (see conflicts.py) so that saving again keeps both."""

    loaded_version = VersionTokenField(required=False)

    class Meta:
        model = Trial
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = working_version_token(self.instance)
        for name in DATE_PRECISION_FIELDS:
            if name in self.fields:
                # A form that leaves it out (a script's post) means a full date.
                self.fields[name].required = False

    def clean_start_date_precision(self):
        return self.cleaned_data.get("start_date_precision") or DatePrecision.DAY

    def clean_end_date_precision(self):
        return self.cleaned_data.get("end_date_precision") or DatePrecision.DAY

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        # Lock the trial until this save commits (PostgreSQL), so two saves arriving
        # together are compared one after the other.
        Trial.objects.select_for_update().filter(pk=self.instance.pk).exists()
        conflict = find_conflict(self.instance, self.data)
        if conflict is not None:
            # The form comes back merged, naming the version saved since: saving it again
            # keeps their changes and the editor's.
            self.data = conflict.data
            raise ValidationError(conflict_messages(conflict))
        return cleaned_data


def conflict_messages(conflict: Conflict) -> list[str]:
    revision = conflict.current.revision
    who = revision.user or gettext("someone else")
    when = date_format(timezone.localtime(revision.date_created), "DATETIME_FORMAT")
    messages_ = [
        gettext(
            "%(who)s saved this trial at %(when)s, while you were editing it. Nothing "
            "was saved from your form."
        )
        % {"who": who, "when": when}
    ]
    messages_ += [
        gettext("They changed %(field)s: “%(old)s” → “%(new)s”.")
        % {"field": change.label, "old": change.old, "new": change.new}
        for change in conflict.changes
    ]
    messages_ += [
        gettext("They %(kind)s the %(model)s “%(name)s”.")
        % {"kind": change.kind_label, "model": change.model_label, "name": change.name}
        for change in conflict.inline_changes
    ]
    if not conflict.merged:
        messages_.append(
            gettext(
                "There is no record of the version you opened, so their changes cannot be "
                "listed or merged: see the trial's history. Your form is as you typed it; "
                "saving again keeps it as it is."
            )
        )
        return messages_
    if conflict.taken:
        messages_.append(
            gettext("Their changes are now in your form, beside yours: %(fields)s.")
            % {"fields": ", ".join(conflict.taken)}
        )
    if conflict.both:
        messages_.append(
            gettext(
                "You both changed %(fields)s: your version is in the form and replaces "
                "theirs when you save again."
            )
            % {"fields": ", ".join(conflict.both)}
        )
    messages_.append(gettext("Check the form, then save again."))
    return messages_


class ChangeDecisionForm(forms.Form):
    """A Publisher's decision on changes awaiting approval."""

    change = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment for the editor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you send the changes back: say what needs doing."),
    )

    def __init__(self, *args, sending_back: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending_back = sending_back

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if self.sending_back and not comment:
            raise ValidationError(
                _("Say what the editor should change: they see this comment on the form.")
            )
        return comment
