"""Admin for what trials refer to: organisations, investigators, cancer types, glossary."""

from django.contrib import admin

from ..models import (
    CancerType,
    GlossaryTerm,
    Investigator,
    Organisation,
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
    list_display = ["name", "lay_name", "parent"]
    list_filter = ["parent"]
    search_fields = ["name", "lay_name", "other_names"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "parent", "lay_name", "other_names", "description"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["term", "explanation"]
    prepopulated_fields = {"slug": ["term"]}
