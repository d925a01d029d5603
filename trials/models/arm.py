from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ArmStatus
from .fields import parent_trial
from .translated import Translated


class Arm(Translated, models.Model):
    """One treatment option of a trial (ESMART has eighteen)."""

    trial = parent_trial("arms")
    name = models.CharField(_("name"), max_length=200)
    intervention = models.CharField(
        _("intervention"), max_length=300, blank=True, help_text=_("The drug or drugs given.")
    )
    target = models.CharField(
        _("targeted molecular alteration"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 'CDK4/6 pathway alterations'"),
    )
    description = models.TextField(_("short description"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=ArmStatus, default=ArmStatus.PLANNED
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("study arm")
        verbose_name_plural = _("study arms")
        constraints = [
            models.UniqueConstraint(fields=["trial", "name"], name="arm_name_unique_per_trial")
        ]
        indexes = [
            # "Has an open study arm": the trials with one, read off a small index.
            models.Index(
                fields=["trial"],
                condition=models.Q(status=ArmStatus.OPEN),
                name="arm_open_by_trial",
            ),
        ]

    def __str__(self):
        return self.name
