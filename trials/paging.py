"""Pages of results, for the finder, the cancer-type pages and the API.

Paging is capped at settings.TRIALPORTAL_MAX_RESULTS_PAGED results deep: page 4,500 of a
registry's 90,000 trials would make the database count past (OFFSET) 90,000 rows for every
request. Nobody reads that far; past the cap the visitor is told to narrow the list, and
keeps their filters.

The total is exact up to settings.TRIALPORTAL_EXACT_COUNTS_UP_TO (10,000, far more than a
centre has): counting stops one past it, so its cost is bounded. Above it, on PostgreSQL,
the total is the query planner's estimate, rounded, and shown as "about" (`is_estimate`).
"""

import json
import math
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, Window
from django.utils.translation import gettext as _


def count_or_estimate(queryset) -> tuple[int, bool]:
    """How many rows `queryset` has, and whether that is an estimate. Exact up to
    TRIALPORTAL_EXACT_COUNTS_UP_TO (one query that stops counting one past it); above
    it, on PostgreSQL, the planner's estimate (a second query, EXPLAIN, which reads no
    rows), rounded to two significant figures and never below the exact limit."""
    limit = settings.TRIALPORTAL_EXACT_COUNTS_UP_TO
    rows = queryset.order_by().values("pk")
    counted = rows[: limit + 1].count()
    if counted <= limit or connections[queryset.db].vendor != "postgresql":
        return (counted if counted <= limit else queryset.count()), False
    plan = json.loads(rows.explain(format="json"))
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    return max(round_for_people(estimate), limit + 1), True


def round_for_people(number: int) -> int:
    """Two significant figures: 90,163 -> 90,000; 13,722 -> 14,000."""
    if number < 100:
        return number
    scale = 10 ** (len(str(number)) - 2)
    return round(number / scale) * scale


def max_pages(per_page: int) -> int:
    """How many pages of `per_page` results may be paged through."""
    return max(1, math.ceil(settings.TRIALPORTAL_MAX_RESULTS_PAGED / per_page))


class CappedPaginator(Paginator):
    """A paginator whose pages stop at max_pages(per_page); `count` is still the total,
    estimated above TRIALPORTAL_EXACT_COUNTS_UP_TO (then `is_estimate`), unless the caller
    already knows it (`known_count`, and whether that is an estimate)."""

    def __init__(self, *args, known_count: int | None = None, is_estimate=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = (known_count, is_estimate) if known_count is not None else None

    @cached_property
    def _count(self) -> tuple[int, bool]:
        return self.known_count or count_or_estimate(self.object_list)

    @cached_property
    def count(self) -> int:
        return self._count[0]

    @property
    def is_estimate(self) -> bool:
        return self._count[1]

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


class IdsFirstPaginator(Paginator):
    """Reads a page as the finder does: its ids in order first, from the columns the order
    needs, then its rows whole, with in_order_of() on `rows` (the same trials unfiltered,
    so the filters and search are not evaluated again). Sorting the 16,000 trials a search
    matches with their wide rows in tow (texts, joined people) to keep 50 took the admin's
    trial list 0.33 s at 100,000 trials. A row deleted between the two reads is left out.

    With `expected_page` (the page that will be asked for), the total comes with that
    page's ids, in one query that counts every match beside them (a window count): a
    search is then evaluated once for both (the admin's search: 0.47 -> 0.27 s at 100,000
    trials). Only for a search: a window count reads every match before the page, and for
    the whole list an index gives the first page and the count at once (0.1 s against
    0.4 s). A page past the end has no rows to carry the total; it is counted on its own."""

    def __init__(self, object_list, per_page, *args, rows, expected_page=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = rows
        self.expected_page = expected_page
        self.expected_ids: list | None = None

    @cached_property
    def count(self) -> int:
        if self.expected_page is not None and self.expected_page >= 1:
            bottom = (self.expected_page - 1) * self.per_page
            top = bottom + self.per_page + self.orphans
            total, ids = count_with_slice(self.object_list, bottom, top)
            self.expected_ids = ids or None
            return total
        return self.object_list.count()

    def page(self, number):
        page = super().page(number)  # its object_list: this page's slice, not yet read
        if page.number == self.expected_page and self.expected_ids is not None:
            ids = self.expected_ids[: page.end_index() - page.start_index() + 1]
        else:
            ids = list(page.object_list.values_list("pk", flat=True))
        page.object_list = self.rows.in_order_of(ids)
        return page


def count_with_slice(queryset, start: int, stop: int) -> tuple[int, list]:
    """How many rows `queryset` has, and the ids of its rows from `start` to `stop`, in
    one query: a window count beside the ids. A slice past the end has no row to carry
    the total; it is counted on its own."""
    counted = queryset.annotate(total_count=Window(Count("pk")))
    found = list(counted.values_list("pk", "total_count")[start:stop])
    if found:
        return found[0][1], [pk for pk, _total in found]
    return queryset.count(), []


def requested_page(data) -> int:
    """The page number a query string's `data` asks for, as paginate() reads it before it
    checks it against the pages there are (so a guess: paginate() has the last word)."""
    try:
        return max(1, int(str(data.get("page", "1")).strip() or "1"))
    except ValueError:
        return 1


class KnownSlice:
    """`ids` (a query of ids, in order) whose slice from `start` has been read already
    (`known`): a paginator asking for that slice gets it without a query, any other slice
    is read."""

    def __init__(self, ids, start: int, known: list):
        self.ids, self.start, self.known = ids, start, known

    def __getitem__(self, page: slice) -> list:
        if page.start == self.start and self.known:
            return self.known[: page.stop - page.start]
        return list(self.ids[page])


def paginate(
    request, queryset, per_page: int, *, count: int | None = None, is_estimate: bool = False
) -> tuple[Page, str]:
    """The requested page, or the nearest real one with a note saying so: a mistyped or
    stale page number should never cost a family their results. The page carries
    `page_range`: the numbers to link to, with "…" for the ones left out. `count`: how
    many rows `queryset` has, when the caller has counted (or estimated) them already."""
    paginator = CappedPaginator(queryset, per_page, known_count=count, is_estimate=is_estimate)
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
