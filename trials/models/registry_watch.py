"""The registry watch: each imported trial's last compared registry record, the differences
staff have not yet accepted or dismissed, and the condition -> cancer type mapping imports use.
Reading a record is trials/registries/ctgov.py; writing and comparing, trials/registries/."""

import re

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .cancer_type import CancerType
from .choices import ReceivedHow, RegistryChangeKind, RegistryChangeState
from .fields import parent_trial, staff_member


class ConditionMappingQuerySet(models.QuerySet):
    def cancer_types_for(self, conditions: list[str]) -> tuple[list[CancerType], list[str]]:
        """The cancer types `conditions` map to (in mapping order, each once), and the
        conditions no mapping matched. One query."""
        mappings = list(self.select_related("cancer_type").order_by("pk"))
        found, unmapped = [], []
        for condition in conditions:
            matches = [m.cancer_type for m in mappings if m.matches(condition)]
            if not matches:
                unmapped.append(condition)
            found.extend(t for t in matches if t not in found)
        return found, unmapped


class ConditionMapping(models.Model):
    """A registry's condition text or MeSH term, and the cancer type it means here."""

    term = models.CharField(
        _("condition or MeSH term"),
        max_length=200,
        unique=True,
        help_text=_(
            "Matches a registered condition or MeSH term that is this text or contains it as "
            "whole words, ignoring case: 'Wilms' matches 'Stage II Kidney Wilms Tumor'."
        ),
    )
    cancer_type = models.ForeignKey(
        CancerType,
        verbose_name=_("cancer type"),
        on_delete=models.CASCADE,
        related_name="condition_mappings",
    )

    objects = ConditionMappingQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        verbose_name = _("condition mapping")
        verbose_name_plural = _("condition mappings")

    def __str__(self):
        return f"{self.term} → {self.cancer_type}"

    def matches(self, condition: str) -> bool:
        pattern = r"(?<!\w)" + re.escape(self.term.strip()) + r"(?!\w)"
        return re.search(pattern, condition, re.IGNORECASE) is not None


class RegistryRecord(models.Model):
    """The ClinicalTrials.gov record a trial was last compared with, as received."""

    trial = models.OneToOneField(
        "Trial",
        verbose_name=_("trial"),
        on_delete=models.CASCADE,
        related_name="registry_record",
    )
    identifier = models.CharField(_("NCT number"), max_length=20, unique=True)
    data = models.JSONField(_("registry record (API v2 JSON)"))
    received_at = models.DateTimeField(_("fetched or uploaded at"))
    received_how = models.CharField(_("received"), max_length=10, choices=ReceivedHow)
    last_update_posted = models.DateField(_("registry record last updated"), null=True, blank=True)
    warnings = models.JSONField(_("import warnings"), default=list, blank=True)
    unmapped_conditions = models.JSONField(_("unmapped conditions"), default=list, blank=True)

    class Meta:
        verbose_name = _("registry record")
        verbose_name_plural = _("registry records")

    def __str__(self):
        return self.identifier

    @property
    def study(self):
        """The record read (trials.registries.ctgov.Study), for the staff panel."""
        from ..registries.ctgov import read_study

        return read_study(self.data)


DISPLAY_MAX = 1000


class PendingRegistryChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=RegistryChangeState.PENDING)


class PendingRegistryChange(models.Model):
    """One difference between the registry's record and our page, waiting for staff."""

    trial = parent_trial("registry_changes")
    kind = models.CharField(_("kind"), max_length=20, choices=RegistryChangeKind)
    # The trial's field name (kind "field"), the arm's name or the registry's code.
    key = models.CharField(_("what"), max_length=200)
    label = models.CharField(_("field"), max_length=200)
    # As staff read them (an official title is at most 600 characters).
    ours = models.TextField(_("our page"), blank=True, max_length=DISPLAY_MAX)
    theirs = models.TextField(_("the registry"), blank=True, max_length=DISPLAY_MAX)
    # What accepting writes, as the importer read it (JSON-safe).
    value = models.JSONField(_("registry value"), null=True, blank=True)
    since = models.DateTimeField(_("since"))
    registry_updated = models.DateField(_("registry record updated"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RegistryChangeState,
        default=RegistryChangeState.PENDING,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = staff_member(_("decided by"))

    objects = PendingRegistryChangeQuerySet.as_manager()

    class Meta:
        ordering = ["trial", "since", "pk"]
        verbose_name = _("pending registry change")
        verbose_name_plural = _("pending registry changes")
        constraints = [
            models.UniqueConstraint(
                fields=["trial", "kind", "key"],
                condition=Q(state="pending"),
                name="one_pending_registry_change_per_thing",
            )
        ]

    def __str__(self):
        return f"{self.trial}: {self.describe()}"

    def describe(self) -> str:
        """'status (Active, not recruiting → Completed)', 'arm "Arm M" added'."""
        from ..registries.sync import describe_change

        return describe_change(self)
