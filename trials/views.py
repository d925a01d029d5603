from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .filters import TrialFilter
from .freshness import conditional_public
from .models import (
    CancerType,
    FontScope,
    GlossaryTerm,
    SiteSettings,
    Trial,
    count_trials_by_cancer_type,
)
from .models.trial import detail_prefetches
from .moderation import snapshot_of
from .paging import paginate

# Sent by static/js/finder.js: answer with just the finder fragment, not the whole page.
PARTIAL_HEADER = "X-Finder-Partial"
# Words the finder explains where they are chosen.
FINDER_GLOSSARY = ["phase", "open_arm", "relapsed_refractory"]
# A versioned address never changes content: browsers and caches may keep it for a year.
CACHE_FOREVER = 365 * 24 * 60 * 60


@conditional_public
def home(request):
    groups, total = CancerType.objects.tree_and_total(Trial.objects.published())
    context = {"cancer_type_groups": groups, "trial_count": total}
    return render(request, "trials/home.html", context)


@conditional_public
def trial_list(request):
    filterset = TrialFilter(
        request.GET or None,
        queryset=Trial.objects.published(),
        cancer_types=list(CancerType.objects.all()),
    )
    # The facet counts' query counts the results too (or estimates them: FacetCounts).
    counts = filterset.facet_counts
    results = counts.results
    # The page's order is read from the trials' ids and narrow columns, then the page's
    # twenty trials are read whole: sorting thousands of matches of a search by relevance
    # with their long texts in tow took PostgreSQL 0.6 s at 100,000 trials.
    ordered_ids = filterset.ordered_ids(results=results)
    page, page_notice = paginate(
        request,
        ordered_ids,
        settings.TRIALPORTAL_PAGE_SIZE,
        count=results,
        is_estimate=counts.results_are_estimated,
    )
    page.object_list = Trial.objects.with_listing_relations().in_order_of(list(page.object_list))
    status_options, open_option = filterset.status_and_open_options()
    nothing_found = not page.paginator.count
    context = {
        "filter": filterset,
        "page_obj": page,
        "trials": page.object_list,
        "page_notice": page_notice,
        "cancer_type_options": filterset.cancer_type_options(),
        "phase_options": filterset.phase_options(),
        "status_options": status_options,
        "open_option": open_option,
        "setting_options": filterset.setting_options(),
        "open_arm_option": filterset.open_arm_option(),
        "active_filters": filterset.active_filters(),
        "filter_messages": filterset.messages,
        # Where to go from an empty page: one query, whatever the number of filters.
        "suggestions": filterset.suggestions() if nothing_found else [],
        "registry_searches": filterset.registry_searches() if nothing_found else [],
        "glossary": GlossaryTerm.objects.filter(slug__in=FINDER_GLOSSARY).by_slug(),
    }
    template = "trials/trial_list.html"
    if request.headers.get(PARTIAL_HEADER) == "finder":
        template += "#finder"
    response = render(request, template, context)
    patch_vary_headers(response, [PARTIAL_HEADER])
    return response


@conditional_public
def cancer_type_detail(request, slug):
    cancer_types = list(CancerType.objects.order_by("name"))
    cancer_type = next((ct for ct in cancer_types if ct.slug == slug), None)
    if cancer_type is None:
        # An earlier address of a cancer type leads to its current one, for good.
        return moved_for_good(request, get_object_or_404(CancerType.objects.at_address(slug)))
    published = Trial.objects.published()
    count_trials_by_cancer_type(cancer_types, published)
    trials = published.in_cancer_types_among([cancer_type], cancer_types).with_listing_relations()
    page, page_notice = paginate(request, trials, settings.TRIALPORTAL_PAGE_SIZE)
    context = {
        "cancer_type": cancer_type,
        "group": next((ct for ct in cancer_types if ct.pk == cancer_type.parent_id), None),
        "types": [ct for ct in cancer_types if ct.parent_id == cancer_type.pk],
        "page_obj": page,
        "trials": page.object_list,
        "page_notice": page_notice,
    }
    return render(request, "trials/cancer_type_detail.html", context)


def moved_for_good(request, page):
    """A permanent redirect to `page`'s current address, in this language, with the
    query string the visitor came with."""
    url = page.get_absolute_url()
    if query := request.META.get("QUERY_STRING"):
        url += f"?{query}"
    return redirect(url, permanent=True)


def render_trial_page(request, trial, *, preview: bool = False, change=None):
    context = {
        "trial": trial,
        "preview": preview,
        "change": change,
        "related_trials": Trial.objects.related_to(trial),
        "glossary": GlossaryTerm.objects.by_slug(),
    }
    return render(request, "trials/trial_detail.html", context)


@conditional_public
def trial_detail(request, slug):
    trial = get_object_or_404(Trial.objects.for_detail().at_address(slug))
    if trial.slug != slug:
        # An earlier address: families' printouts and shared links keep working.
        return moved_for_good(request, trial)
    return render_trial_page(request, trial)


@never_cache
def trial_preview(request, slug):
    """Any trial, draft or withdrawn included, on the public template, for staff only. A
    trial with changes awaiting approval shows them, read from the stored version."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not (request.user.is_staff and request.user.has_perm("trials.view_trial")):
        raise Http404
    if not admin.site.has_permission(request):
        # Signed in, but the two-factor step is still to do: the admin login leads there.
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    trial = get_object_or_404(Trial.objects.select_related("sponsor", "network").at_address(slug))
    if trial.slug != slug:
        return redirect(trial.get_preview_url())
    change = trial.open_change
    if change is None:
        prefetch_related_objects([trial], *detail_prefetches())
    else:
        trial = snapshot_of(change).as_trial()
    response = render_trial_page(request, trial, preview=True, change=change)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@conditional_public
def glossary(request):
    return render(request, "trials/glossary.html", {"terms": GlossaryTerm.objects.all()})


# The centre's look, generated from its settings row ------------------------------------


def _cached_by_version(response, site: SiteSettings, version: str):
    """Cacheable for a year at the address of the current version; an outdated address
    (from a page cached before the last change) gets the current file, briefly cached."""
    if version == site.version:
        patch_cache_control(response, public=True, max_age=CACHE_FOREVER, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response


@require_safe
def centre_stylesheet(request, version):
    """The brand colours and font as CSS custom properties: no inline styles on any page."""
    site = SiteSettings.load()
    context = {
        "colours": site.css_colours(),
        "site": site,
        "font_everywhere": site.font_scope == FontScope.EVERYTHING,
    }
    css = render_to_string("centre/brand.css", context)
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return _cached_by_version(response, site, version)


@require_safe
def centre_logo(request, version):
    """The uploaded logo, served as an image only: a sandboxing policy means even an SVG
    opened on its own can run nothing (trials.uploads checks it on upload too)."""
    site = SiteSettings.load()
    if not site.has_logo:
        raise Http404
    response = HttpResponse(bytes(site.logo), content_type=site.logo_content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="logo.{site.logo_extension}"'
    return _cached_by_version(response, site, version)


@require_safe
def centre_font(request, version):
    site = SiteSettings.load()
    if not site.font:
        raise Http404
    response = HttpResponse(bytes(site.font), content_type="font/woff2")
    response["X-Content-Type-Options"] = "nosniff"
    return _cached_by_version(response, site, version)
