"""Who a trial names: sponsors and networks, investigators and their roles."""

import reversion
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import InvestigatorRole
from .fields import parent_trial


class Organisation(models.Model):
    """A sponsor, an initiating network (ITCC) or another body a trial names."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    location = models.CharField(
        _("location"), max_length=200, blank=True, help_text=_("City and country, if useful.")
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_(
            "One plain sentence shown after the name, e.g. 'an international collaboration "
            "that promotes drug research for children with cancer in Europe'."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    # Trial pages name sponsors and networks: their freshness depends on this too.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name}, {self.location}" if self.location else self.name


class Investigator(models.Model):
    title = models.CharField(_("title"), max_length=30, blank=True, help_text=_("Dr., Prof."))
    name = models.CharField(_("name"), max_length=150)
    specialty = models.CharField(_("specialty or department"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("investigator")
        verbose_name_plural = _("investigators")

    def __str__(self):
        return f"{self.title} {self.name}".strip()


@reversion.register()
class TrialInvestigator(models.Model):
    trial = parent_trial("investigator_roles")
    investigator = models.ForeignKey(
        Investigator,
        verbose_name=_("investigator"),
        on_delete=models.PROTECT,
        related_name="trial_roles",
    )
    role = models.CharField(
        _("role"),
        max_length=30,
        choices=InvestigatorRole,
        default=InvestigatorRole.LOCAL_PRINCIPAL_INVESTIGATOR,
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("investigator role")
        verbose_name_plural = _("investigator roles")
        constraints = [
            models.UniqueConstraint(
                fields=["trial", "investigator", "role"], name="investigator_role_once_per_trial"
            )
        ]

    def __str__(self):
        return f"{self.investigator} ({self.get_role_display()})"
