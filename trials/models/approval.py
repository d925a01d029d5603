import reversion
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..rich_text import RichTextField
from .choices import ApprovalKind
from .fields import parent_trial


@reversion.register()
class Approval(models.Model):
    trial = parent_trial("approvals")
    body = models.CharField(
        _("approving body"),
        max_length=200,
        help_text=_("e.g. 'an accredited medical research ethics committee (MREC)', 'CCMO'"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApprovalKind, default="ethics")
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    reference_number = models.CharField(_("reference number"), max_length=60, blank=True)
    note = RichTextField(
        _("note for families"),
        blank=True,
        max_length=5000,
        help_text=_("e.g. 'This committee has decided that it is justified to ask patients ...'"),
    )
    more_information_url = models.URLField(
        _("more information at"), blank=True, help_text=_("e.g. the CCMO's page")
    )
    more_information_label = models.CharField(
        _("more information link text"), max_length=100, blank=True, help_text=_("e.g. 'CCMO'")
    )

    class Meta:
        ordering = ["decision_date", "pk"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.body}"
