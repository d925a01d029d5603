import pytest
from django.urls import reverse

from trials.models import Phase, Status

from .factories import CancerTypeFactory, RegistryNumberFactory, TrialFactory
from .queries import SEARCH_SAMPLE

pytestmark = pytest.mark.django_db

LIST_URL = reverse("trials:list")


def in_order(response) -> list[str]:
    """The trials on the page, in the order shown."""
    return [trial.short_name for trial in response.context["trials"]]


def shown(response) -> list[str]:
    """The trials on the page, by name: for tests about which, not in what order."""
    return sorted(in_order(response))


@pytest.fixture
def catalogue(solid_tumors, neuroblastoma, hematologic, leukemia):
    """Four published trials and a draft, spread over types, phases, statuses and ages."""
    return {
        "nbl": TrialFactory(
            short_name="NBL-1",
            cancer_types=[neuroblastoma],
            phase=Phase.PHASE_2,
            status=Status.RECRUITING,
            min_age_months=6,
            max_age_months=21 * 12,
        ),
        "solid": TrialFactory(
            short_name="SOLID-1",
            cancer_types=[solid_tumors],
            phase=Phase.PHASE_1,
            status=Status.ACTIVE_NOT_RECRUITING,
            min_age_months=None,
            max_age_months=18 * 12,
        ),
        "aml": TrialFactory(
            short_name="AML-1",
            cancer_types=[leukemia],
            phase=Phase.PHASE_3,
            status=Status.RECRUITING,
            min_age_months=12 * 12,
            max_age_months=None,
            summary="Venetoclax for children whose leukaemia came back.",
        ),
        "anyage": TrialFactory(
            short_name="ANY-1",
            cancer_types=[hematologic, neuroblastoma],
            phase=Phase.PHASE_2,
            status=Status.COMPLETED,
            min_age_months=None,
            max_age_months=None,
        ),
        "draft": TrialFactory(
            short_name="DRAFT-1",
            cancer_types=[neuroblastoma],
            publication="draft",
            status=Status.RECRUITING,
        ),
    }


def test_unfiltered_finder_lists_open_trials_first_then_by_name(client, catalogue):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    # Recruiting first; then closed (active, not recruiting) and completed, by name.
    assert in_order(response) == ["AML-1", "NBL-1", "ANY-1", "SOLID-1"]
    assert "Trials that are open to new patients come first." in response.text
    assert "4 trials found" in response.text


def test_filter_by_specific_cancer_type(client, catalogue):
    response = client.get(LIST_URL, {"cancer_type": "acute-myeloid-leukemia"})
    assert shown(response) == ["AML-1", "ANY-1"]


def test_type_includes_trials_for_its_whole_group(client, catalogue):
    # SOLID-1 is for all solid tumours, so it is a trial for neuroblastoma too.
    response = client.get(LIST_URL, {"cancer_type": "neuroblastoma"})
    assert shown(response) == ["ANY-1", "NBL-1", "SOLID-1"]


def test_filter_by_group_includes_trials_of_its_types(client, catalogue):
    response = client.get(LIST_URL, {"cancer_type": "solid-tumors"})
    assert shown(response) == ["ANY-1", "NBL-1", "SOLID-1"]
    response = client.get(LIST_URL, {"cancer_type": "hematologic-malignancies"})
    assert shown(response) == ["AML-1", "ANY-1"]


def test_repeated_cancer_types_combine_with_or(client, catalogue):
    response = client.get(
        LIST_URL + "?cancer_type=acute-myeloid-leukemia&cancer_type=neuroblastoma"
    )
    assert shown(response) == ["AML-1", "ANY-1", "NBL-1", "SOLID-1"]


def test_filter_by_phase(client, catalogue):
    assert shown(client.get(LIST_URL, {"phase": "phase_2"})) == ["ANY-1", "NBL-1"]
    assert shown(client.get(LIST_URL + "?phase=phase_1&phase=phase_3")) == ["AML-1", "SOLID-1"]


def test_filter_by_status(client, catalogue):
    assert shown(client.get(LIST_URL, {"status": "recruiting"})) == ["AML-1", "NBL-1"]


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        ("0", ["ANY-1", "NBL-1", "SOLID-1"]),  # NBL from 6 months: a baby of 0 years may fit
        ("12", ["AML-1", "ANY-1", "NBL-1", "SOLID-1"]),
        ("18", ["AML-1", "ANY-1", "NBL-1", "SOLID-1"]),  # "up to 18 years" includes 18
        ("19", ["AML-1", "ANY-1", "NBL-1"]),
        ("22", ["AML-1", "ANY-1"]),
    ],
)
def test_filter_by_age_keeps_trials_whose_range_includes_it(client, catalogue, age, expected):
    assert shown(client.get(LIST_URL, {"age": age})) == expected


def test_text_search_matches_name_title_and_summary(client, catalogue):
    assert shown(client.get(LIST_URL, {"q": "nbl"})) == ["NBL-1"]
    assert shown(client.get(LIST_URL, {"q": "venetoclax"})) == ["AML-1"]
    assert shown(client.get(LIST_URL, {"q": "Official title of SOLID-1"})) == ["SOLID-1"]


def test_text_search_matches_registry_number(client, catalogue):
    RegistryNumberFactory(trial=catalogue["aml"], registry="nct", value="NCT05183035")
    RegistryNumberFactory(trial=catalogue["draft"], registry="nct", value="NCT05183036")
    assert shown(client.get(LIST_URL, {"q": "NCT05183035"})) == ["AML-1"]
    assert shown(client.get(LIST_URL, {"q": "nct0518303"})) == ["AML-1"]


def test_filters_combine(client, catalogue):
    response = client.get(
        LIST_URL, {"cancer_type": "solid-tumors", "status": "recruiting", "age": "10"}
    )
    assert shown(response) == ["NBL-1"]
    response = client.get(LIST_URL, {"cancer_type": "solid-tumors", "phase": "phase_2", "q": "ANY"})
    assert shown(response) == ["ANY-1"]


def test_option_counts_reflect_the_other_filters(client, catalogue):
    response = client.get(LIST_URL, {"status": "recruiting"})
    phases = {option.value: option.count for option in response.context["phase_options"]}
    assert phases["phase_2"] == 1  # NBL-1 only: ANY-1 is completed
    assert phases["phase_3"] == 1
    assert phases["phase_1"] == 0
    # The status counts ignore the status filter itself, so other statuses stay choosable.
    statuses = {option.value: option.count for option in response.context["status_options"]}
    assert statuses == {**statuses, "recruiting": 2, "completed": 1, "active_not_recruiting": 1}


def test_cancer_type_options_form_a_tree_with_counts(client, catalogue):
    response = client.get(LIST_URL)
    groups = {group.value: group for group in response.context["cancer_type_options"]}
    assert groups["solid-tumors"].count == 3
    assert [child.value for child in groups["solid-tumors"].children] == ["neuroblastoma"]
    # NBL-1, ANY-1 and SOLID-1 (for all solid tumours); the draft is not counted.
    assert groups["solid-tumors"].children[0].count == 3
    assert groups["hematologic-malignancies"].count == 2


def test_option_that_would_give_nothing_is_marked_not_hidden(client, catalogue):
    response = client.get(LIST_URL, {"cancer_type": "acute-myeloid-leukemia"})
    phase_1 = next(o for o in response.context["phase_options"] if o.value == "phase_1")
    assert phase_1.count == 0
    assert 'value="phase_1"' in response.text
    assert "(none)" in response.text


def test_drafts_are_invisible_in_lists_counts_and_search(client, catalogue):
    response = client.get(LIST_URL, {"q": "DRAFT"})
    assert shown(response) == []
    response = client.get(LIST_URL)
    assert "DRAFT-1" not in response.text
    statuses = {o.value: o.count for o in response.context["status_options"]}
    assert statuses["recruiting"] == 2


def test_active_filters_are_chips_that_remove_one_value(client, catalogue):
    response = client.get(LIST_URL + "?phase=phase_1&phase=phase_3&status=recruiting&page=1")
    chips = {
        (chip.label, chip.value_label): chip.remove_query
        for chip in response.context["active_filters"]
    }
    assert chips[("Phase", "Phase 1")] == "phase=phase_3&status=recruiting"
    assert chips[("Status", "Open for inclusion")] == "phase=phase_1&phase=phase_3"
    assert "Clear all" in response.text


def test_paging_keeps_the_filters(client, settings, solid_tumors):
    settings.TRIALPORTAL_PAGE_SIZE = 2
    for number in range(5):
        TrialFactory(short_name=f"T-{number}", cancer_types=[solid_tumors])
    response = client.get(LIST_URL, {"cancer_type": "solid-tumors", "status": "recruiting"})
    assert shown(response) == ["T-0", "T-1"]
    assert 'href="?cancer_type=solid-tumors&amp;status=recruiting&amp;page=2"' in response.text
    second = client.get(
        LIST_URL, {"cancer_type": "solid-tumors", "status": "recruiting", "page": 2}
    )
    assert shown(second) == ["T-2", "T-3"]


def test_empty_result_says_so_and_offers_a_reset(client, catalogue):
    response = client.get(LIST_URL, {"q": "no such trial anywhere"})
    assert response.status_code == 200
    assert "No trials match all of these filters" in response.text
    assert "Show all trials" in response.text
    assert "0 trials found" in response.text


def test_many_trials_are_paged(client, settings):
    settings.TRIALPORTAL_PAGE_SIZE = 3
    TrialFactory.create_batch(7)
    response = client.get(LIST_URL, {"page": "3"})
    assert len(response.context["trials"]) == 1
    assert response.context["page_obj"].paginator.num_pages == 3


def test_unknown_cancer_type_is_named_and_left_out(client, catalogue):
    response = client.get(LIST_URL + "?cancer_type=neuroblastoma&cancer_type=dragon-pox")
    assert response.status_code == 200
    assert "There is no cancer type “dragon-pox”, so it was left out." in response.text
    assert shown(response) == ["ANY-1", "NBL-1", "SOLID-1"]  # the known value still applies


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("phase=phase_9", "There is no phase “phase_9”"),
        ("status=open", "There is no status “open”"),
        ("age=-3", "The age cannot be below 0."),
        ("age=seven", "Enter the age as a whole number, e.g. 7."),
        ("age=7.5", "Enter the age as a whole number, e.g. 7."),
        ("age=500", "Enter an age of at most 120."),
    ],
)
def test_bad_filter_values_get_a_clear_message(client, catalogue, query, message):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert message in response.text
    # The bad value is ignored, visibly, rather than narrowing the list to something wrong.
    assert shown(response) == ["AML-1", "ANY-1", "NBL-1", "SOLID-1"]


@pytest.mark.parametrize(
    ("page", "message", "number"),
    [
        ("999999", "There is no page 999999; here is page 2, the last one.", 2),
        ("abc", "“abc” is not a page number, so here is the first page.", 1),
        ("0", "Pages start at 1, so here is the first page.", 1),
        ("-4", "Pages start at 1, so here is the first page.", 1),
        ("9" * 40, "here is page 2, the last one.", 2),
    ],
)
def test_impossible_page_numbers_show_a_real_page_with_a_note(
    client, settings, page, message, number
):
    settings.TRIALPORTAL_PAGE_SIZE = 2
    TrialFactory.create_batch(3)
    response = client.get(LIST_URL, {"page": page})
    assert response.status_code == 200
    assert message in response.text
    assert response.context["page_obj"].number == number


def test_malformed_query_strings_do_not_break_the_finder(client, catalogue):
    for query in ["%ZZ", "age", "cancer_type=&phase=", "q=" + "x" * 500, "status[]=1&&&="]:
        response = client.get(f"{LIST_URL}?{query}")
        assert response.status_code == 200, query


def test_too_long_search_text_is_explained(client, catalogue):
    response = client.get(LIST_URL, {"q": "x" * 500})
    assert "Search: Ensure this value has at most 200 characters" in response.text


@pytest.mark.parametrize("trial_count", [3, 25])
@pytest.mark.parametrize(
    ("query", "expected_queries"),
    [
        # The version of public content (trials.freshness), cancer types, one for every
        # count beside the options and the total (FacetCounts), the page's ids in order,
        # its trials, their cancer types, the glossary words the finder explains and the
        # centre's settings (name, contact box).
        ({"status": "recruiting", "age": "5", "open_arm": "", "sort": "start"}, 8),
        # ... and the search's spelling variants, and on PostgreSQL its count in the
        # search documents' sample; the text search itself is a subquery of the counts
        # and the page (no list of matching ids read into Python).
        ({"status": "recruiting", "age": "5", "q": "TRIAL"}, 9 + SEARCH_SAMPLE),
    ],
)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_finder_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, trial_count, query, expected_queries, language
):
    groups = [CancerTypeFactory(name=f"Group {n}") for n in range(3)]
    types = [CancerTypeFactory(name=f"Type {n}", parent=groups[n % 3]) for n in range(6)]
    for number in range(trial_count):
        trial = TrialFactory(cancer_types=[types[number % 6], groups[number % 3]])
        RegistryNumberFactory(trial=trial)
    with django_assert_num_queries(expected_queries):
        response = client.get(f"/{language}/trials/", query)
    assert response.status_code == 200
    assert len(response.context["trials"]) == min(trial_count, 20)
    # A repeat visit comes from the page cache: only the version is read.
    with django_assert_num_queries(1):
        again = client.get(f"/{language}/trials/", query)
    assert again.content == response.content


# Finder depth: open switch, age in months, disease setting, open arms, sorting, partial.


@pytest.fixture
def families_catalogue(solid_tumors, neuroblastoma):
    from trials.models import ArmStatus, DiseaseSetting

    new = TrialFactory(
        short_name="NEW-1",
        cancer_types=[neuroblastoma],
        disease_setting=DiseaseSetting.NEWLY_DIAGNOSED,
        status=Status.RECRUITING,
        min_age_months=None,
        max_age_months=18,
    )
    relapsed = TrialFactory(
        short_name="REL-1",
        cancer_types=[neuroblastoma],
        disease_setting=DiseaseSetting.RELAPSED_REFRACTORY,
        status=Status.ACTIVE_NOT_RECRUITING,
        min_age_months=24,
        max_age_months=216,
    )
    both = TrialFactory(
        short_name="BOTH-1",
        cancer_types=[solid_tumors],
        disease_setting=DiseaseSetting.BOTH,
        status=Status.ENROLLING_BY_INVITATION,
        min_age_months=6,
        max_age_months=None,
    )
    from .factories import ArmFactory

    ArmFactory(trial=relapsed, status=ArmStatus.OPEN)
    ArmFactory(trial=new, status=ArmStatus.CLOSED)
    ArmFactory(trial=both, status=ArmStatus.PLANNED)
    return {"new": new, "relapsed": relapsed, "both": both}


def test_open_for_inclusion_switch_keeps_recruiting_and_by_invitation(client, families_catalogue):
    assert shown(client.get(LIST_URL, {"open": "1"})) == ["BOTH-1", "NEW-1"]


def test_open_switch_count_reflects_other_filters(client, families_catalogue):
    response = client.get(LIST_URL, {"cancer_type": "neuroblastoma"})
    assert response.context["open_option"].count == 2  # NEW-1, and BOTH-1 for all solid
    response = client.get(LIST_URL, {"status": "recruiting"})
    assert response.context["open_option"].count == 1


def test_status_counts_respect_the_open_switch(client, families_catalogue):
    response = client.get(LIST_URL, {"open": "1"})
    statuses = {o.value: o.count for o in response.context["status_options"]}
    assert statuses["recruiting"] == 1
    assert statuses["enrolling_by_invitation"] == 1
    assert statuses["active_not_recruiting"] == 0


def test_age_in_months_for_babies(client, families_catalogue):
    # A 3-month-old: NEW-1 (up to 18 months) only; BOTH-1 starts at 6 months.
    assert shown(client.get(LIST_URL, {"age": "3", "age_unit": "months"})) == ["NEW-1"]
    assert shown(client.get(LIST_URL, {"age": "8", "age_unit": "months"})) == ["BOTH-1", "NEW-1"]
    # "1 year" may mean 12 to 23 months, so the trial up to 18 months still shows.
    assert shown(client.get(LIST_URL, {"age": "1"})) == ["BOTH-1", "NEW-1"]


def test_disease_setting_includes_trials_for_both(client, families_catalogue):
    assert shown(client.get(LIST_URL, {"setting": "newly_diagnosed"})) == ["BOTH-1", "NEW-1"]
    response = client.get(LIST_URL, {"setting": "relapsed_refractory"})
    assert shown(response) == ["BOTH-1", "REL-1"]
    counts = {o.value: o.count for o in response.context["setting_options"]}
    assert counts == {"newly_diagnosed": 2, "relapsed_refractory": 2}


def test_has_an_open_arm(client, families_catalogue):
    response = client.get(LIST_URL, {"open_arm": "1"})
    assert shown(response) == ["REL-1"]
    assert response.context["open_arm_option"].count == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("setting=sometimes", "Disease can be newly_diagnosed or relapsed_refractory"),
        ("open=yes", "Use open=1 to show only trials open for inclusion."),
        ("open_arm=2", "Use open_arm=1"),
        ("sort=random", "Sort by relevance, name, updated or start"),
        ("age_unit=weeks", "The age is counted in years or in months."),
    ],
)
def test_bad_depth_values_get_a_clear_message(client, families_catalogue, query, message):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert message in response.text
    assert len(shown(response)) == 3


def test_sort_by_start_date_and_recent_update(client, families_catalogue):
    import datetime

    from trials.models import Trial

    families_catalogue["new"].start_date = datetime.date(2026, 1, 1)
    families_catalogue["new"].save()
    families_catalogue["both"].start_date = datetime.date(2019, 1, 1)
    families_catalogue["both"].save()
    Trial.objects.filter(pk=families_catalogue["relapsed"].pk).update(
        start_date=datetime.date(2022, 1, 1)
    )
    assert in_order(client.get(LIST_URL, {"sort": "start"})) == ["NEW-1", "REL-1", "BOTH-1"]
    families_catalogue["relapsed"].save()  # the most recently updated now
    assert in_order(client.get(LIST_URL, {"sort": "updated"}))[0] == "REL-1"
    assert in_order(client.get(LIST_URL, {"sort": "name"})) == ["BOTH-1", "NEW-1", "REL-1"]


def test_text_search_sorts_by_best_match(client, db):
    TrialFactory(short_name="ALPHA", summary="Mentions neuroblastoma in passing.")
    TrialFactory(short_name="NEUROBLASTOMA-2", summary="About something.")
    TrialFactory(short_name="BETA", official_title="A neuroblastoma trial", summary="x")
    response = client.get(LIST_URL, {"q": "neuroblastoma"})
    assert in_order(response) == ["NEUROBLASTOMA-2", "BETA", "ALPHA"]
    assert response.context["filter"].sort_order == "relevance"


def test_text_search_needs_every_word_but_not_in_order(client, db):
    TrialFactory(short_name="ONE", summary="Venetoclax for relapsed leukaemia.")
    TrialFactory(short_name="TWO", summary="Venetoclax alone.")
    assert shown(client.get(LIST_URL, {"q": "leukaemia venetoclax"})) == ["ONE"]


def test_finder_fragment_for_in_place_updates(client, families_catalogue):
    response = client.get(
        LIST_URL, {"setting": "newly_diagnosed"}, headers={"X-Finder-Partial": "finder"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "2 trials found" in response.text
    assert 'id="finder-form"' in response.text
    assert "X-Finder-Partial" in response["Vary"]


def test_chips_for_depth_filters(client, families_catalogue):
    response = client.get(LIST_URL + "?open=1&age=8&age_unit=months&setting=newly_diagnosed")
    chips = {chip.label: chip for chip in response.context["active_filters"]}
    assert chips["Age of the child"].value_label == "8 months old"
    assert chips["Age of the child"].remove_query == "open=1&setting=newly_diagnosed"
    assert chips["Open for inclusion only"].remove_query == (
        "age=8&age_unit=months&setting=newly_diagnosed"
    )
    assert chips["Disease"].value_label == "Newly diagnosed"


def test_full_text_search_finds_word_forms_on_postgresql(client, db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("full-text search with stemming is PostgreSQL's; SQLite matches as typed")
    TrialFactory(short_name="ONE", summary="For a child whose tumour came back.")
    TrialFactory(short_name="TWO", summary="Something else.")
    assert shown(client.get(LIST_URL, {"q": "tumours"})) == ["ONE"]
    assert shown(client.get(LIST_URL, {"q": "tumours child"})) == ["ONE"]


def test_repeated_values_make_one_filter_and_one_chip(client, catalogue):
    response = client.get(
        LIST_URL + "?cancer_type=neuroblastoma" + "&cancer_type=neuroblastoma" * 499
    )
    assert [chip.value_label for chip in response.context["active_filters"]] == ["Neuroblastoma"]
    assert len(response.content) < 100_000


def test_many_unknown_values_are_summed_up_not_listed(client, catalogue):
    query = "&".join(f"phase=bad{number}" for number in range(40))
    response = client.get(f"{LIST_URL}?{query}")
    assert "There is no phase “bad0”" in response.text
    assert "35 more unknown values of phase were left out too." in response.text
    # Only the language switch carries them on (to the same page, with the same message).
    assert "bad39" not in response.text.split("<main", 1)[1]


def test_a_one_value_parameter_given_twice_uses_the_last_and_shows_it(client, catalogue):
    response = client.get(f"{LIST_URL}?age=abc&age=19")
    chips = [chip.value_label for chip in response.context["active_filters"]]
    assert chips == ["19 years old"]
    assert shown(response) == ["AML-1", "ANY-1", "NBL-1"]


def test_age_chip_reads_naturally(client, catalogue):
    response = client.get(LIST_URL, {"age": "1", "age_unit": "months"})
    assert [chip.value_label for chip in response.context["active_filters"]] == ["1 month old"]
    response = client.get(LIST_URL, {"age": "007"})
    assert [chip.value_label for chip in response.context["active_filters"]] == ["7 years old"]


def test_searching_from_the_finder_form_sorts_by_best_match(client, db):
    TrialFactory(short_name="ALPHA", summary="Mentions neuroblastoma in passing.")
    TrialFactory(short_name="NEUROBLASTOMA-2", summary="About something.")
    page = client.get(LIST_URL).text
    # Without search text, the best match is open trials first.
    assert '<option value="relevance" selected>Open trials first</option>' in page
    # What the form then submits, unchanged apart from the search text:
    response = client.get(LIST_URL, {"q": "neuroblastoma", "sort": "relevance"})
    assert in_order(response) == ["NEUROBLASTOMA-2", "ALPHA"]


def test_search_finds_trials_by_cancer_type_name(client, catalogue):
    # AML-1 is for acute myeloid leukemia; ANY-1 for all hematologic malignancies, its group.
    assert shown(client.get(LIST_URL, {"q": "leukemia"})) == ["AML-1", "ANY-1"]


def test_registry_search_ranks_exact_numbers_and_ignores_short_fragments(client, catalogue):
    RegistryNumberFactory(trial=catalogue["aml"], registry="nct", value="NCT05183035")
    RegistryNumberFactory(trial=catalogue["nbl"], registry="nct", value="NCT05183036")
    assert shown(client.get(LIST_URL, {"q": "NCT05183035"})) == ["AML-1"]
    assert shown(client.get(LIST_URL, {"q": "nct0518303"})) == ["AML-1", "NBL-1"]
    # "nct" or "0" alone is too short to mean a number.
    assert shown(client.get(LIST_URL, {"q": "nct"})) == []


def test_start_date_sort_puts_undated_trials_last(client, db):
    import datetime

    TrialFactory(short_name="UNDATED", start_date=None)
    TrialFactory(short_name="OLD", start_date=datetime.date(2015, 1, 1))
    TrialFactory(short_name="NEW", start_date=datetime.date(2025, 1, 1))
    assert in_order(client.get(LIST_URL, {"sort": "start"})) == ["NEW", "OLD", "UNDATED"]
