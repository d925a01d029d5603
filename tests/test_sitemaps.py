"""sitemap.xml and robots.txt: search engines find every public page, with the date its
content changed, and are kept out of previews, the admin and the follow links."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from trials.models import CancerType, GlossaryTerm, Publication, Trial

from .factories import TrialFactory

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LANGS = ["en", "nl"]


def sitemap(client) -> dict[str, str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    return {
        url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root.findall(f"{NS}url")
    }


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
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own sitemap
    [entry] = [
        url
        for url in root.findall(f"{NS}url")
        if url.findtext(f"{NS}loc").endswith("/nl/trials/live/")
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
    # freshness stamp; the newest trial (home and finder) and glossary dates; trials;
    # cancer types and, in one UNION, their newest trials. Each language's addresses come
    # from the same rows.
    with django_assert_num_queries(6):
        client.get("/sitemap.xml")


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
