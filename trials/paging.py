"""Pages of results, for the finder, the cancer-type pages and the API.

Paging is capped at settings.TRIALPORTAL_MAX_RESULTS_PAGED results deep: page 4,500 of a
registry's 90,000 trials would make the database count past (OFFSET) 90,000 rows for every
request. Nobody reads that far; past the cap the visitor is told to narrow the list, and
keeps their filters.
"""

import math
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _


def max_pages(per_page: int) -> int:
    """How many pages of `per_page` results may be paged through."""
    return max(1, math.ceil(settings.TRIALPORTAL_MAX_RESULTS_PAGED / per_page))


class CappedPaginator(Paginator):
    """A paginator whose pages stop at max_pages(per_page); `count` is still the total."""

    @cached_property
    def num_pages(self) -> int:
        return min(self.all_pages, max_pages(self.per_page))

    @cached_property
    def all_pages(self) -> int:
        """The pages all results would fill, capped or not."""
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def is_capped(self) -> bool:
        return self.all_pages > self.num_pages


def paginate(request, queryset, per_page: int) -> tuple[Page, str]:
    """The requested page, or the nearest real one with a note saying so: a mistyped or
    stale page number should never cost a family their results. The page carries
    `page_range`: the numbers to link to, with "…" for the ones left out."""
    paginator = CappedPaginator(queryset, per_page)
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
    elif number > paginator.num_pages and number <= paginator.all_pages:
        notice = _(
            "Only the first %(pages)d pages can be shown, so here is page %(pages)d. Narrow "
            "the list with the filters or a search to find the other trials."
        ) % {"pages": paginator.num_pages}
        number = paginator.num_pages
    elif number > paginator.num_pages:
        notice = _("There is no page %(page)s; here is page %(last)d, the last one.") % {
            "page": requested[:20],
            "last": paginator.num_pages,
        }
        number = paginator.num_pages
    page = paginator.page(number)
    page.page_range = list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
    return page, notice
