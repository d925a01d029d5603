"""A finder with no dead ends: what to remove when nothing matches, where else to look, and
statuses and filters a family can read."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from trials.models import DiseaseSetting, Phase, SiteSettings, Status, StatusGroup

from .factories import CancerTypeFactory, TrialFactory
from .queries import SEARCH_SAMPLE

pytestmark = pytest.mark.django_db

LIST_URL = reverse("trials:list")


@pytest.fixture
def relapsed_solid(solid_tumors, neuroblastoma):
    """A 7-year-old with a relapsed solid tumour: three trials could fit, none is open."""
    closed = {"disease_setting": DiseaseSetting.RELAPSED_REFRACTORY, "min_age_months": None}
    TrialFactory(
        short_name="ESMART",
        cancer_types=[solid_tumors],
        status=Status.ACTIVE_NOT_RECRUITING,
        **closed,
    )
    TrialFactory(
        short_name="NBL-PAUSED", cancer_types=[neuroblastoma], status=Status.SUSPENDED, **closed
    )
    TrialFactory(
        short_name="NBL-NEW",
        cancer_types=[neuroblastoma],
        status=Status.RECRUITING,
        disease_setting=DiseaseSetting.NEWLY_DIAGNOSED,
    )
    TrialFactory(
        short_name="BABIES",
        cancer_types=[neuroblastoma],
        status=Status.RECRUITING,
        max_age_months=24,
        **closed,
    )
    office = SiteSettings.load()
    office.phone, office.email = "+31 88 000 0000", "trials@example.org"
    office.save()


EMPTY_QUERY = {
    "open": "1",
    "age": "7",
    "setting": "relapsed_refractory",
    "cancer_type": "solid-tumors",
}


def suggestions(response) -> dict[str, int]:
    return {
        f"{s.active_filter.label}: {s.active_filter.value_label}": s.count
        for s in response.context["suggestions"]
    }


def test_no_results_names_each_filter_to_remove_with_its_count(client, relapsed_solid):
    response = client.get(LIST_URL, EMPTY_QUERY)
    assert "0 trials found" in response.text
    # Without "open" ESMART and NBL-PAUSED fit; without the age, BABIES; without the
    # disease setting, NBL-NEW. Without the cancer type, still none.
    assert suggestions(response) == {
        "Open for inclusion only: yes": 2,
        "Age of the child: 7 years old": 1,
        "Disease: Relapsed or refractory": 1,
    }
    assert list(suggestions(response))[0] == "Open for inclusion only: yes"  # most first
    text = response.text
    assert "Remove one filter to see trials:" in text
    assert (
        '<a href="?age=7&amp;setting=relapsed_refractory&amp;cancer_type=solid-tumors#results">'
        "Remove “Open for inclusion only: yes” "
    ) in text
    assert "</span> 2 trials</a>" in text


def test_each_suggestion_leads_to_the_trials_it_promises(client, relapsed_solid):
    response = client.get(LIST_URL, EMPTY_QUERY)
    for suggestion in response.context["suggestions"]:
        followed = client.get(f"{LIST_URL}?{suggestion.active_filter.remove_query}")
        assert followed.context["page_obj"].paginator.count == suggestion.count


def test_a_repeated_parameter_is_suggested_value_by_value(client, relapsed_solid):
    response = client.get(
        LIST_URL + "?status=suspended&status=completed&age=7&setting=newly_diagnosed"
    )
    assert suggestions(response) == {"Disease: Newly diagnosed": 1}
    response = client.get(LIST_URL + "?phase=phase_3&phase=phase_4")
    assert suggestions(response) == {}
    assert "Removing any one filter still shows no trials." in response.text


MANY_FILTERS = {
    **EMPTY_QUERY,
    "phase": ["phase_1", "phase_2", "phase_3"],
    "status": ["recruiting", "suspended"],
    "open_arm": "1",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The version of public content (trials.freshness), cancer types, one for every
        # count and the total (FacetCounts), the glossary words, the centre's settings,
        # and one for all the suggestions (an empty page has no cards to fetch).
        (EMPTY_QUERY, 6),
        (MANY_FILTERS, 6),
        # ... and the text search's spelling variants (the search is a subquery), and on
        # PostgreSQL its count in the search documents' sample.
        ({**MANY_FILTERS, "q": "tumour"}, 7 + SEARCH_SAMPLE),
    ],
)
def test_suggestions_cost_one_query_whatever_the_number_of_filters(
    client, django_assert_num_queries, relapsed_solid, query, expected
):
    with django_assert_num_queries(expected):
        response = client.get(LIST_URL, query)
    assert response.context["page_obj"].paginator.count == 0
    assert len(response.context["active_filters"]) >= 4


def test_no_results_offers_the_contact_box_and_the_same_search_elsewhere(client, relapsed_solid):
    response = client.get(LIST_URL, {**EMPTY_QUERY, "phase": "phase_2"})
    text = response.text
    assert "Not sure what to look for? Ask us" in text
    assert 'href="tel:+31880000000"' in text
    [ctgov, euctr] = response.context["registry_searches"]
    ctgov_query = parse_qs(urlsplit(ctgov.url).query)
    assert ctgov.url.startswith("https://clinicaltrials.gov/search?")
    assert ctgov_query == {
        "cond": ["Solid tumors"],
        "aggFilters": ["ages:child,status:rec enr,phase:2"],
    }
    euctr_query = parse_qs(urlsplit(euctr.url).query)
    assert euctr.url.startswith("https://www.clinicaltrialsregister.eu/ctr-search/search?")
    assert euctr_query == {
        "query": ["Solid tumors"],
        "age": ["under-18"],
        "status": ["ongoing"],
        "phase": ["phase-two"],
    }
    assert f'href="{ctgov.url.replace("&", "&amp;")}"' in text
    assert "Search EU Clinical Trials Register" in text


def test_searches_elsewhere_carry_the_search_text_and_an_adults_age(client, relapsed_solid):
    response = client.get(LIST_URL, {"q": "venetoclax", "age": "19"})
    [ctgov, euctr] = response.context["registry_searches"]
    assert parse_qs(urlsplit(ctgov.url).query) == {
        "term": ["venetoclax"],
        "aggFilters": ["ages:adult"],
    }
    assert parse_qs(urlsplit(euctr.url).query) == {"query": ["venetoclax"], "age": ["adult"]}


def test_a_page_with_results_makes_no_suggestions(client, relapsed_solid):
    response = client.get(LIST_URL, {"cancer_type": "solid-tumors"})
    assert response.context["suggestions"] == []
    assert response.context["registry_searches"] == []
    assert "Questions? Ask the trial office" in response.text


# Statuses a family can tell apart --------------------------------------------------------


def test_each_status_group_looks_different_and_says_so_in_words(client, db):
    for status in Status:
        TrialFactory(short_name=f"T-{status.value}", status=status)
    text = client.get(LIST_URL).text
    for group in StatusGroup:
        assert f'class="status status--{group.value}"' in text
    assert '<span class="status status--by_invitation">Open by invitation only</span>' in text
    assert '<span class="status status--open">Open for inclusion</span>' in text
    # The legend explains every group in plain words.
    assert "What do the statuses mean?" in text
    for group in StatusGroup:
        assert str(group.explanation).replace("'", "&#x27;") in text


def test_status_not_confirmed_explains_itself_on_cards_and_options(client, db):
    TrialFactory(short_name="REGISTRY", status=Status.UNKNOWN)
    response = client.get(LIST_URL)
    assert (
        "(not yet checked by our staff: ask the trial office whether it is open)" in response.text
    )
    [unknown] = [o for o in response.context["status_options"] if o.value == Status.UNKNOWN]
    assert "Please ask the trial office." in unknown.hint


# Filters in the order families think -------------------------------------------------------


def test_age_cancer_type_and_disease_come_first_and_the_rest_under_more_filters(client, db):
    text = client.get(LIST_URL).text
    order = [
        "Age of your child",
        "Cancer type</legend>",
        "Disease</legend>",
        "More filters",
        "Status</legend>",
        "Phase</legend>",
        "Has an open study arm",
    ]
    positions = [text.index(label) for label in order]
    assert positions == sorted(positions)
    assert '<details class="more-filters" id="more-filters">' in text  # folded


def test_more_filters_open_when_one_of_them_is_in_use(client, db):
    text = client.get(LIST_URL, {"phase": Phase.PHASE_2}).text
    assert '<details class="more-filters" id="more-filters" open>' in text


def test_phase_and_open_arm_are_explained_where_they_are_chosen(client, db):
    text = client.get(LIST_URL).text
    assert "What does “Phase” mean?" in text
    assert "What does “Open arm” mean?" in text


def test_filter_options_show_the_everyday_name(client, solid_tumors):
    CancerTypeFactory(name="Wilms tumor", parent=solid_tumors, lay_name="kidney cancer")
    text = client.get(LIST_URL).text
    assert (
        '<span class="option__label">Wilms tumor</span> '
        '<span class="option__hint">(kidney cancer)</span>'
    ) in text


def test_without_javascript_the_form_lands_on_the_results(client, db):
    TrialFactory.create_batch(3)
    text = client.get(LIST_URL).text
    assert 'action="/en/trials/#results"' in text
    assert '<section class="results" id="results"' in text
    # The live count is for JavaScript; without it the button says "Show trials".
    assert '<span class="filters__show-count">Show 3 trials</span>' in text
    assert '<span class="filters__show-plain">Show trials</span>' in text
