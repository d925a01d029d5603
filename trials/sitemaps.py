"""sitemap.xml: the published trials, the cancer-type pages, the glossary and the home page
and finder, each with the date its content last changed, in every language, each address
naming its other languages (hreflang alternates).

/sitemap.xml is an index of sections (/sitemap-trials.xml?p=2 ...), each page of a section
2,000 addresses at most (1,000 trials in two languages): a registry's 100,000 trials in one
file took 9 seconds to write, beyond what search engines read (50,000 addresses)."""

from collections.abc import Sequence

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from .models import CancerType, GlossaryTerm, Trial, by_cancer_type

# Addresses a sitemap page lists (Django pages the items in every language).
ADDRESSES_PER_PAGE = 2000


class LanguagesSitemap(Sitemap):
    """One address per language, each listing the others and, as x-default, the address
    without a language, which sends each visitor to theirs (as the pages' own head)."""

    i18n = True
    alternates = True
    x_default = True


class InEveryLanguage(Sequence):
    """The (trial, language) pairs Django's paginator pages through, in its order, read
    from the database one page at a time: Django's own list of every pair read all
    100,000 trials for each page and for the index."""

    def __init__(self, queryset, languages):
        self.queryset, self.languages = queryset, list(languages)

    @cached_property
    def item_count(self) -> int:
        return self.queryset.count()

    def __len__(self):
        return self.item_count * len(self.languages)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(len(self))
        per_item = len(self.languages)
        items = self.queryset[start // per_item : -(-stop // per_item)]
        pairs = [(item, language) for item in items for language in self.languages]
        offset = start - start // per_item * per_item
        return pairs[offset : offset + stop - start]


class TrialSitemap(LanguagesSitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = ADDRESSES_PER_PAGE

    def items(self):
        return Trial.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, trial):
        return trial.updated_at

    @property
    def paginator(self):
        return Paginator(InEveryLanguage(self.items(), self._languages()), self.limit)

    def get_latest_lastmod(self):
        # For the index: one aggregate, not a look at every trial (Django's default).
        return Trial.objects.published().aggregate(newest=Max("updated_at"))["newest"]


class CancerTypeSitemap(LanguagesSitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = ADDRESSES_PER_PAGE

    @cached_property
    def cancer_types(self) -> list[CancerType]:
        cancer_types = list(CancerType.objects.order_by("name"))
        newest = newest_trial_change_by_cancer_type(cancer_types)
        for cancer_type in cancer_types:
            changes = [cancer_type.updated_at, newest.get(cancer_type.pk)]
            cancer_type.content_changed_at = max(change for change in changes if change)
        return cancer_types

    def items(self):
        return self.cancer_types  # asked for by the index and the page: read once

    def lastmod(self, cancer_type):
        return cancer_type.content_changed_at


def newest_trial_change_by_cancer_type(cancer_types) -> dict:
    """{cancer type id: when its newest published trial changed}, by the one hierarchy
    rule, in one query: the newest change per combination of tags (Trial.cancer_type_key),
    each combination counting for the cancer types the rule gives it. `cancer_types`: all."""
    rows = (
        Trial.objects.published()
        .order_by()
        .values_list("cancer_type_key")
        .annotate(newest=Max("updated_at"))
    )
    newest = {}
    for cancer_type, changed_at in by_cancer_type(rows, cancer_types):
        newest[cancer_type.pk] = max(changed_at, newest.get(cancer_type.pk, changed_at))
    return newest


class PageSitemap(LanguagesSitemap):
    """Pages without a model of their own."""

    def items(self):
        return ["trials:home", "trials:list", "trials:glossary"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        if name == "trials:glossary":
            return self.glossary_changed_at
        return self.trials_changed_at

    # Asked once per page and language: read once.
    @cached_property
    def glossary_changed_at(self):
        return GlossaryTerm.objects.aggregate(newest=Max("updated_at"))["newest"]

    @cached_property
    def trials_changed_at(self):
        return Trial.objects.published().aggregate(newest=Max("updated_at"))["newest"]

    def priority(self, name):
        return 1.0 if name == "trials:home" else 0.5

    def get_latest_lastmod(self):
        return max(filter(None, [self.glossary_changed_at, self.trials_changed_at]), default=None)


SITEMAPS = {
    "pages": PageSitemap,
    "trials": TrialSitemap,
    "cancer-types": CancerTypeSitemap,
}
