"""What search engines and link previews read on a page: schema.org MedicalTrial JSON-LD
that a JSON-LD processor accepts and that says what the page says, OpenGraph and Twitter
tags, and a canonical address on every public page."""

import json
import re
from pathlib import Path

import pytest
from pyld import jsonld

from trials.models import ArmStatus, Registry, Status

from .factories import ArmFactory, OrganisationFactory, RegistryNumberFactory, TrialFactory

pytestmark = pytest.mark.django_db

SCHEMA_CONTEXT = json.loads((Path(__file__).parent / "data/schemaorg-context.jsonld").read_text())
S = "http://schema.org/"


def local_schema_org(url, options=None):
    """A document loader that serves a local copy of schema.org's context: no network."""
    if url.rstrip("/") in {"https://schema.org", "http://schema.org"}:
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}
    raise jsonld.JsonLdError(f"Not available offline: {url}", "loading document failed")


def json_ld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    return match.group(1) if match else None


@pytest.fixture
def trial(solid_tumors, neuroblastoma):
    trial = TrialFactory(
        short_name="ESMART",
        subtitle="different tumor types",
        official_title="European proof-of-concept therapeutic stratification trial.",
        summary="ESMART tests targeted drugs. A second sentence.",
        cancer_types=[solid_tumors, neuroblastoma],
        status=Status.RECRUITING,
        design_note="multi arm, open-label",
        max_patients_total=280,
        max_patients_local=25,
        sponsor=OrganisationFactory(name="Gustave Roussy", website="https://www.gustaveroussy.fr/"),
    )
    RegistryNumberFactory(trial=trial, registry=Registry.EUDRACT, value="2016-000133-40")
    RegistryNumberFactory(trial=trial, registry=Registry.NCT, value="NCT02813135")
    ArmFactory(trial=trial, status=ArmStatus.OPEN)
    return trial


def test_trial_page_json_ld_expands_as_a_medical_trial_that_agrees_with_the_page(client, trial):
    html = client.get("/en/trials/esmart/").text
    [data] = json_ld_blocks(html)
    [expanded] = jsonld.expand(data, {"documentLoader": local_schema_org})

    assert expanded["@type"] == [S + "MedicalTrial"]
    assert expanded["@id"] == "http://testserver/en/trials/esmart/#trial"
    name = expanded[S + "name"][0]["@value"]
    assert f"<h1>{name} " in html
    assert (
        expanded[S + "description"][0]["@value"]
        == "ESMART tests targeted drugs. A second sentence."
    )
    assert {value["@value"] for value in expanded[S + "alternateName"]} == {
        "ESMART (different tumor types)",
        "European proof-of-concept therapeutic stratification trial.",
    }
    assert expanded[S + "status"][0]["@value"] == "https://schema.org/Recruiting"
    assert "Open for inclusion" in html
    assert expanded[S + "phase"][0]["@value"] == "Phase 1/2"
    identifiers = {
        item[S + "value"][0]["@value"]: item[S + "propertyID"][0]["@value"]
        for item in expanded[S + "identifier"]
    }
    assert identifiers == {"2016-000133-40": "EudraCT", "NCT02813135": "ClinicalTrials.gov"}
    for number in identifiers:
        assert f">{number}</a>" in html  # shown on the page too
    conditions = [item[S + "name"][0]["@value"] for item in expanded[S + "healthCondition"]]
    assert conditions == ["Neuroblastoma", "Solid tumors"]
    for condition in conditions:
        assert f"<li>{condition}</li>" in html
    [location] = expanded[S + "studyLocation"]
    assert location[S + "name"][0]["@value"] == "Princess Máxima Center"
    [sponsor] = expanded[S + "sponsor"]
    assert sponsor["@type"] == [S + "Organization"]
    assert sponsor[S + "name"][0]["@value"] == "Gustave Roussy"
    designs = {item["@value"] for item in expanded[S + "trialDesign"]}
    assert designs == {"https://schema.org/OpenTrial", "https://schema.org/MultiCenterTrial"}
    assert expanded[S + "url"] == [{"@id": "http://testserver/en/trials/esmart/"}]

    # And it compacts back to the same terms with the schema.org context.
    compacted = jsonld.compact(expanded, "https://schema.org", {"documentLoader": local_schema_org})
    assert compacted["type"] == "MedicalTrial"
    assert compacted["name"] == "ESMART"


@pytest.mark.parametrize(
    ("status", "schema_status"),
    [
        (Status.ACTIVE_NOT_RECRUITING, "https://schema.org/ActiveNotRecruiting"),
        (Status.SUSPENDED, "https://schema.org/Suspended"),
        (Status.COMPLETED, "https://schema.org/Completed"),
        (Status.NOT_YET_RECRUITING, "https://schema.org/NotYetRecruiting"),
        (Status.UNKNOWN, None),
    ],
)
def test_a_closed_trial_is_not_recruiting(client, status, schema_status):
    TrialFactory(short_name="CLOSED", status=status)
    [data] = json_ld_blocks(client.get("/en/trials/closed/").text)
    assert data.get("status") == schema_status


def test_text_cannot_break_out_of_the_data_block(client):
    TrialFactory(
        short_name="XSS",
        summary='Ends here </script><script>alert("x")</script> & <!-- more',
    )
    html = client.get("/en/trials/xss/").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["description"].startswith("Ends here </script>")
    assert '<script>alert("x")' not in html


def test_trial_page_has_link_preview_tags(client, trial):
    html = client.get("/en/trials/esmart/").text
    assert meta(html, "og:title") == "ESMART (different tumor types)"
    assert meta(html, "og:description") == "ESMART tests targeted drugs."
    assert meta(html, "og:site_name") == "Princess Máxima Center"
    assert meta(html, "og:url") == "http://testserver/en/trials/esmart/"
    assert meta(html, "og:type") == "article"
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "twitter:title") == "ESMART (different tumor types)"


def test_one_line_summary_is_short(client):
    TrialFactory(short_name="LONG", summary="Word " * 100)
    html = client.get("/en/trials/long/").text
    assert len(meta(html, "og:description")) <= 200


def test_preview_of_a_draft_carries_nothing_for_machines(staff_client):
    TrialFactory(short_name="DRAFTY", publication="draft")
    html = staff_client.get("/en/trials/drafty/preview/").text
    assert json_ld_blocks(html) == []
    assert 'rel="canonical"' not in html and "og:title" not in html


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("/en/", "http://testserver/en/"),
        ("/en/glossary/", "http://testserver/en/glossary/"),
        ("/en/trials/esmart/?utm_source=mail", "http://testserver/en/trials/esmart/"),
        ("/en/cancer-types/solid-tumors/", "http://testserver/en/cancer-types/solid-tumors/"),
        ("/en/trials/", "http://testserver/en/trials/"),
        (
            "/en/trials/?q=&age=&age_unit=years&sort=relevance&page=1",
            "http://testserver/en/trials/",
        ),
        (
            "/en/trials/?status=recruiting&cancer_type=solid-tumors&phase=phase_1_2&age=8",
            "http://testserver/en/trials/?age=8&cancer_type=solid-tumors&phase=phase_1_2"
            "&status=recruiting",
        ),
        (
            "/en/trials/?phase=phase_2&phase=phase_1&phase=phase_9&age=abc",
            "http://testserver/en/trials/?phase=phase_1&phase=phase_2",
        ),
        (
            "/en/trials/?age=3&age_unit=months&sort=start",
            "http://testserver/en/trials/?age=3&age_unit=months&sort=start",
        ),
        ("/en/trials/?q=+esmart+", "http://testserver/en/trials/?q=esmart"),
    ],
)
def test_every_public_page_names_its_canonical_address(client, trial, address, canonical):
    html = client.get(address).text
    assert re.findall(r'<link rel="canonical" href="([^"]*)">', html) == [
        canonical.replace("&", "&amp;")
    ]


def test_paginated_lists_keep_their_page_in_the_canonical_address(client, settings, solid_tumors):
    settings.TRIALPORTAL_PAGE_SIZE = 1
    TrialFactory(cancer_types=[solid_tumors])
    TrialFactory(cancer_types=[solid_tumors])
    html = client.get("/en/cancer-types/solid-tumors/?page=2").text
    canonical = "http://testserver/en/cancer-types/solid-tumors/?page=2"
    assert f'<link rel="canonical" href="{canonical}">' in html


def test_not_found_pages_have_no_canonical_address(client, db):
    assert 'rel="canonical"' not in client.get("/en/trials/nothing-here/").text


def test_pages_link_their_feeds(client, trial, solid_tumors):
    html = client.get("/en/cancer-types/solid-tumors/").text
    feeds = re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]*)"', html)
    assert feeds == ["/en/feed/", "/en/feed/changes/", "/en/feed/cancer-types/solid-tumors/"]
    home = client.get("/en/").text
    assert 'href="/en/feed/changes/"' in home and 'href="/en/feed/"' in home
