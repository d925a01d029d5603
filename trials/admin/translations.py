"""Texts in Dutch and English in the admin: both languages side by side, and translations
that may be out of date flagged until staff confirm them (models/translated.py).

Side by side rather than as tabs: modeltranslation's tabs need jQuery UI and scripts the
admin's Content-Security-Policy would have to allow; two fields in one row need nothing.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from ..models.translated import content_languages, language_name, localized


def side_by_side(*names: str) -> list[tuple[str, ...]]:
    """Fieldset rows: each text's languages in one row ("summary_en", "summary_nl")."""
    return [tuple(localized(name, code) for code in content_languages()) for name in names]


def in_languages(*names: str) -> list[str]:
    """Each text's column per language, one after another."""
    return [field for row in side_by_side(*names) for field in row]


class TranslationChecksForm(forms.ModelForm):
    """Adds "translations checked": staff confirm that translations flagged as possibly
    out of date say the same as the changed text."""

    confirm_translations = forms.BooleanField(
        label=_("translations checked"),
        required=False,
        help_text=_(
            "Tick when the texts listed as possibly out of date say the same as the changed "
            "text; the public page then stops saying they may be out of date."
        ),
    )

    def save(self, commit=True):
        if self.cleaned_data.get("confirm_translations"):
            self.instance.confirm_translations()
        return super().save(commit)


def describe_outdated(obj) -> list[str]:
    """ "Dutch summary: the English text changed after it was translated." for each."""
    model = type(obj)
    return [
        gettext("%(language)s %(field)s: the %(source)s text changed after it was translated.")
        % {
            "language": language_name(code),
            "field": model._meta.get_field(name).verbose_name,
            "source": language_name(changed_in),
        }
        for name, code, changed_in in obj.outdated_translations()
    ]


class OutdatedTranslationsMixin:
    @admin.display(description=_("possibly out of date"))
    def outdated_translations(self, obj):
        lines = describe_outdated(obj) if obj and obj.pk else []
        if not lines:
            return "–"
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines))


class TranslatedAdmin(OutdatedTranslationsMixin, TranslationAdmin):
    """A model admin with texts in both languages. When some translation may be out of
    date, the form starts with a "Translations" box naming them, with the checkbox."""

    form = TranslationChecksForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.outdated_translations():
            return fieldsets
        box = (
            _("Translations"),
            {"fields": ["outdated_translations", "confirm_translations"]},
        )
        return [box, *fieldsets]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "outdated_translations"]


class TranslatedTabularInline(OutdatedTranslationsMixin, TranslationTabularInline):
    form = TranslationChecksForm

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "outdated_translations"]
