"""The public API (/api/v1/): the finder's filters and results, trials in full, cancer
types, bad input answered in words, CORS, and a fixed number of queries."""

import datetime

import pytest

from trials.models import ArmStatus, DiseaseSetting, Phase, Publication, Registry, Status

from .factories import ArmFactory, RegistryNumberFactory, TrialFactory
from .queries import SEARCH_SAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(solid_tumors, neuroblastoma, hematologic, leukemia):
    """Trials that differ in every way the finder filters on, plus a draft and a
    withdrawn trial that nothing public may show."""
    trials = {
        "esmart": TrialFactory(
            short_name="ESMART",
            cancer_types=[solid_tumors, hematologic],
            phase=Phase.PHASE_1_2,
            status=Status.ACTIVE_NOT_RECRUITING,
            max_age_months=216,
            start_date=datetime.date(2018, 4, 5),
        ),
        "nb-new": TrialFactory(
            short_name="NB-NEW",
            cancer_types=[neuroblastoma],
            phase=Phase.PHASE_3,
            status=Status.RECRUITING,
            disease_setting=DiseaseSetting.NEWLY_DIAGNOSED,
            min_age_months=0,
            max_age_months=18 * 12,
            start_date=datetime.date(2022, 1, 1),
        ),
        "aml-baby": TrialFactory(
            short_name="AML-BABY",
            cancer_types=[leukemia],
            phase=Phase.PHASE_2,
            status=Status.ENROLLING_BY_INVITATION,
            disease_setting=DiseaseSetting.BOTH,
            min_age_months=1,
            max_age_months=23,
            start_date=None,
        ),
        "solid-all": TrialFactory(
            short_name="SOLID-ALL",
            cancer_types=[solid_tumors],
            phase=Phase.PHASE_1,
            status=Status.SUSPENDED,
            min_age_months=12 * 12,
            max_age_months=None,
        ),
        "nb-closed": TrialFactory(
            short_name="NB-CLOSED",
            summary="Neuroblastoma immunotherapy after relapse.",
            cancer_types=[neuroblastoma],
            phase=Phase.PHASE_2,
            status=Status.COMPLETED,
        ),
    }
    ArmFactory(trial=trials["esmart"], name="Arm B", status=ArmStatus.OPEN)
    ArmFactory(trial=trials["solid-all"], name="Arm 1", status=ArmStatus.CLOSED)
    RegistryNumberFactory(trial=trials["nb-new"], registry=Registry.NCT, value="NCT04322318")
    trials["draft"] = TrialFactory(
        short_name="SECRET-DRAFT", cancer_types=[neuroblastoma], publication=Publication.DRAFT
    )
    trials["withdrawn"] = TrialFactory(
        short_name="OLD-WITHDRAWN",
        cancer_types=[neuroblastoma],
        publication=Publication.WITHDRAWN,
    )
    return trials


# The finder's own parameters, valid and invalid: the API must give the same trials, in the
# same order, with the same count and the same messages.
FINDER_CASES = [
    "",
    "cancer_type=solid-tumors",
    "cancer_type=neuroblastoma",
    "cancer_type=neuroblastoma&cancer_type=acute-myeloid-leukemia",
    "cancer_type=hematologic-malignancies",
    "phase=phase_1&phase=phase_2",
    "status=recruiting&status=completed",
    "open=1",
    "age=8",
    "age=15",
    "age=10&age_unit=months",
    "setting=newly_diagnosed",
    "setting=relapsed_refractory",
    "open_arm=1",
    "q=ESMART",
    "q=neuroblastoma",
    "q=NCT04322",
    "sort=start",
    "sort=updated",
    "sort=name&q=nb",
    "cancer_type=solid-tumors&status=recruiting&age=8&open_arm=1&sort=start",
    # Unknown or invalid values: left out and named; the rest still applies.
    "phase=phase_9",
    "cancer_type=nope&status=recruiting",
    "age=-1&phase=phase_2",
    "age=abc",
    "age=7.5",
    "open=yes",
    "open_arm=2",
    "sort=bogus",
    "setting=x",
    "age_unit=weeks&age=3",
    "status=recruiting&status=recruiting",
    "q=" + "x" * 201,
]


@pytest.mark.parametrize("query", FINDER_CASES)
def test_api_filters_agree_with_the_finder(client, catalogue, query):
    page = client.get(f"/en/trials/?{query}")
    api = client.get(f"/api/v1/trials/?{query}")
    assert page.status_code == api.status_code == 200
    data = api.json()
    finder_slugs = [trial.slug for trial in page.context["page_obj"].object_list]
    assert [trial["slug"] for trial in data["results"]] == finder_slugs
    assert data["count"] == page.context["page_obj"].paginator.count
    assert data["messages"] == [str(message) for message in page.context["filter_messages"]]


def test_unknown_values_are_named_and_the_rest_applies(client, catalogue):
    data = client.get("/api/v1/trials/?phase=phase_9&status=recruiting").json()
    assert data["messages"] == ["There is no phase “phase_9”, so it was left out."]
    assert [trial["slug"] for trial in data["results"]] == ["nb-new"]


def test_list_shows_only_published_trials(client, catalogue):
    slugs = [trial["slug"] for trial in client.get("/api/v1/trials/").json()["results"]]
    assert "secret-draft" not in slugs and "old-withdrawn" not in slugs
    assert len(slugs) == 5


def test_list_gives_what_a_result_card_shows(client, catalogue):
    data = client.get("/api/v1/trials/?q=NB-NEW").json()
    trial = data["results"][0]
    assert trial["short_name"] == "NB-NEW"
    assert trial["status"] == "recruiting"
    assert trial["status_label"] == "Open for inclusion"
    assert trial["open_for_inclusion"] is True
    assert trial["phase"] == "phase_3"
    assert trial["cancer_types"] == [
        {
            "slug": "neuroblastoma",
            "name": "Neuroblastoma",
            "url": "http://testserver/en/cancer-types/neuroblastoma/",
        }
    ]
    assert trial["url"] == "http://testserver/en/trials/nb-new/"
    assert trial["api_url"] == "http://testserver/api/v1/trials/nb-new/"


def test_pages_link_to_each_other(client, db):
    for number in range(5):
        TrialFactory(short_name=f"T-{number}")
    first = client.get("/api/v1/trials/?page_size=2&status=recruiting").json()
    assert (first["count"], first["pages"], first["page"], first["previous"]) == (5, 3, 1, None)
    assert [trial["slug"] for trial in first["results"]] == ["t-0", "t-1"]
    second = client.get(first["next"]).json()
    assert [trial["slug"] for trial in second["results"]] == ["t-2", "t-3"]
    assert "status=recruiting" in first["next"] and "page=2" in first["next"]
    last = client.get(second["next"]).json()
    assert last["next"] is None and [trial["slug"] for trial in last["results"]] == ["t-4"]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("page=99", 404, "There is no page 99; the last page is 1."),
        ("page=0", 400, "page must be from 1, not 0."),
        ("page=abc", 400, "“abc” is not a number: page must be a whole number from 1."),
        ("page=" + "9" * 400, 404, "There is no page"),
        ("page_size=1000", 400, "page_size must be from 1 to 100, not 1000."),
        ("page_size=-5", 400, "page_size must be from 1 to 100, not -5."),
    ],
)
def test_bad_page_numbers_are_answered_in_words(client, catalogue, query, status, message):
    response = client.get(f"/api/v1/trials/?{query}")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert message in response.json()["detail"]


def test_detail_gives_the_whole_trial(client, catalogue):
    trial = catalogue["esmart"]
    RegistryNumberFactory(trial=trial, registry=Registry.EUDRACT, value="2016-000133-40")
    data = client.get("/api/v1/trials/esmart/").json()
    assert data["short_name"] == "ESMART"
    assert data["status"] == "active_not_recruiting"
    assert data["open_for_inclusion"] is False
    assert [(arm["name"], arm["status"]) for arm in data["arms"]] == [("Arm B", "open")]
    assert data["registry_numbers"] == [
        {
            "registry": "eudract",
            "registry_label": "EudraCT number",
            "value": "2016-000133-40",
            "url": "https://www.clinicaltrialsregister.eu/ctr-search/search?query=2016-000133-40",
        }
    ]
    assert [ct["slug"] for ct in data["cancer_types"]] == [
        "hematologic-malignancies",
        "solid-tumors",
    ]
    assert data["start_date"] == "2018-04-05"
    assert data["eligibility_html"] == "<p>Children whose cancer has come back.</p>"


@pytest.mark.parametrize("slug", ["secret-draft", "old-withdrawn", "no-such-trial"])
def test_detail_of_a_trial_that_is_not_public_is_404(client, catalogue, slug):
    response = client.get(f"/api/v1/trials/{slug}/")
    assert response.status_code == 404
    assert response.json() == {"detail": f"There is no published trial “{slug}”."}


def test_cancer_types_list_groups_then_their_types_with_public_counts(client, catalogue):
    data = client.get("/api/v1/cancer-types/").json()
    assert [(ct["slug"], ct["group"], ct["trial_count"]) for ct in data] == [
        ("hematologic-malignancies", None, 2),
        ("acute-myeloid-leukemia", "hematologic-malignancies", 2),
        ("solid-tumors", None, 4),
        ("neuroblastoma", "solid-tumors", 4),
    ]
    assert data[2]["trials_url"] == "http://testserver/api/v1/trials/?cancer_type=solid-tumors"


def test_api_is_open_to_other_sites_for_reading_only(client, catalogue):
    response = client.get("/api/v1/trials/", headers={"Origin": "https://hospital.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/trials/",
        headers={
            "Origin": "https://hospital.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    page = client.get("/en/trials/", headers={"Origin": "https://hospital.example"})
    assert "Access-Control-Allow-Origin" not in page


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_is_read_only(client, catalogue, method):
    response = getattr(client, method)("/api/v1/trials/esmart/")
    assert response.status_code == 405


def test_labels_follow_the_language_asked_for_and_codes_do_not(client, catalogue):
    data = client.get("/api/v1/trials/nb-new/", headers={"Accept-Language": "nl"}).json()
    assert data["status"] == "recruiting"


def test_openapi_describes_the_endpoints_and_the_docs_page_needs_no_cdn(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/trials/", "/api/v1/trials/{slug}/", "/api/v1/cancer-types/"} <= set(
        schema["paths"]
    )
    parameters = {p["name"] for p in schema["paths"]["/api/v1/trials/"]["get"]["parameters"]}
    assert {"q", "cancer_type", "phase", "status", "open", "age", "age_unit", "setting"} <= (
        parameters
    )
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "/api/v1/trials/{slug}/" in docs.text and "curl" in docs.text
    assert "<script" not in docs.text
    assert client.get("/api/").url == "/api/v1/docs/"


@pytest.mark.parametrize("trial_count", [2, 12])
def test_list_runs_a_fixed_number_of_queries(client, django_assert_num_queries, trial_count):
    for number in range(trial_count):
        TrialFactory(short_name=f"Q-{number}")
    # freshness stamp, cancer types, count, the page, its cancer types.
    with django_assert_num_queries(5):
        assert client.get("/api/v1/trials/?page_size=100").status_code == 200
    # A text search adds one query, for the spelling variants it tries; the search
    # itself is a subquery of the count and the page. On PostgreSQL it is counted as the
    # finder counts it, first in the search documents' sample, and the page's ids are
    # read before its trials (two more).
    with django_assert_num_queries(6 + 2 * SEARCH_SAMPLE):
        assert client.get("/api/v1/trials/?q=Q-&open=1").status_code == 200


@pytest.mark.parametrize("arm_count", [1, 18])
def test_detail_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, catalogue, arm_count
):
    for number in range(arm_count):
        ArmFactory(trial=catalogue["esmart"], name=f"Extra {number}")
        RegistryNumberFactory(trial=TrialFactory())
    # freshness stamp, the trial (+ sponsor, network), cancer types, arms, approvals,
    # registry numbers, investigators.
    with django_assert_num_queries(7):
        assert client.get("/api/v1/trials/esmart/").status_code == 200


def test_cancer_types_run_a_fixed_number_of_queries(client, django_assert_num_queries, catalogue):
    with django_assert_num_queries(3):
        assert client.get("/api/v1/cancer-types/").status_code == 200


def test_a_nul_character_is_answered_in_json(client, db):
    response = client.get("/api/v1/trials/?q=%00")
    assert response.status_code == 400
    assert response.json() == {"detail": "This address contains a character we cannot read."}


def test_a_trial_for_all_ages_says_so(client, db):
    # Found by the benchmark's generated data: a lazy translated label must be a string.
    TrialFactory(short_name="ANY-AGE", min_age_months=None, max_age_months=None)
    [trial] = client.get("/api/v1/trials/").json()["results"]
    assert trial["age_range"] == "all ages"
    assert client.get("/api/v1/trials/any-age/").json()["age_range"] == "all ages"
