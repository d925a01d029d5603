"""What a trial contains, edited on its form: investigators, arms, approvals, numbers."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models

from ..models import Approval, Arm, Registry, RegistryNumber, TrialInvestigator
from .forms import RegistryNumberForm, RegistryNumberFormSet
from .translations import TranslatedTabularInline, in_languages


class TrialInvestigatorInline(admin.TabularInline):
    model = TrialInvestigator
    autocomplete_fields = ["investigator"]
    fields = ["investigator", "role", "order"]
    extra = 0


class ArmInline(TranslatedTabularInline):
    model = Arm
    fields = [
        *in_languages("name"),
        "intervention",
        "target",
        *in_languages("description"),
        "status",
        "order",
        "outdated_translations",
        "confirm_translations",
    ]
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
