"""Dutch and English addresses: /nl/… and /en/…, the visitor's language at `/` and at the
old addresses without a language, the remembered choice, and the language switch."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from .factories import CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def esmart(db):
    return TrialFactory(short_name="ESMART", slug="esmart")


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.text).group(1)


def switch_links(response) -> list[str]:
    return re.findall(r"<a [^>]*data-language-switch[^>]*>[^<]*</a>", response.text)


# First visit: the browser's language, else Dutch --------------------------------------


def test_a_first_visit_without_a_language_preference_goes_to_dutch(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/nl/"
    # Another visitor gets another answer: caches must keep them apart.
    assert {"Accept-Language", "Cookie"} <= {part.strip() for part in response["Vary"].split(",")}


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("en-GB,en;q=0.9", "/en/"),
        ("nl-BE,nl;q=0.9,en;q=0.8", "/nl/"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "/en/"),  # the first language we have
        ("fr-FR,de;q=0.5", "/nl/"),  # none we have: the centre's language
    ],
)
def test_a_first_visit_follows_the_browsers_language(client, accept_language, expected):
    response = client.get("/", headers={"Accept-Language": accept_language})
    assert response["Location"] == expected


def test_the_default_language_is_a_setting(client, settings):
    settings.TRIALPORTAL_DEFAULT_LANGUAGE = "en"
    assert client.get("/")["Location"] == "/en/"
    assert client.get("/", headers={"Accept-Language": "nl"})["Location"] == "/nl/"


def test_the_language_read_last_is_remembered(client, esmart):
    first = client.get("/en/trials/esmart/", headers={"Accept-Language": "nl"})
    assert first.cookies["django_language"].value == "en"
    assert first.cookies["django_language"]["httponly"]
    # Next time, `/` leads there, whatever the browser prefers.
    assert client.get("/", headers={"Accept-Language": "nl"})["Location"] == "/en/"
    # Reading on in the same language sets nothing more.
    assert "django_language" not in client.get("/en/trials/").cookies
    # Switching to Dutch is remembered in turn.
    client.get("/nl/trials/esmart/")
    assert client.get("/", headers={"Accept-Language": "en"})["Location"] == "/nl/"


def test_a_missing_page_remembers_nothing(client):
    assert client.get("/en/trials/no-such-trial/").status_code == 404
    assert client.get("/")["Location"] == "/nl/"


# Old addresses without a language keep working -----------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "/trials/",
        "/trials/?cancer_type=solid-tumors&phase=phase_1_2&q=esmart&page=1",
        "/trials/esmart/",
        "/trials/esmart/?utm_source=leaflet",
        "/cancer-types/solid-tumors/",
        "/glossary/",
        "/feed/",
    ],
)
def test_old_addresses_lead_to_the_same_page_in_the_visitors_language(
    client, esmart, solid_tumors, address
):
    dutch = client.get(address)
    assert dutch.status_code == 302
    assert dutch["Location"] == f"/nl{address}"
    assert client.get(dutch["Location"]).status_code == 200
    # Another family, whose browser asks for English.
    english = Client().get(address, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert english["Location"] == f"/en{address}"


def test_an_old_address_without_its_slash_still_arrives(client, esmart):
    response = client.get("/trials/esmart", follow=True)
    assert response.redirect_chain[-1][0] == "/nl/trials/esmart/"
    assert response.status_code == 200


def test_a_renamed_trials_first_address_arrives_with_its_query(client):
    trial = TrialFactory(slug="renamed", published_at="2025-01-01T00:00Z")
    trial.slug = "renamed-again"
    trial.save()
    response = client.get("/trials/renamed/?utm_source=leaflet", follow=True)
    assert response.redirect_chain == [
        ("/nl/trials/renamed/?utm_source=leaflet", 302),
        ("/nl/trials/renamed-again/?utm_source=leaflet", 301),
    ]


def test_an_unknown_address_is_a_404_in_the_visitors_language(client):
    response = client.get("/no-such-page/", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response["Content-Language"] == "en"
    assert client.get("/no-such-page/")["Content-Language"] == "nl"


@pytest.mark.parametrize(
    "address",
    [
        "/admin/login/",
        "/api/v1/trials/",
        "/api/v1/docs/",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
    ],
)
def test_addresses_for_staff_and_machines_have_no_language(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    assert "django_language" not in response.cookies


def test_the_api_follows_the_browsers_language_in_its_links(client, esmart):
    english = client.get("/api/v1/trials/esmart/").json()
    dutch = client.get("/api/v1/trials/esmart/", headers={"Accept-Language": "nl"}).json()
    assert english["url"] == "http://testserver/en/trials/esmart/"
    assert dutch["url"] == "http://testserver/nl/trials/esmart/"


def test_the_centres_look_has_one_address_for_every_language(client):
    from trials.models import SiteSettings

    version = SiteSettings.load().version
    with translation.override("nl"):
        assert reverse("centre:stylesheet", args=[version]) == f"/centre/{version}/style.css"
    assert client.get(f"/centre/{version}/style.css").status_code == 200


# The page says which language it is in, and offers the other --------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_each_page_is_marked_with_its_language(client, esmart, solid_tumors, language):
    for path in ["", "trials/", "trials/esmart/", "cancer-types/solid-tumors/", "glossary/"]:
        response = client.get(f"/{language}/{path}")
        assert response.status_code == 200, path
        assert html_lang(response) == language, path
        assert response["Content-Language"] == language


def test_the_switch_leads_to_the_same_trial_in_the_other_language(client, esmart):
    [dutch] = switch_links(client.get("/en/trials/esmart/"))
    assert dutch == (
        '<a href="/nl/trials/esmart/" hreflang="nl" lang="nl" data-language-switch>Nederlands</a>'
    )
    [english] = switch_links(client.get("/nl/trials/esmart/"))
    assert english == (
        '<a href="/en/trials/esmart/" hreflang="en" lang="en" data-language-switch>English</a>'
    )


def test_the_switch_keeps_the_finders_filters(client, esmart, solid_tumors):
    query = "?cancer_type=solid-tumors&phase=phase_1_2&age=7&q=esmart&sort=name"
    response = client.get(f"/nl/trials/{query}")
    [english] = switch_links(response)
    href = re.search(r'href="([^"]+)"', english).group(1).replace("&amp;", "&")
    assert href == f"/en/trials/{query}"
    # ... and lands on the same results, in English.
    landed = client.get(href)
    assert html_lang(landed) == "en"
    assert [t.pk for t in landed.context["trials"]] == [t.pk for t in response.context["trials"]]
    assert [chip.value_label for chip in landed.context["active_filters"]]


def test_the_switch_on_a_missing_page_leads_to_the_same_address(client):
    response = client.get("/nl/trials/no-such-trial/")
    assert response.status_code == 404
    [english] = switch_links(response)
    assert 'href="/en/trials/no-such-trial/"' in english


def test_the_admin_has_no_switch_it_follows_the_browser(staff_client):
    response = staff_client.get("/admin/")
    assert switch_links(response) == []


def test_alternates_name_each_language_and_the_address_without_one(client, esmart, solid_tumors):
    html = client.get(
        "/nl/trials/?phase=phase_1_2&cancer_type=solid-tumors&sort=relevance&utm_source=x"
    ).text
    query = "?cancer_type=solid-tumors&amp;phase=phase_1_2"
    assert f'<link rel="canonical" href="http://testserver/nl/trials/{query}">' in html
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    assert alternates == [
        ("en", f"http://testserver/en/trials/{query}"),
        ("nl", f"http://testserver/nl/trials/{query}"),
        ("x-default", f"http://testserver/trials/{query}"),
    ]
    assert '<meta property="og:locale" content="nl">' in html
    assert '<meta property="og:locale:alternate" content="en">' in html


def test_a_cancer_types_old_address_keeps_its_query(client):
    group = CancerTypeFactory(name="Brain tumours", slug="brain")
    group.slug = "brain-tumours"
    group.save()
    response = client.get("/en/cancer-types/brain/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "/en/cancer-types/brain-tumours/?page=2"


def test_an_old_emails_one_click_unsubscribe_still_works(esmart):
    from follow.models import Subscription

    subscription = Subscription.objects.create(
        email="ouder@example.org", trial=esmart, language="nl"
    )
    with translation.override("en"):
        path = subscription.unsubscribe_url()
    old_path = path.removeprefix("/en")  # as emails carried it before
    # A mail program's POST (RFC 8058), without a CSRF token, cannot follow a redirect.
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(old_path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert html_lang(response) == "nl"  # the subscriber's language
    assert "Geen e-mails meer" in response.text
    assert not Subscription.objects.exists()


def test_an_old_emails_unsubscribe_link_opens_in_the_visitors_language(client, esmart):
    response = client.get("/follow/unsubscribe/some-token/", headers={"Accept-Language": "en"})
    assert response.status_code == 302
    assert response["Location"] == "/en/follow/unsubscribe/some-token/"
