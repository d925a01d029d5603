"""Admin for the centre's settings (one row, with its history) and the search vocabulary."""

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from ..models import SiteSettings, SpellingVariant
from ..signals import announce_public_site_change
from ..uploads import (
    MAX_FONT_BYTES,
    MAX_LOGO_BYTES,
    check_font_size,
    check_logo_size,
    read_font,
    read_logo,
)
from .translations import TranslatedAdmin, TranslationChecksForm, in_languages, side_by_side


class ColourInput(forms.TextInput):
    input_type = "color"


class SiteSettingsForm(TranslationChecksForm):
    """The logo and the font arrive as files and are kept in the row once checked."""

    logo_file = forms.FileField(
        label=_("new logo"),
        required=False,
        help_text=_("PNG or SVG, under %(size)d KB.") % {"size": MAX_LOGO_BYTES // 1024},
    )
    remove_logo = forms.BooleanField(label=_("remove the logo"), required=False)
    font_file = forms.FileField(
        label=_("new web font"),
        required=False,
        help_text=_(
            "Optional: a WOFF2 file under %(size)d KB, licensed for use on the web. Without "
            "one, pages use the reader's system font, which reads well everywhere."
        )
        % {"size": MAX_FONT_BYTES // 1024},
    )
    remove_font = forms.BooleanField(label=_("remove the web font"), required=False)

    class Meta:
        model = SiteSettings
        fields = [
            "centre_name",
            "centre_country",
            "phone",
            "email",
            *in_languages("opening_hours", "how_to_take_part", "international_patients"),
            "international_patients_url",
            "logo_alt",
            "brand_colour",
            "header_colour",
            "font_scope",
        ]
        widgets = {"brand_colour": ColourInput, "header_colour": ColourInput}

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        check_logo_size(upload.size)  # before reading it whole
        return read_logo(upload.read())

    def clean_font_file(self):
        upload = self.cleaned_data.get("font_file")
        if not upload:
            return None
        check_font_size(upload.size)
        return read_font(upload.read())

    def clean(self):
        cleaned_data = super().clean()
        logo = cleaned_data.get("logo_file")
        has_logo = bool(logo) or (self.instance.has_logo and not cleaned_data.get("remove_logo"))
        if has_logo and not (cleaned_data.get("logo_alt") or "").strip():
            self.add_error(
                "logo_alt",
                _(
                    "Say what the logo shows (usually the centre's name), for people who "
                    "cannot see it."
                ),
            )
        return cleaned_data

    def save(self, commit=True):
        settings_row = super().save(commit=False)
        if logo := self.cleaned_data.get("logo_file"):
            settings_row.logo = logo.data
            settings_row.logo_content_type = logo.content_type
            settings_row.logo_width, settings_row.logo_height = logo.width, logo.height
        elif self.cleaned_data.get("remove_logo"):
            settings_row.logo, settings_row.logo_content_type = None, ""
            settings_row.logo_width = settings_row.logo_height = None
        if font := self.cleaned_data.get("font_file"):
            settings_row.font = font
        elif self.cleaned_data.get("remove_font"):
            settings_row.font = None
        if commit:
            settings_row.save()
        return settings_row


@admin.register(SiteSettings)
class SiteSettingsAdmin(TranslatedAdmin, VersionAdmin):
    """One row: the list goes straight to it; it cannot be added twice or deleted."""

    form = SiteSettingsForm
    fieldsets = [
        (None, {"fields": ["centre_name", "centre_country"]}),
        (
            _("How families reach the trial office"),
            {
                "description": _(
                    "Shown on the home page, the finder and every trial page (a trial may "
                    "name its own contact), and on printed pages."
                ),
                "fields": [
                    "phone",
                    "email",
                    *side_by_side("opening_hours", "how_to_take_part", "international_patients"),
                    "international_patients_url",
                ],
            },
        ),
        (
            _("The centre's look"),
            {
                "description": _(
                    "Colours are checked against WCAG 2.2 AA: one that would make text or "
                    "controls hard to read is refused, with its measured contrast."
                ),
                "fields": [
                    "current_logo",
                    ("logo_file", "remove_logo"),
                    "logo_alt",
                    ("brand_colour", "header_colour"),
                    "current_font",
                    ("font_file", "remove_font"),
                    "font_scope",
                ],
            },
        ),
    ]
    readonly_fields = ["current_logo", "current_font"]

    @admin.display(description=_("current logo"))
    def current_logo(self, obj):
        if not obj.has_logo:
            return _("None: the header shows the centre's name.")
        url = reverse("centre:logo", kwargs={"version": obj.version})
        return format_html('<img src="{}" alt="{}" height="48">', url, obj.logo_alt)

    @admin.display(description=_("current web font"))
    def current_font(self, obj):
        if not obj.font:
            return _("None: the reader's system font.")
        return _("A WOFF2 font of %(size)d KB.") % {"size": len(obj.font) // 1024}

    def has_add_permission(self, request):
        # The row exists from the first migration on (and the list restores it if not).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)  # its own refusal
        row = SiteSettings.load()
        if row._state.adding:
            row.save()  # deleted around the admin: back with the defaults
        return HttpResponseRedirect(reverse("admin:trials_sitesettings_change", args=[row.pk]))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        announce_public_site_change(reason="centre_settings")


@admin.register(SpellingVariant)
class SpellingVariantAdmin(admin.ModelAdmin):
    list_display = ["spelling", "variant"]
    list_editable = ["variant"]
    search_fields = ["spelling", "variant"]
