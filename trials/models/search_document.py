from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .trial import Trial


class SearchDocument(models.Model):
    """Every word a trial is found by, for full-text search (PostgreSQL): its texts,
    weighted (its name, its titles, its summary, then the rest) and stemmed in each
    language; the words of its names and of its arms' names, drugs and targets; its
    registry numbers; and the ids of its cancer-type tags, sponsor, network and
    investigators (migration 0019). So a search for any number of words is one query of
    this table's text index.

    A trigger on the trial keeps it up to date however the trial or what it is found by
    is written; SQLite leaves the table empty and searches the texts themselves. It has a
    table of its own, whose rows hold little more than the trial's id (the document
    itself is stored apart, in PostgreSQL's TOAST table): reading the ids of the 90,000
    trials a common word matches then reads a few megabytes, not the trials' 500 MB of
    wide rows.

    PostgreSQL moves a value apart only from a row over about 2 kB, so each row also has
    a column this model leaves out, `spill`: 2 kB of zeros, written with every document,
    that take the row over that size and are then compressed in it to a few dozen bytes
    (migration 0018)."""

    trial = models.OneToOneField(
        Trial,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("trial"),
    )
    document = SearchVectorField(_("document"), null=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return str(self.trial_id)
