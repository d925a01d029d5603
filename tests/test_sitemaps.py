"""sitemap.xml and robots.txt: search engines find every public page, with the date its
content changed, and are kept out of previews, the admin and the follow links."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from trials.models import CancerType, GlossaryTerm, Publication, Trial
from trials.sitemaps import TrialSitemap

from .factories import TrialFactory

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LANGS = ["en", "nl"]


def section_pages(client) -> list[str]:
    """The addresses of the sitemap's pages, read from the index at /sitemap.xml."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    return [entry.findtext(f"{NS}loc") for entry in index.findall(f"{NS}sitemap")]


def entries(client):
    for address in section_pages(client):
        response = client.get(address)
        assert response.status_code == 200
        yield from ET.fromstring(response.content).findall(f"{NS}url")  # noqa: S314


def sitemap(client) -> dict[str, str]:
    return {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in entries(client)}


def set_updated(model, pk, date):
    moment = timezone.make_aware(datetime.datetime.combine(date, datetime.time(12)))
    model.objects.filter(pk=pk).update(updated_at=moment)


def test_sitemap_lists_public_pages_only(client, solid_tumors, neuroblastoma):
    TrialFactory(short_name="LIVE")
    TrialFactory(short_name="DRAFT", publication=Publication.DRAFT)
    TrialFactory(short_name="GONE", publication=Publication.WITHDRAWN)
    urls = set(sitemap(client))
    pages = {
        "",
        "trials/",
        "glossary/",
        "trials/live/",
        "cancer-types/solid-tumors/",
        "cancer-types/neuroblastoma/",
    }
    assert urls == {f"http://testserver/{language}/{page}" for page in pages for language in LANGS}


def test_each_address_names_its_other_language_and_the_one_without(client, db):
    TrialFactory(short_name="LIVE")
    [entry] = [
        url for url in entries(client) if url.findtext(f"{NS}loc").endswith("/nl/trials/live/")
    ]
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in entry.findall("{http://www.w3.org/1999/xhtml}link")
    }
    assert alternates == {
        "nl": "http://testserver/nl/trials/live/",
        "en": "http://testserver/en/trials/live/",
        "x-default": "http://testserver/trials/live/",
    }


def test_lastmod_is_when_the_content_changed(client, solid_tumors, neuroblastoma):
    trial = TrialFactory(short_name="LIVE", cancer_types=[neuroblastoma])
    draft = TrialFactory(short_name="DRAFT", cancer_types=[solid_tumors], publication="draft")
    set_updated(Trial, trial.pk, datetime.date(2026, 3, 4))
    set_updated(Trial, draft.pk, datetime.date(2026, 9, 9))  # not public: does not count
    set_updated(CancerType, solid_tumors.pk, datetime.date(2026, 1, 1))
    set_updated(CancerType, neuroblastoma.pk, datetime.date(2026, 5, 6))
    for term in GlossaryTerm.objects.all():
        set_updated(GlossaryTerm, term.pk, datetime.date(2025, 12, 1))
    lastmod = sitemap(client)
    for language in LANGS:
        site = f"http://testserver/{language}/"
        assert lastmod[f"{site}trials/live/"] == "2026-03-04"
        # A group's page shows its types' trials: it changed when the trial did.
        assert lastmod[f"{site}cancer-types/solid-tumors/"] == "2026-03-04"
        # The type's own description changed later than its trials.
        assert lastmod[f"{site}cancer-types/neuroblastoma/"] == "2026-05-06"
        assert lastmod[f"{site}glossary/"] == "2025-12-01"
        assert lastmod[site] == "2026-03-04"


@pytest.mark.parametrize("type_count", [1, 10])
def test_sitemap_runs_a_fixed_number_of_queries(client, django_assert_num_queries, type_count):
    for number in range(type_count):
        TrialFactory(cancer_types=[CancerType.objects.create(name=f"T{number}", slug=f"t{number}")])
    # The index: the version of public content; the newest trial and glossary dates
    # (pages); the newest trial and the number of trials (its pages); cancer types and
    # their newest trials, in one grouped query.
    with django_assert_num_queries(7):
        client.get("/sitemap.xml")
    # A page of trials: the version; how many (the pages); that page's trials (each
    # language's addresses from the same rows). Of cancer types: the version, the types
    # and their newest trials.
    with django_assert_num_queries(3):
        client.get("/sitemap-trials.xml")
    with django_assert_num_queries(3):
        client.get("/sitemap-cancer-types.xml")


def test_a_registry_sized_sitemap_comes_in_pages(client, monkeypatch):
    monkeypatch.setattr(TrialSitemap, "limit", 4)  # addresses: two trials in two languages
    for number in range(5):
        TrialFactory(short_name=f"T{number}")
    pages = [address for address in section_pages(client) if "sitemap-trials" in address]
    assert pages == [
        "http://testserver/sitemap-trials.xml",
        "http://testserver/sitemap-trials.xml?p=2",
        "http://testserver/sitemap-trials.xml?p=3",
    ]
    assert len([url for url in entries(client) if "/trials/t" in url.findtext(f"{NS}loc")]) == 10
    assert client.get("/sitemap-trials.xml?p=4").status_code == 404
    assert client.get("/sitemap-trials.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert {
        "Disallow: /admin/",
        "Disallow: /en/trials/*/preview/",
        "Disallow: /nl/trials/*/preview/",
        "Disallow: /en/follow/",
        "Disallow: /nl/follow/",
        "Disallow: /follow/",
    } <= set(lines)
    assert "Disallow: /" not in lines
