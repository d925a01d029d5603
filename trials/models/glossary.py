from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..rich_text import RichTextField
from .translated import Translated


class GlossaryTermQuerySet(models.QuerySet):
    def by_slug(self) -> dict[str, "GlossaryTerm"]:
        """All terms keyed by slug, for templates to look up (glossary.phase)."""
        return {term.slug: term for term in self}


class GlossaryTerm(Translated, models.Model):
    """A word families meet on trial pages ("phase", "arm"), explained by staff.

    Trial pages show the explanation beside the word, found by its slug; the glossary
    page lists them all.
    """

    term = models.CharField(_("term"), max_length=80, unique=True)
    slug = models.SlugField(
        _("key"),
        max_length=80,
        unique=True,
        help_text=_(
            "Trial pages look terms up by this key: phase, study_arm, relapsed_refractory, "
            "inclusion, principal_investigator, sponsor, registry_number."
        ),
    )
    explanation = RichTextField(
        _("explanation"),
        max_length=3000,
        help_text=_("Two or three plain sentences."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    # Trial pages and the glossary show the explanation: their freshness depends on it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = ["order", "term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return f"{reverse('trials:glossary')}#{self.slug}"
