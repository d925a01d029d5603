"""The public finder's filters: what each GET parameter means, how it narrows the trials,
and how many trials each option would give."""

from dataclasses import dataclass, field

import django_filters
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .models import MAX_AGE_MONTHS, CancerType, Phase, Status, Trial

# Parameters that take several values (?phase=phase_1&phase=phase_2): an unknown value
# among them is left out with a message, and the known ones still apply.
MULTIPLE_CHOICE_PARAMETERS = ("cancer_type", "phase", "status")


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool
    children: list["Option"] = field(default_factory=list)


@dataclass
class ActiveFilter:
    label: str
    value_label: str
    remove_query: str


class TrialFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=200)
    cancer_type = django_filters.MultipleChoiceFilter(
        label=_("Cancer type"), method="filter_cancer_type"
    )
    phase = django_filters.MultipleChoiceFilter(
        label=_("Phase"), choices=Phase.choices, distinct=False
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, distinct=False
    )
    age = django_filters.NumberFilter(
        label=_("Age of the child (years)"),
        method="filter_age",
        min_value=0,
        max_value=MAX_AGE_MONTHS // 12,
        decimal_places=0,
        error_messages={
            "invalid": _("Enter the age as a whole number of years, e.g. 7."),
            "min_value": _("The age cannot be below 0."),
            "max_value": _("Enter an age of at most %(limit_value)s years."),
            "max_decimal_places": _("Enter the age as a whole number of years, e.g. 7."),
        },
    )

    class Meta:
        model = Trial
        fields = ["q", "cancer_type", "phase", "status", "age"]

    def __init__(self, data=None, *args, cancer_types=None, **kwargs):
        # The view passes the cancer types it already fetched, to save a query.
        if cancer_types is None:
            cancer_types = list(CancerType.objects.all())
        self.cancer_types = cancer_types
        self.cancer_types_by_slug = {cancer_type.slug: cancer_type for cancer_type in cancer_types}
        self.original_data = data if data is not None else QueryDict()
        self.ignored_values: list[str] = []
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
        names = {
            "cancer_type": _("cancer type"),
            "phase": _("phase"),
            "status": _("status"),
        }
        cleaned = data.copy()
        for parameter in MULTIPLE_CHOICE_PARAMETERS:
            values = [value for value in data.getlist(parameter) if value.strip()]
            kept = [value for value in values if value in known[parameter]]
            for value in values:
                if value not in known[parameter]:
                    self.ignored_values.append(
                        _("There is no %(name)s “%(value)s”, so it was left out.")
                        % {"name": names[parameter], "value": value[:80]}
                    )
            cleaned.setlist(parameter, kept)
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

    # Filter methods --------------------------------------------------------------------

    def filter_cancer_type(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.in_cancer_types([self.cancer_types_by_slug[slug] for slug in value])

    def filter_age(self, queryset, name, value):
        if value is None:
            return queryset
        years = int(value)
        # A child of "7" may be anything from 7 years to 7 years and 11 months.
        return queryset.for_age_months(years * 12, years * 12 + 11)

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    # Counts beside each option ---------------------------------------------------------

    def valid_values(self) -> dict:
        """The filters' values that passed validation; a field with an error is absent."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    def queryset_without(self, excluded: str):
        """The trials every valid filter except `excluded` lets through: what an option of
        `excluded` would give if chosen along with the rest."""
        queryset = self.queryset.all()
        for name, value in self.valid_values().items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def _selected(self, name: str) -> list:
        return self.valid_values().get(name) or []

    def cancer_type_options(self) -> list[Option]:
        """Groups, each with its types; one query for all the counts."""
        counted = CancerType.objects.with_trial_counts(self.queryset_without("cancer_type"))
        counts = dict(counted.values_list("pk", "trial_count"))
        selected = set(self._selected("cancer_type"))
        groups = {}
        for cancer_type in sorted(self.cancer_types, key=lambda ct: ct.name):
            if cancer_type.parent_id is None:
                groups[cancer_type.pk] = self._option(cancer_type, counts, selected)
        for cancer_type in sorted(self.cancer_types, key=lambda ct: ct.name):
            if cancer_type.parent_id in groups:
                groups[cancer_type.parent_id].children.append(
                    self._option(cancer_type, counts, selected)
                )
        return list(groups.values())

    @staticmethod
    def _option(cancer_type, counts, selected) -> Option:
        return Option(
            value=cancer_type.slug,
            label=cancer_type.name,
            count=counts.get(cancer_type.pk, 0),
            selected=cancer_type.slug in selected,
        )

    def choice_options(self, name: str) -> list[Option]:
        """Options of a plain choice filter (phase, status) with their counts."""
        counts = self.queryset_without(name).facet_counts(name)
        selected = set(self._selected(name))
        return [
            Option(value=value, label=label, count=counts.get(value, 0), selected=value in selected)
            for value, label in self.filters[name].extra["choices"]
        ]

    # Active filters as removable chips -------------------------------------------------

    def active_filters(self) -> list[ActiveFilter]:
        if not self.is_bound:
            return []
        valid = self.valid_values()
        data = self.form.data
        labels = {
            "cancer_type": {ct.slug: ct.name for ct in self.cancer_types},
            "phase": dict(Phase.choices),
            "status": dict(Status.choices),
        }
        chips = []
        for name in self.Meta.fields:
            for value in data.getlist(name):
                if not value.strip() or name not in valid:
                    continue
                remaining = data.copy()
                remaining.setlist(name, [v for v in data.getlist(name) if v != value])
                remaining.pop("page", None)
                if name == "age":
                    value_label = _("%(age)s years old") % {"age": value}
                else:
                    value_label = labels.get(name, {}).get(value, value)
                chips.append(
                    ActiveFilter(
                        label=str(self.filters[name].label),
                        value_label=str(value_label),
                        remove_query=remaining.urlencode(),
                    )
                )
        return chips
