"""The finder's counts beside every option come from one query (trials.filters.FacetCounts):
each must still be exactly what choosing that option would show, with the other filters."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.http import QueryDict

from trials.filters import FACETS, TrialFilter
from trials.models import CancerType, Trial
from trials.models.trial import HAS_OPEN_ARM, OPEN_FOR_INCLUSION, for_disease_setting

pytestmark = pytest.mark.django_db

# Mixes of filters a family might choose, each facet in force somewhere, with and without
# search text and age.
FILTER_MIXES = [
    "",
    "cancer_type=solid-tumors",
    "cancer_type=neuroblastoma&cancer_type=acute-myeloid-leukemia",
    "phase=phase_2&status=recruiting",
    "open=1&setting=relapsed_refractory",
    "open_arm=1&age=7",
    "cancer_type=solid-tumors&phase=phase_1&phase=phase_2&open=1&setting=newly_diagnosed",
    "q=relapsed&status=recruiting&status=completed&open=1",
    "q=neuroblastoma&age=3&age_unit=months&open_arm=1&cancer_type=hematologic-malignancies",
]


@pytest.fixture
def collection(db):
    call_command("generate_trials", "120", "--seed", "7", stdout=io.StringIO())
    return list(CancerType.objects.all())


def slow_count(filterset: TrialFilter, facet: str, condition) -> int:
    """The rule FacetCounts must keep: the trials every other filter lets through, and
    the option's own condition, counted on their own."""
    excluded = ("status", "open") if facet == "status" else (facet,)
    return filterset.queryset_without(*excluded).filter(condition).count()


@pytest.mark.parametrize("query", FILTER_MIXES)
def test_every_option_counts_what_choosing_it_would_show(collection, query):
    filterset = TrialFilter(
        QueryDict(query), queryset=Trial.objects.published(), cancer_types=collection
    )
    assert not filterset.messages, "every filter of the mix is valid"

    for option in filterset.phase_options():
        expected = slow_count(filterset, "phase", Q(phase=option.value))
        assert option.count == expected, f"phase {option.value}"
    statuses, open_switch = filterset.status_and_open_options()
    for option in statuses:
        queryset = filterset.queryset_without("status").filter(status=option.value)
        assert option.count == queryset.count(), f"status {option.value}"
    open_trials = filterset.queryset_without("open").filter(OPEN_FOR_INCLUSION)
    assert open_switch.count == open_trials.count()
    for option in filterset.setting_options():
        expected = slow_count(filterset, "setting", for_disease_setting(option.value))
        assert option.count == expected, f"setting {option.value}"
    assert filterset.open_arm_option().count == slow_count(filterset, "open_arm", HAS_OPEN_ARM)
    for group in filterset.cancer_type_options():
        for option in [group, *group.children]:
            cancer_type = filterset.cancer_types_by_slug[option.value]
            expected = (
                filterset.queryset_without("cancer_type").in_cancer_types([cancer_type]).count()
            )
            assert option.count == expected, f"cancer type {option.value}"
    assert filterset.facet_counts.results == filterset.qs.count()


def test_the_mixes_are_not_empty(collection):
    # The parity above would prove little on empty sets.
    for query in FILTER_MIXES[:6]:
        filterset = TrialFilter(
            QueryDict(query), queryset=Trial.objects.published(), cancer_types=collection
        )
        assert filterset.facet_counts.results > 0, query
    assert set(FACETS) <= set(TrialFilter.base_filters)
