"""Words search treats as the same: spelling variants staff keep in the admin."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

WORD_PART = re.compile(r"^[^\W\d_][^\W_]*(-[^\W_]+)*$")


class SpellingVariant(models.Model):
    """Two spellings of the same word or word part ("leukaemia" and "leukemia", "tumour"
    and "tumor"). Search tries both, also inside longer words ("tumours")."""

    spelling = models.CharField(
        _("spelling"), max_length=40, help_text=_("e.g. 'leukaemia' or 'haemato'")
    )
    variant = models.CharField(
        _("also spelt"), max_length=40, help_text=_("e.g. 'leukemia' or 'hemato'")
    )
    # Search results change with it: conditional GET (trials.freshness) reads it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["spelling"]
        verbose_name = _("spelling variant")
        verbose_name_plural = _("spelling variants")
        constraints = [
            models.UniqueConstraint(
                Lower("spelling"), Lower("variant"), name="spelling_variant_once"
            )
        ]

    def __str__(self):
        return f"{self.spelling} = {self.variant}"

    def clean(self):
        self.spelling = self.spelling.strip().lower()
        self.variant = self.variant.strip().lower()
        errors = {}
        for name in ("spelling", "variant"):
            if getattr(self, name) and not WORD_PART.match(getattr(self, name)):
                errors[name] = _("One word or part of a word, letters only (a hyphen is fine).")
        if not errors and self.spelling == self.variant:
            errors["variant"] = _("The two spellings are the same.")
        if errors:
            raise ValidationError(errors)
