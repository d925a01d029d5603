"""Conditional GET: a client that has the current version of a trial page, an API answer,
a feed or the sitemap gets 304 Not Modified; any public change gives a new version."""

import pytest
from django.utils.http import http_date

from trials.models import GlossaryTerm

from .factories import ArmFactory, CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db

URLS = [
    "/en/",
    "/en/trials/",
    "/en/trials/?q=ESMART",
    "/en/cancer-types/solid-tumors/",
    "/en/glossary/",
    "/en/trials/esmart/",
    "/api/v1/trials/",
    "/api/v1/trials/?status=recruiting",
    "/api/v1/trials/esmart/",
    "/api/v1/cancer-types/",
    "/en/feed/",
    "/en/feed/changes/",
    "/sitemap.xml",
]


@pytest.fixture
def esmart(db, solid_tumors):
    return TrialFactory(short_name="ESMART", cancer_types=[solid_tumors])


@pytest.mark.parametrize("url", URLS)
def test_matching_etag_gets_304_and_no_body(client, esmart, url):
    first = client.get(url)
    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"]  # always ask again; the answer is cheap
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_last_modified_gets_304_until_something_changes(client, esmart):
    first = client.get("/api/v1/trials/esmart/")
    since = first["Last-Modified"]
    assert (
        client.get("/api/v1/trials/esmart/", headers={"If-Modified-Since": since}).status_code
        == 304
    )


def rename(organisation):
    organisation.name = "Renamed in the admin"
    organisation.save()


@pytest.mark.parametrize(
    "change",
    [
        # The trial form saves the trial with its arms.
        lambda trial: (ArmFactory(trial=trial), trial.save()),
        lambda trial: TrialFactory(short_name="ANOTHER"),
        lambda trial: CancerTypeFactory(name="Retinoblastoma"),
        lambda trial: GlossaryTerm.objects.create(term="Biopsy", slug="biopsy", explanation="x"),
        lambda trial: rename(trial.sponsor),
    ],
)
def test_any_public_change_gives_a_new_etag(client, esmart, change):
    etag = client.get("/en/trials/esmart/")["ETag"]
    change(esmart)
    assert client.get("/en/trials/esmart/", headers={"If-None-Match": etag}).status_code == 200


def test_a_deleted_trial_changes_the_list(client, esmart):
    other = TrialFactory(short_name="OTHER")
    etag = client.get("/api/v1/trials/")["ETag"]
    other.delete()
    response = client.get("/api/v1/trials/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert [trial["slug"] for trial in response.json()["results"]] == ["esmart"]


def test_etag_differs_by_language_and_address(client, esmart):
    english = client.get("/api/v1/trials/")["ETag"]
    dutch = client.get("/api/v1/trials/", headers={"Accept-Language": "nl"})["ETag"]
    filtered = client.get("/api/v1/trials/?open=1")["ETag"]
    assert len({english, dutch, filtered}) == 3


def test_old_if_modified_since_gets_the_page(client, esmart):
    old = http_date(0)
    response = client.get("/en/trials/esmart/", headers={"If-Modified-Since": old})
    assert response.status_code == 200


def test_a_304_costs_one_query(client, django_assert_num_queries, esmart):
    etag = client.get("/en/trials/esmart/")["ETag"]
    with django_assert_num_queries(1):
        assert client.get("/en/trials/esmart/", headers={"If-None-Match": etag}).status_code == 304
