from django.conf import settings
from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from .filters import TrialFilter
from .models import CancerType, Trial


def home(request):
    trials = Trial.objects.published()
    context = {
        "cancer_type_groups": CancerType.objects.tree(trials),
        "trial_count": trials.count(),
    }
    return render(request, "trials/home.html", context)


def paginate(request, queryset, per_page: int) -> tuple[Page, str]:
    """The requested page, or the nearest real one with a note saying so: a mistyped or
    stale page number should never cost a family their results."""
    paginator = Paginator(queryset, per_page)
    requested = request.GET.get("page", "1").strip() or "1"
    notice = ""
    try:
        number = int(requested)
    except ValueError:
        number = 1
        notice = _("“%(page)s” is not a page number, so here is the first page.") % {
            "page": requested[:20]
        }
    if number < 1:
        notice = _("Pages start at 1, so here is the first page.")
        number = 1
    elif number > paginator.num_pages:
        notice = _("There is no page %(page)s; here is page %(last)d, the last one.") % {
            "page": requested[:20],
            "last": paginator.num_pages,
        }
        number = paginator.num_pages
    return paginator.page(number), notice


def trial_list(request):
    cancer_types = list(CancerType.objects.all())
    filterset = TrialFilter(
        request.GET or None, queryset=Trial.objects.published(), cancer_types=cancer_types
    )
    trials = filterset.qs.with_listing_relations().order_by("short_name", "pk")
    page, page_notice = paginate(request, trials, settings.TRIALPORTAL_PAGE_SIZE)
    context = {
        "filter": filterset,
        "page_obj": page,
        "trials": page.object_list,
        "page_notice": page_notice,
        "cancer_type_options": filterset.cancer_type_options(),
        "phase_options": filterset.choice_options("phase"),
        "status_options": filterset.choice_options("status"),
        "active_filters": filterset.active_filters(),
        "filter_messages": filterset.messages,
    }
    return render(request, "trials/trial_list.html", context)


def trial_detail(request, slug):
    trial = get_object_or_404(Trial.objects.for_detail(), slug=slug)
    return render(request, "trials/trial_detail.html", {"trial": trial})
