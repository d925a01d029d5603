"""Broad searches at a registry's size (PostgreSQL): the finder counts them from the search
documents' sample and says "about", and reads their pages tier by tier; the pages must be
exactly those of sorting every match, and a count a family reads as exact must be exact.

The thresholds are lowered so that a collection of 160 generated trials is "broad"."""

import io
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from trials.filters import TrialFilter
from trials.models import Arm, ArmStatus, CancerType, Publication, SearchDocument, Status, Trial
from trials.models.trial import open_first_rank
from trials.paging import round_for_people
from trials.search import SAMPLE_EVERY, EvaluatedOnce, Search, TsQuery, sampled_ids

from .factories import ArmFactory, RegistryNumberFactory, TrialFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="search documents, and so their sample, are PostgreSQL's",
    ),
]

LIST_URL = reverse("trials:list")
EXACT_UP_TO = 20
BROAD = "solid tumours"  # a cancer type's name: most generated trials match it


@pytest.fixture
def registry(settings):
    call_command("generate_trials", "160", "--seed", "3", stdout=io.StringIO())
    # One of each tier above the cancer types the text names: its name is the text, every
    # word is in its name, part of its registry number is the text.
    TrialFactory(short_name="Solid Tumours", slug="solid", publication=Publication.PUBLISHED)
    TrialFactory(short_name="SOLID-TUMOURS-2", publication=Publication.PUBLISHED)
    numbered = TrialFactory(short_name="ZZ", publication=Publication.PUBLISHED)
    RegistryNumberFactory(trial=numbered, registry="nct", value="NCT09876543")
    settings.TRIALPORTAL_EXACT_COUNTS_UP_TO = EXACT_UP_TO
    settings.TRIALPORTAL_RANK_EVERY_WORD_UP_TO = 5


def every_match_sorted(text: str, others=None) -> list[int]:
    """The rule BestMatchPages must keep: every match, sorted as Search.relevance ranks
    many matches."""
    search = Search(text)
    trials = (others or Trial.objects.published()).filter(search.condition())
    trials = trials.annotate(relevance=search.relevance(every_word=False))
    trials = trials.annotate(open_rank=open_first_rank())
    return list(
        trials.order_by("-relevance", "open_rank", "short_name", "pk").values_list("pk", flat=True)
    )


def a_phase_leaving(trials, *, more_than: int) -> str:
    """A phase that leaves more than `more_than` of `trials`, but few enough for an exact
    total (a broad search the filters narrow), in the sample too: the finder decides by
    the sample, and which trials are in it depends on the ids the database handed out."""
    in_sample = trials.filter(pk__in=sampled_ids())
    return next(
        phase
        for phase in ["phase_4", "early_phase_1", "phase_2_3", "phase_3", "phase_1"]
        if more_than < trials.filter(phase=phase).count() <= EXACT_UP_TO
        and in_sample.filter(phase=phase).count() * SAMPLE_EVERY <= EXACT_UP_TO
    )


def test_every_search_document_is_in_the_sample_of_its_trials_id(registry):
    in_sample = set(SearchDocument.objects.filter(trial_id__in=sampled_ids()).values_list("pk"))
    expected = {(pk,) for pk in Trial.objects.values_list("pk", flat=True) if pk % 16 == 0}
    assert in_sample == expected
    assert in_sample  # 160 trials: some are in it


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        (BROAD, {}),
        (BROAD, {"phase": ["phase_2", "phase_1"]}),
        (BROAD, {"status": ["recruiting"]}),
        ("children", {}),  # no cancer type named: the tiers, then the other matches
        ("098765", {}),  # part of a registry number
    ],
)
@pytest.mark.parametrize("offset", [0, 7, 20, 100])
def test_best_match_pages_are_those_of_sorting_every_match(registry, text, filters, offset):
    others = Trial.objects.published()
    if phases := filters.get("phase"):
        others = others.filter(phase__in=phases)
    if statuses := filters.get("status"):
        others = others.filter(status__in=statuses)
    pages = Search(text).best_match_pages(others)

    assert pages[offset : offset + 20] == every_match_sorted(text, others)[offset : offset + 20]


def test_the_tiers_come_first_in_best_match_order(registry):
    first = Search(BROAD).best_match_pages(Trial.objects.published())[0:3]
    assert [Trial.objects.get(pk=pk).short_name for pk in first[:2]] == [
        "Solid Tumours",  # the name is the text
        "SOLID-TUMOURS-2",  # every word in the name
    ]


def test_a_broad_search_shows_about_counts_and_still_its_best_matches(client, registry):
    response = client.get(LIST_URL, {"q": BROAD})

    page = response.context["page_obj"]
    sample = Trial.objects.published().matching(BROAD).filter(pk__in=sampled_ids()).count()
    assert page.paginator.is_estimate
    assert page.paginator.count == round_for_people(sample * SAMPLE_EVERY)
    assert f"About {page.paginator.count} trials found" in response.text
    assert "(about " in response.text  # beside the options
    assert [trial.pk for trial in response.context["trials"]] == every_match_sorted(BROAD)[:20]


@pytest.mark.parametrize("each_document", [True, False], ids=["each document", "hashed"])
@pytest.mark.parametrize(
    ("sort", "order"),
    [("name", ["short_name", "pk"]), ("updated", ["-updated_at", "pk"])],
)
def test_a_broad_search_sorted_otherwise_lists_the_same_trials_in_that_order(
    client, registry, monkeypatch, each_document, sort, order
):
    """Each trial read is tested against its own document (first pages) or against every
    match hashed first (deeper ones): either way the same trials in the same order."""
    monkeypatch.setattr("trials.filters.reads_each_document", lambda *args: each_document)
    response = client.get(LIST_URL, {"q": BROAD, "sort": sort, "page": "2"})

    expected = Trial.objects.published().matching(BROAD).order_by(*order)
    paginator = response.context["page_obj"].paginator
    assert paginator.is_estimate
    shown = [trial.pk for trial in response.context["trials"]]
    # The pages end where the estimate does (the sample, and so the estimate, depends on
    # the ids the database handed out).
    assert len(shown) == min(20, paginator.count - 20)
    assert shown == list(expected.values_list("pk", flat=True)[20 : 20 + len(shown)])


def test_filters_that_leave_few_of_a_broad_search_give_an_exact_total(client, registry):
    trials = Trial.objects.published().matching(BROAD)
    phase = a_phase_leaving(trials, more_than=0)
    response = client.get(LIST_URL, {"q": BROAD, "phase": phase})

    exact = trials.filter(phase=phase).count()
    assert not response.context["page_obj"].paginator.is_estimate
    assert response.context["page_obj"].paginator.count == exact
    title = response.text.split('id="results-title"')[1].split("</h2>")[0]
    assert f"{exact} trial" in title and "About" not in title
    assert "(about " in response.text  # the options' counts are still the sample's
    shown = {trial.pk for trial in response.context["trials"]}
    assert shown == set(trials.filter(phase=phase).values_list("pk", flat=True)[:20])


def test_a_search_that_matches_few_is_counted_exactly(client, registry):
    response = client.get(LIST_URL, {"q": "NCT09876543"})

    assert not response.context["page_obj"].paginator.is_estimate
    assert response.context["page_obj"].paginator.count == 1
    assert "(about " not in response.text


def test_estimated_counts_follow_the_filters_as_exact_ones_do(registry):
    """Choosing an option gives about what it said: the sample's counts keep the rule
    exact counts keep (tests/test_facet_counts.py), read from the sample."""
    filterset = TrialFilter(
        QueryDict(f"q={BROAD}&status=recruiting"),
        queryset=Trial.objects.published(),
        cancer_types=list(CancerType.objects.all()),
    )
    counts = filterset.facet_counts
    assert counts.is_estimate
    sampled = filterset.queryset_without("phase", sampled=True)
    for phase in ["phase_1", "phase_2"]:
        expected = sampled.filter(phase=phase).count() * SAMPLE_EVERY
        assert counts.of("phase", phase) == round_for_people(expected)


def test_paging_through_a_filtered_broad_search_shows_each_result_once(client, registry, settings):
    """The exact total of a broad search the filters narrow comes with the requested page
    (one query); every page, and a page past the end, must still be right."""
    settings.TRIALPORTAL_PAGE_SIZE = 4
    trials = Trial.objects.published().matching(BROAD)
    phase = a_phase_leaving(trials, more_than=8)
    expected = set(trials.filter(phase=phase).values_list("pk", flat=True))
    pages = -(-len(expected) // 4)
    seen = []
    for number in range(1, pages + 1):
        response = client.get(LIST_URL, {"q": BROAD, "phase": phase, "page": number})
        assert not response.context["page_obj"].paginator.is_estimate
        seen += [trial.pk for trial in response.context["trials"]]
    assert sorted(seen) == sorted(expected)

    response = client.get(LIST_URL, {"q": BROAD, "phase": phase, "page": "999"})
    assert response.context["page_obj"].number == pages
    assert "the last one" in response.context["page_notice"]


def test_the_api_counts_and_orders_a_broad_search_as_the_finder_does(client, registry):
    listed = client.get("/api/v1/trials/", {"q": BROAD, "page_size": 10, "page": 2}).json()

    assert listed["count_is_estimate"]
    slugs = dict(Trial.objects.values_list("pk", "slug"))
    expected = [slugs[pk] for pk in every_match_sorted(BROAD)[10:20]]
    assert [trial["slug"] for trial in listed["results"]] == expected


def test_the_api_pages_a_filtered_broad_search_with_an_exact_count(client, registry):
    trials = Trial.objects.published().matching(BROAD)
    phase = a_phase_leaving(trials, more_than=5)
    expected = set(trials.filter(phase=phase).values_list("slug", flat=True))
    seen = []
    for page in (1, 2, 3, 4):
        query = {"q": BROAD, "phase": phase, "page_size": 5, "page": page}
        listed = client.get("/api/v1/trials/", query)
        if listed.status_code == 404:
            break
        listed = listed.json()
        assert not listed["count_is_estimate"] and listed["count"] == len(expected)
        seen += [trial["slug"] for trial in listed["results"]]
    assert sorted(seen) == sorted(expected)


def facet_words_of(trial: Trial) -> set[str]:
    """The facet words in `trial`'s search document (migration 0023)."""
    words = SearchDocument.objects.filter(trial=trial).values_list("document", flat=True).get()
    markers = ("status:", "phase:", "setting:", "open_arm:")
    return {word.strip("'") for word in words.split() if word.strip("'").startswith(markers)}


def test_every_search_document_carries_its_trials_facets(registry):
    for trial in Trial.objects.all():
        expected = {
            f"status:{trial.status}",
            f"phase:{trial.phase}",
            f"setting:{trial.disease_setting}",
        } | ({"open_arm:yes"} if trial.has_open_arm else set())
        assert facet_words_of(trial) == expected


def test_the_facet_words_follow_every_change_of_the_facets(registry):
    trial = TrialFactory(status=Status.COMPLETED, phase="phase_1", disease_setting="other")
    arm = ArmFactory(trial=trial, status=ArmStatus.OPEN)
    assert "open_arm:yes" in facet_words_of(trial)

    trial.status = Status.RECRUITING
    trial.save()
    Trial.objects.filter(pk=trial.pk).update(phase="phase_2", disease_setting="both")
    arm.status = ArmStatus.CLOSED
    arm.save()

    assert facet_words_of(trial) == {"status:recruiting", "phase:phase_2", "setting:both"}
    query = EvaluatedOnce(TsQuery("'status:recruiting'"))
    recruiting = SearchDocument.objects.filter(document=query)
    assert recruiting.filter(trial=trial).exists()


@pytest.mark.parametrize("by_words", [True, False], ids=["facet words", "each trial"])
@pytest.mark.parametrize(
    "more",
    [
        {},
        {"open": "1"},
        {"status": ["completed", "recruiting"]},
        {"setting": "relapsed_refractory"},
        {"open_arm": "1"},
        {"cancer_type": "neuroblastoma"},
        {"cancer_type": "solid-tumors", "open": "1", "setting": "newly_diagnosed"},
        {"age": "7"},
    ],
)
def test_facets_that_narrow_a_broad_search_keep_every_trial_they_should(
    client, registry, monkeypatch, more, by_words
):
    """The text index gives only the matches the facet filters keep, by their words in the
    search documents (or, with no such filter, each trial the filters keep is tested
    against the matches); the trials listed must be exactly those the filters keep."""
    if not by_words:
        monkeypatch.setattr(TrialFilter, "_facet_words", lambda filterset: None)
    trials = Trial.objects.published().matching(BROAD)
    phase = a_phase_leaving(trials, more_than=2)
    # Every value the filters ask for among them, each set after the trial was written: the
    # words must have followed.
    statuses = [Status.RECRUITING, Status.ENROLLING_BY_INVITATION, Status.COMPLETED]
    settings = ["both", "relapsed_refractory", "newly_diagnosed", "other"]
    for index, pk in enumerate(trials.filter(phase=phase).values_list("pk", flat=True)):
        Trial.objects.filter(pk=pk).update(
            status=statuses[index % 3], disease_setting=settings[index % 4]
        )
        arms = Arm.objects.filter(trial_id=pk)
        arms.update(status=ArmStatus.OPEN if index % 2 else ArmStatus.CLOSED)
    query = {"q": BROAD, "phase": phase, **more}
    expected = TrialFilter(
        QueryDict(urlencode(query, doseq=True)),
        queryset=Trial.objects.published(),
        cancer_types=list(CancerType.objects.all()),
    ).qs

    response = client.get(LIST_URL, query)

    assert expected.exists() or "cancer_type" in more
    assert not response.context["page_obj"].paginator.is_estimate
    assert response.context["page_obj"].paginator.count == expected.count()
    shown = {trial.pk for trial in response.context["trials"]}
    assert shown == set(expected.values_list("pk", flat=True))
