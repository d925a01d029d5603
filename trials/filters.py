"""The public finder's filters: what each GET parameter means, how it narrows the trials,
and how many trials each option would give (counts that take the other filters into account)."""

from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import and_

import django_filters
from django.conf import settings
from django.db import connections
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    OPEN_STATUSES,
    CancerType,
    DiseaseSetting,
    Phase,
    Status,
    StatusGroup,
    Trial,
    arrange_in_groups,
    open_first_rank,
)
from .models.cancer_type import set_trial_counts, tag_ids_counting_for, tags_in_key
from .models.trial import HAS_OPEN_ARM, OPEN_FOR_INCLUSION, for_disease_setting
from .paging import KnownSlice, count_with_slice, max_pages, requested_page, round_for_people
from .registry_search import RegistrySearch, SearchTerms, registry_searches
from .search import (
    SAMPLE_EVERY,
    Search,
    Vocabulary,
    reads_each_document,
    with_cancer_types,
    with_facet,
)

# Parameters that take several values (?phase=phase_1&phase=phase_2): an unknown value
# among them is left out with a message, and the known ones still apply.
MULTIPLE_CHOICE_NAMES = {
    "cancer_type": _("cancer type"),
    "phase": _("phase"),
    "status": _("status"),
}

YES = "1"
MAX_NAMED_UNKNOWN_VALUES = 5
AGE_UNITS = [("years", _("years")), ("months", _("months"))]
SETTING_CHOICES = [
    (DiseaseSetting.NEWLY_DIAGNOSED, _("Newly diagnosed")),
    (DiseaseSetting.RELAPSED_REFRACTORY, _("Relapsed or refractory")),
]
SORT_CHOICES = [
    # Best match: with search text the best matches first, without it open trials first;
    # either way open trials before closed ones where the match is as good.
    ("relevance", _("Best match")),
    ("name", _("Name (A to Z)")),
    ("updated", _("Recently updated")),
    ("start", _("Start date (newest first)")),
]
SORT_ORDERINGS = {
    "relevance": ["-relevance", "open_rank", "short_name", "pk"],
    "open_first": ["open_rank", "short_name", "pk"],
    "name": ["short_name", "pk"],
    "updated": ["-updated_at", "pk"],
    "start": [F("start_date").desc(nulls_last=True), "short_name", "pk"],
}
MAX_AGE = 120


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool
    children: list["Option"] = field(default_factory=list)
    hint: str = ""  # the everyday name, or what an unclear label means
    is_estimate: bool = False  # `count` is "about" (FacetCounts.is_estimate)


@dataclass
class ActiveFilter:
    label: str
    value_label: str
    remove_query: str
    name: str = ""
    value: object = None


@dataclass
class Suggestion:
    """A filter to remove when nothing matches, and how many trials that would show."""

    active_filter: ActiveFilter
    count: int


# The filters with a count beside each option; the others (search text, age) narrow the
# trials every count is taken from.
FACETS = ("cancer_type", "phase", "status", "open", "setting", "open_arm")
# FacetCounts' column with the trials every filter in force lets through, cancer type aside.
RESULTS = "results"
# FacetCounts' column with the trials the search text and age let through, facets aside.
MATCHED = "matched"


@dataclass
class FacetCounts:
    """Every count the finder shows beside its options, and the number of results, read
    from one query: the trials the search text and age let through, grouped by their
    cancer-type key (Trial.cancer_type_key, a few hundred combinations even for 100,000
    trials), each group with one conditional count per option. A count per option, each
    taking the other filters in force into account, is then a sum over the groups; the
    cancer-type filter is applied here to each group's key, by the same hierarchy rule as
    TrialQuerySet.in_cancer_types_among(). So a text search is evaluated once for all the
    counts, not once per facet.

    For a broad search at a registry's size the rows are those of a sample, one trial in
    `scale`; every count is then that times `scale`, rounded, and `is_estimate`. The
    number of results may still be exact (`exact_results`): see TrialFilter.facet_counts."""

    rows: list[dict]
    columns: dict[tuple[str, str], str]  # (facet, value) -> the row's column with its count
    chosen_tags: frozenset[int] | None  # tags through which a trial is in a chosen type
    scale: int = 1
    exact_results: int | None = None

    @property
    def is_estimate(self) -> bool:
        return self.scale > 1

    def _shown(self, counted: int) -> int:
        return round_for_people(counted * self.scale) if self.is_estimate else counted

    @cached_property
    def counted(self) -> list[dict]:
        """The groups the cancer-type filter (if one is in force) lets through."""
        if self.chosen_tags is None:
            return self.rows
        return [row for row in self.rows if tags_in_key(row["cancer_type_key"]) & self.chosen_tags]

    @property
    def results(self) -> int:
        """How many trials every filter in force lets through."""
        if self.exact_results is not None:
            return self.exact_results
        return self._shown(sum(row[RESULTS] for row in self.counted))

    @property
    def results_are_estimated(self) -> bool:
        return self.is_estimate and self.exact_results is None

    @property
    def matched(self) -> int:
        """How many trials the search text and age let through, whatever the facets."""
        return self._shown(sum(row[MATCHED] for row in self.rows))

    def of(self, facet: str, value: str) -> int:
        """How many trials choosing `value` of `facet` would give, with the other filters."""
        column = self.columns[facet, value]
        return self._shown(sum(row[column] for row in self.counted))

    def count_cancer_types(self, cancer_types: list[CancerType]) -> None:
        """Set `trial_count` on each of `cancer_types` (every one: groups count their types'
        trials): what choosing it would give with the other filters in force."""
        rows = [(row["cancer_type_key"], row[RESULTS]) for row in self.rows]
        set_trial_counts(cancer_types, rows)
        for cancer_type in cancer_types:
            cancer_type.trial_count = self._shown(cancer_type.trial_count)


def choice_error(message):
    return {"invalid_choice": message}


def yes_switch(label, method: str, wrong_value_message) -> django_filters.ChoiceFilter:
    """A filter that is on ("=1") or absent, like "open for inclusion only"."""
    return django_filters.ChoiceFilter(
        label=label,
        choices=[(YES, _("yes"))],
        method=method,
        error_messages=choice_error(wrong_value_message),
    )


class TrialFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=200)
    open = yes_switch(
        _("Open for inclusion only"),
        "filter_open",
        _("Use open=1 to show only trials open for inclusion."),
    )
    age = django_filters.NumberFilter(
        label=_("Age of the child"),
        method="filter_age",
        min_value=0,
        max_value=MAX_AGE,
        decimal_places=0,
        error_messages={
            "invalid": _("Enter the age as a whole number, e.g. 7."),
            "min_value": _("The age cannot be below 0."),
            "max_value": _("Enter an age of at most %(limit_value)s."),
            "max_decimal_places": _("Enter the age as a whole number, e.g. 7."),
        },
    )
    age_unit = django_filters.ChoiceFilter(
        label=_("Age in"),
        choices=AGE_UNITS,
        method="filter_nothing",
        empty_label=None,
        error_messages=choice_error(_("The age is counted in years or in months.")),
    )
    cancer_type = django_filters.MultipleChoiceFilter(
        label=_("Cancer type"), method="filter_cancer_type"
    )
    setting = django_filters.ChoiceFilter(
        label=_("Disease"),
        choices=SETTING_CHOICES,
        method="filter_setting",
        error_messages=choice_error(
            _("Disease can be newly_diagnosed or relapsed_refractory, nothing else.")
        ),
    )
    open_arm = yes_switch(
        _("Has an open study arm"),
        "filter_open_arm",
        _("Use open_arm=1 to show only trials with an open arm."),
    )
    phase = django_filters.MultipleChoiceFilter(
        label=_("Phase"), choices=Phase.choices, distinct=False
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, distinct=False
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_nothing",
        empty_label=None,
        error_messages=choice_error(
            _("Sort by relevance, name, updated or start; nothing else is possible.")
        ),
    )

    class Meta:
        model = Trial
        fields = [
            "q",
            "open",
            "age",
            "age_unit",
            "cancer_type",
            "setting",
            "open_arm",
            "phase",
            "status",
            "sort",
        ]

    # Filters whose chips the visitor sees; age_unit and sort shape others, not the list.
    CHIP_FIELDS = ("q", "open", "age", "cancer_type", "setting", "open_arm", "phase", "status")

    def __init__(self, data=None, *args, cancer_types=None, **kwargs):
        # The view passes the cancer types it already fetched, to save a query.
        if cancer_types is None:
            cancer_types = list(CancerType.objects.all())
        self.cancer_types = cancer_types
        self.cancer_types_by_slug = {cancer_type.slug: cancer_type for cancer_type in cancer_types}
        self.ignored_values: list[str] = []
        # A filtered broad search's page, read with its exact total (_count_with_page), of
        # this size (the API's visitors choose theirs).
        self.counted_page: KnownSlice | None = None
        self.page_size = settings.TRIALPORTAL_PAGE_SIZE
        super().__init__(self._without_unknown_choices(data), *args, **kwargs)
        self.filters["cancer_type"].extra["choices"] = [
            (cancer_type.slug, cancer_type.name) for cancer_type in cancer_types
        ]

    def _without_unknown_choices(self, data):
        """Drop values no option matches, and say which, instead of discarding the whole
        parameter (or the whole list) because one value was mistyped."""
        if data is None:
            return None
        known = {
            "cancer_type": set(self.cancer_types_by_slug),
            "phase": set(Phase.values),
            "status": set(Status.values),
        }
        cleaned = data.copy()
        for parameter, name in MULTIPLE_CHOICE_NAMES.items():
            # Each value once, in the order given: a repeated value is not a second filter.
            values = list(dict.fromkeys(value for value in data.getlist(parameter) if value))
            unknown = [value for value in values if value not in known[parameter]]
            for value in unknown[:MAX_NAMED_UNKNOWN_VALUES]:
                self.ignored_values.append(
                    _("There is no %(name)s “%(value)s”, so it was left out.")
                    % {"name": name, "value": value[:80]}
                )
            if len(unknown) > MAX_NAMED_UNKNOWN_VALUES:
                more = len(unknown) - MAX_NAMED_UNKNOWN_VALUES
                self.ignored_values.append(
                    ngettext(
                        "%(count)d more unknown %(name)s was left out too.",
                        "%(count)d more unknown values of %(name)s were left out too.",
                        more,
                    )
                    % {"count": more, "name": name}
                )
            cleaned.setlist(parameter, [value for value in values if value in known[parameter]])
        return cleaned

    @property
    def messages(self) -> list[str]:
        """Everything the visitor should know about their filters, in plain words."""
        messages = list(self.ignored_values)
        if self.is_bound:
            for name, errors in self.form.errors.items():
                label = self.form.fields[name].label
                messages.extend(f"{label}: {error}" for error in errors)
        return messages

    def valid_values(self) -> dict:
        """The filters' values that passed validation; a field with an error is absent."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def more_filters_active(self) -> bool:
        """Status, phase or open arm in force: "More filters" opens to show them."""
        values = self.valid_values()
        return any(values.get(name) for name in ("status", "phase", "open_arm"))

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """What search needs beyond the trials, read once for the text search and the order."""
        return Vocabulary.load(self.cancer_types)

    # Filter methods --------------------------------------------------------------------

    def filter_text(self, queryset, name, value):
        # The search's condition on the trials themselves (sets of ids read from indexes),
        # not a list of ids read into Python: at a registry's size a broad word matches
        # tens of thousands of trials.
        return queryset.matching(value, vocabulary=self.vocabulary)

    def filter_open(self, queryset, name, value):
        return queryset.open_for_inclusion() if value == YES else queryset

    def filter_age(self, queryset, name, value):
        if value is None:
            return queryset
        amount = int(value)
        if self.valid_values().get("age_unit") == "months":
            return queryset.for_age_months(amount)
        # A child of "7" may be anything from 7 years to 7 years and 11 months.
        return queryset.for_age_months(amount * 12, amount * 12 + 11)

    def filter_nothing(self, queryset, name, value):
        """age_unit and sort shape other filters or the order, not the set of trials."""
        return queryset

    def filter_cancer_type(self, queryset, name, value):
        if not value:
            return queryset
        chosen = [self.cancer_types_by_slug[slug] for slug in value]
        return queryset.in_cancer_types_among(chosen, self.cancer_types)

    def filter_setting(self, queryset, name, value):
        return queryset.for_disease_setting(value) if value else queryset

    def filter_open_arm(self, queryset, name, value):
        return queryset.with_open_arm() if value == YES else queryset

    # Order -----------------------------------------------------------------------------

    @property
    def chosen_sort(self) -> str:
        """The sort the menu shows: "Best match" unless the visitor chose another."""
        return self.valid_values().get("sort") or "relevance"

    @property
    def sort_choices(self) -> list[tuple[str, str]]:
        """The sort menu. Without search text, "best match" means open trials first."""
        if self.valid_values().get("q", "").strip():
            return SORT_CHOICES
        return [
            (value, _("Open trials first") if value == "relevance" else label)
            for value, label in SORT_CHOICES
        ]

    @property
    def sort_order(self) -> str:
        """Best match when searching for text, otherwise open trials first, unless asked
        otherwise."""
        values = self.valid_values()
        chosen = values.get("sort") or ""
        if chosen == "relevance" or not chosen:
            return "relevance" if values.get("q", "").strip() else "open_first"
        return chosen

    @property
    def lists_open_trials_first(self) -> bool:
        return self.sort_order in {"relevance", "open_first"}

    def ordered(self, queryset, *, results: int | None = None):
        """`queryset` in the chosen order. `results`: how many trials it holds, when known;
        above TRIALPORTAL_RANK_EVERY_WORD_UP_TO, best match weighs the names, registry
        numbers and cancer types only (see Search.relevance)."""
        order = self.sort_order
        if order == "relevance":
            every_word = results is None or results <= settings.TRIALPORTAL_RANK_EVERY_WORD_UP_TO
            queryset = queryset.with_relevance(
                self.valid_values()["q"], vocabulary=self.vocabulary, every_word=every_word
            )
        if self.lists_open_trials_first:
            queryset = queryset.annotate(open_rank=open_first_rank())
        return queryset.order_by(*SORT_ORDERINGS[order])

    # Counts beside each option ---------------------------------------------------------

    def queryset_without(self, *excluded: str, **how):
        """The trials every valid filter except `excluded` lets through: what an option of
        `excluded` would give if chosen along with the rest. For `how` the search text's
        matches are read (`sampled`, `per_row`, `within`, `each_document`) see
        trials.search.Search.condition."""
        queryset = self.queryset.all()
        read_otherwise = any(option not in (None, False) for option in how.values())
        for name, value in self.valid_values().items():
            if name in excluded:
                continue
            if name == "q" and read_otherwise:
                queryset = queryset.matching(value, vocabulary=self.vocabulary, **how)
            else:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def _count_with_page(self, *, estimate: int) -> int:
        """How many trials a broad search leaves with the other filters (few), read in one
        query with the page the visitor asked for (a window count beside its ids), which
        ordered_ids() then gives. The order is chosen by `estimate`, for every page
        alike. The text index gives only the matches the facet filters keep (their words
        in the search documents); with none of those (the age alone), each trial the
        filters leave is tested against every match (per_row)."""
        words = self._facet_words()
        matches = self.queryset_without(per_row=words is None, within=words)
        trials = self.ordered(matches, results=estimate)
        start, stop = self._requested_slice()
        total, page_ids = count_with_slice(trials, start, stop)
        self.counted_page = KnownSlice(trials.values_list("pk", flat=True), start, page_ids)
        return total

    def ordered_ids(self, *, results: int):
        """The ids of the trials every filter in force lets through, in the chosen order, to
        slice a page from. `results`: how many there are (or about how many). For a broad
        search (counts from the sample), best match for many results is read tier by tier
        (BestMatchPages); other orders are read from an index, each trial tested against
        the matches as it is read (Search.condition's `per_row`)."""
        if not self.facet_counts.is_estimate:
            return self.ordered(self.qs, results=results).values_list("pk", flat=True)
        if self.counted_page is not None:
            return self.counted_page
        many = results > settings.TRIALPORTAL_RANK_EVERY_WORD_UP_TO
        if self.sort_order == "relevance" and many:
            search = Search(self.valid_values()["q"], self.queryset.db, self.vocabulary)
            return search.best_match_pages(self.queryset_without("q"))
        _, page_end = self._requested_slice()
        if reads_each_document(page_end, results):
            matches = self.queryset_without(each_document=True)
        else:
            matches = self.queryset_without(per_row=True)
        return self.ordered(matches, results=results).values_list("pk", flat=True)

    def _requested_slice(self) -> tuple[int, int]:
        """Where the page the visitor asked for starts and ends among the results (as far
        as the pages go), before paginate() checks it against the pages there are."""
        number = min(requested_page(self.data or {}), max_pages(self.page_size))
        return (number - 1) * self.page_size, number * self.page_size

    @property
    def counts_from_a_sample(self) -> bool:
        """Whether the counts are first read from the search documents' sample: for a
        search (PostgreSQL, where there are search documents) at a registry's size."""
        searching = bool(self.valid_values().get("q", "").strip())
        return searching and connections[self.queryset.db].vendor == "postgresql"

    def _facet_words(self):
        """The facet filters in force as one query of the search documents' words for
        them (migration 0023), or None when none is in force."""
        words = [words for _, words in self._facet_conditions().values()]
        if chosen := self._chosen_cancer_types():
            words.append(with_cancer_types(chosen, self.vocabulary))
        return reduce(and_, words) if words else None

    def _facet_conditions(self) -> dict[str, tuple[Q, object]]:
        """The condition of each facet filter in force, as the filters above apply it, and
        the same as a query of the search documents' facet words (with_facet); but cancer
        type (FacetCounts reads it off each group's key)."""
        values = self.valid_values()
        conditions = {}
        if phases := values.get("phase"):
            conditions["phase"] = Q(phase__in=phases), with_facet("phase", phases)
        if statuses := values.get("status"):
            conditions["status"] = Q(status__in=statuses), with_facet("status", statuses)
        if values.get("open") == YES:
            conditions["open"] = OPEN_FOR_INCLUSION, with_facet("status", OPEN_STATUSES)
        if setting := values.get("setting"):
            in_setting = [setting, DiseaseSetting.BOTH]
            conditions["setting"] = for_disease_setting(setting), with_facet("setting", in_setting)
        if values.get("open_arm") == YES:
            conditions["open_arm"] = HAS_OPEN_ARM, with_facet("open_arm", ["yes"])
        return conditions

    @cached_property
    def facet_counts(self) -> FacetCounts:
        """The counts beside every option and the number of results: one query."""
        conditions = self._facet_conditions()

        def count(*excluded: str, where: Q | None = None) -> Count:
            """Trials passing every facet filter but `excluded`, and `where`."""
            kept = [
                condition for name, (condition, _) in conditions.items() if name not in excluded
            ]
            if where is not None:
                kept.append(where)
            return Count("pk", filter=reduce(and_, kept)) if kept else Count("pk")

        aggregates = {RESULTS: count(), MATCHED: Count("pk")}
        columns = {}
        options = [
            *(("phase", value, Q(phase=value), ("phase",)) for value in Phase.values),
            *(("status", value, Q(status=value), ("status", "open")) for value in Status.values),
            *(
                ("setting", value, Q(disease_setting=value), ("setting",))
                for value in DiseaseSetting.values
            ),
            ("open_arm", YES, HAS_OPEN_ARM, ("open_arm",)),
        ]
        for index, (facet, value, where, excluded) in enumerate(options):
            columns[facet, value] = f"option_{index}"
            aggregates[f"option_{index}"] = count(*excluded, where=where)
        chosen = self._chosen_cancer_types()
        chosen_tags = frozenset(tag_ids_counting_for(chosen, self.cancer_types)) if chosen else None

        def counts(*, sampled: bool) -> FacetCounts:
            rows = (
                self.queryset_without(*FACETS, sampled=sampled)
                .order_by()
                .values("cancer_type_key")
                .annotate(**aggregates)
            )
            scale = SAMPLE_EVERY if sampled else 1
            return FacetCounts(list(rows), columns, chosen_tags, scale=scale)

        # A broad search at a registry's size (56,000 matches of 100,000 trials) is counted
        # from one trial in 16, which reads a sixteenth of the matches: 120 -> 15 ms. Up to
        # TRIALPORTAL_EXACT_COUNTS_UP_TO matches, as for every collection a centre has, the
        # counts are exact (a second query, for a search that matches few). When the other
        # filters leave that few of a broad search's matches, the options' counts stay
        # estimates but the results are counted exactly, with the requested page, each
        # trial the filters leave tested against the matches (per_row): 55 ms for both,
        # where counting every option exactly read all 56,000 matches again (140 ms) and
        # the page read them once more.
        if self.counts_from_a_sample:
            sampled = counts(sampled=True)
            limit = settings.TRIALPORTAL_EXACT_COUNTS_UP_TO
            if sampled.matched > limit:
                if sampled.results <= limit:
                    sampled.exact_results = self._count_with_page(estimate=sampled.results)
                return sampled
        return counts(sampled=False)

    def _chosen_cancer_types(self) -> list[CancerType]:
        return [self.cancer_types_by_slug[slug] for slug in self._selected("cancer_type")]

    def _selected(self, name: str) -> list:
        value = self.valid_values().get(name)
        if not value:
            return []
        return value if isinstance(value, list) else [value]

    def cancer_type_options(self) -> list[Option]:
        """Groups, each with its types, and how many trials each would give."""
        self.facet_counts.count_cancer_types(self.cancer_types)
        selected = set(self._selected("cancer_type"))

        def option(cancer_type, children=()):
            return Option(
                value=cancer_type.slug,
                label=cancer_type.name,
                count=cancer_type.trial_count,
                selected=cancer_type.slug in selected,
                children=[option(child) for child in children],
                hint=cancer_type.lay_name,
                is_estimate=self.facet_counts.is_estimate,
            )

        ordered = sorted(self.cancer_types, key=lambda cancer_type: cancer_type.name)
        return [option(group, group.types) for group in arrange_in_groups(ordered)]

    def phase_options(self) -> list[Option]:
        return self._choice_options("phase")

    def status_and_open_options(self) -> tuple[list[Option], Option]:
        """Status options and the "open for inclusion only" switch: both are read off the
        trials all other filters let through, per status."""
        values = self.valid_values()
        open_only = values.get("open") == YES
        chosen_statuses = set(values.get("status") or [])
        open_count = sum(
            self.facet_counts.of("status", status)
            for status in OPEN_STATUSES
            if not chosen_statuses or status in chosen_statuses
        )
        switch = Option(
            value=YES,
            label=str(self.filters["open"].label),
            count=open_count,
            selected=open_only,
            is_estimate=self.facet_counts.is_estimate,
        )
        options = self._choice_options("status", only=OPEN_STATUSES if open_only else None)
        for option in options:
            if option.value == Status.UNKNOWN:
                option.hint = str(StatusGroup.UNCONFIRMED.explanation)
        return options, switch

    def setting_options(self) -> list[Option]:
        both = self.facet_counts.of("setting", DiseaseSetting.BOTH)
        selected = set(self._selected("setting"))
        return [
            Option(
                value=value,
                label=str(label),
                count=self.facet_counts.of("setting", value) + both,
                selected=value in selected,
                is_estimate=self.facet_counts.is_estimate,
            )
            for value, label in SETTING_CHOICES
        ]

    def open_arm_option(self) -> Option:
        return Option(
            value=YES,
            label=str(self.filters["open_arm"].label),
            count=self.facet_counts.of("open_arm", YES),
            selected=self.valid_values().get("open_arm") == YES,
            is_estimate=self.facet_counts.is_estimate,
        )

    def _choice_options(self, name: str, *, only=None) -> list[Option]:
        """An option per choice of `name`, with its count; a choice not in `only` (when
        given) counts 0: the filters in force leave none of it."""
        selected = set(self._selected(name))
        return [
            Option(
                value=value,
                label=label,
                count=self.facet_counts.of(name, value) if only is None or value in only else 0,
                selected=value in selected,
                is_estimate=self.facet_counts.is_estimate and (only is None or value in only),
            )
            for value, label in self.filters[name].extra["choices"]
        ]

    # Active filters as removable chips -------------------------------------------------

    def active_filters(self) -> list[ActiveFilter]:
        """A chip for each filter value in force, read from the validated values, each
        with the query string that removes just that value."""
        valid = self.valid_values()
        if not valid:
            return []
        chips = []
        for name in self.CHIP_FIELDS:
            value = valid.get(name)
            if value in (None, "", []):
                continue
            values = value if isinstance(value, list) else [value]
            for item in values:
                remaining = self.form.data.copy()
                if isinstance(value, list):
                    remaining.setlist(name, [other for other in values if other != item])
                else:
                    remaining.pop(name, None)
                remaining.pop("page", None)
                if name == "age":
                    remaining.pop("age_unit", None)
                chips.append(
                    ActiveFilter(
                        label=str(self.filters[name].label),
                        value_label=str(self._chip_value(name, item)),
                        remove_query=remaining.urlencode(),
                        name=name,
                        value=item,
                    )
                )
        return chips

    def _chip_value(self, name, value):
        if name == "age":
            age = int(value)
            if self.valid_values().get("age_unit") == "months":
                return ngettext("%(age)d month old", "%(age)d months old", age) % {"age": age}
            return ngettext("%(age)d year old", "%(age)d years old", age) % {"age": age}
        if name == "q":
            return f"“{value}”"
        # The filter's own choices label its values (cancer types by slug, phases ...).
        return dict(self.filters[name].extra.get("choices", [])).get(value, value)

    # When nothing matches ------------------------------------------------------------

    def suggestions(self) -> list[Suggestion]:
        """Each filter value in force whose removal alone would show trials, with how many,
        most first. One query, whatever the number of filters: a count per value, each
        with every other value's condition."""
        chips = self.active_filters()
        if not chips:
            return []
        counts = self.queryset.aggregate(
            **{
                f"without_{index}": Count("pk", filter=self._condition_without(chip))
                for index, chip in enumerate(chips)
            }
        )
        suggestions = [
            Suggestion(active_filter=chip, count=counts[f"without_{index}"])
            for index, chip in enumerate(chips)
        ]
        return sorted(
            (suggestion for suggestion in suggestions if suggestion.count),
            key=lambda suggestion: -suggestion.count,
        )

    def _condition_without(self, removed: ActiveFilter) -> Q:
        """Every filter value in force but `removed`, as one condition on the trials."""
        conditions = []
        for name, value in self.valid_values().items():
            if value in (None, "", []) or name not in self.CHIP_FIELDS:
                continue
            if name == removed.name:
                if not isinstance(value, list):
                    continue
                value = [item for item in value if item != removed.value]
                if not value:
                    continue
            narrowed = self.filters[name].filter(Trial.objects.all(), value)
            conditions.append(Q(pk__in=narrowed.values("pk")))
        return reduce(and_, conditions, Q())

    def registry_searches(self) -> list[RegistrySearch]:
        """The same search on ClinicalTrials.gov and the EU Clinical Trials Register."""
        values = self.valid_values()
        age = values.get("age")
        if age is not None:
            age = int(age) // 12 if values.get("age_unit") == "months" else int(age)
        terms = SearchTerms(
            conditions=[
                self.cancer_types_by_slug[slug].name for slug in self._selected("cancer_type")
            ],
            text=(values.get("q") or "").strip(),
            age_years=age,
            statuses=values.get("status") or [],
            open_only=values.get("open") == YES,
            phases=values.get("phase") or [],
        )
        return registry_searches(terms)
