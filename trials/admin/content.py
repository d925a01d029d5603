"""Admin for what trials refer to: organisations, investigators, cancer types, glossary."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from trialportal.languages import without_language

from ..models import (
    CancerType,
    GlossaryTerm,
    Investigator,
    Organisation,
)
from .translations import TranslatedAdmin, in_languages, side_by_side


class OldAddressesMixin:
    """Shows a page's earlier addresses, which still lead to it (models.address)."""

    @admin.display(description=_("old addresses"))
    def old_addresses(self, obj):
        slugs = obj.old_addresses() if obj.pk else []
        if not slugs:
            return _("None: the address has not changed since the page was first public.")
        # Without a language, as families printed them: each leads to the visitor's own.
        links = format_html_join(
            ", ",
            '<a href="{0}">{0}</a>',
            ((without_language(obj.address_url(slug)),) for slug in slugs),
        )
        return format_html("{} {}", links, _("(these lead to the current address)"))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "website"]
    search_fields = ["name", "location"]


@admin.register(Investigator)
class InvestigatorAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "specialty"]
    search_fields = ["name", "specialty"]


@admin.register(CancerType)
class CancerTypeAdmin(OldAddressesMixin, TranslatedAdmin):
    list_display = ["name", "lay_name", "parent"]
    list_filter = ["parent"]
    search_fields = [
        *in_languages("name"),
        *in_languages("lay_name"),
        "other_names",
    ]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    *side_by_side("name"),
                    "slug",
                    "old_addresses",
                    "parent",
                    *side_by_side("lay_name"),
                    "other_names",
                    *side_by_side("description"),
                ]
            },
        )
    ]
    readonly_fields = ["old_addresses"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(TranslatedAdmin):
    list_display = ["term", "slug", "order"]
    list_editable = ["order"]
    search_fields = [*in_languages("term", "explanation")]
    prepopulated_fields = {"slug": ["term_en"]}
    fieldsets = [(None, {"fields": [*side_by_side("term", "explanation"), "slug", "order"]})]
