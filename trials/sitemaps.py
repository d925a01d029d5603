"""sitemap.xml: the published trials, the cancer-type pages, the glossary and the home page
and finder, each with the date its content last changed, in every language, each address
naming its other languages (hreflang alternates)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Value
from django.urls import reverse
from django.utils.functional import cached_property

from .models import CancerType, GlossaryTerm, Trial


class LanguagesSitemap(Sitemap):
    """One address per language, each listing the others and, as x-default, the address
    without a language, which sends each visitor to theirs (as the pages' own head)."""

    i18n = True
    alternates = True
    x_default = True


class TrialSitemap(LanguagesSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Trial.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, trial):
        return trial.updated_at


class CancerTypeSitemap(LanguagesSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        cancer_types = list(CancerType.objects.order_by("name"))
        newest = newest_trial_change_by_cancer_type(cancer_types)
        for cancer_type in cancer_types:
            changes = [cancer_type.updated_at, newest.get(cancer_type.pk)]
            cancer_type.content_changed_at = max(change for change in changes if change)
        return cancer_types

    def lastmod(self, cancer_type):
        return cancer_type.content_changed_at


def newest_trial_change_by_cancer_type(cancer_types) -> dict:
    """{cancer type id: when its newest published trial changed}, by the finder's one rule
    (TrialQuerySet.in_cancer_types), in one query (a UNION of one aggregate per type)."""
    parts = [
        Trial.objects.published()
        .in_cancer_types([cancer_type])
        .order_by()
        .annotate(cancer_type_id=Value(cancer_type.pk))
        .values("cancer_type_id")
        .annotate(newest=Max("updated_at"))
        .values_list("cancer_type_id", "newest")
        for cancer_type in cancer_types
    ]
    if not parts:
        return {}
    return dict(parts[0].union(*parts[1:], all=True).order_by())


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


SITEMAPS = {
    "pages": PageSitemap,
    "trials": TrialSitemap,
    "cancer-types": CancerTypeSitemap,
}
