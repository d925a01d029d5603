"""The headers browsers act on, as production sends them: Content-Security-Policy with no
inline script or style, HSTS, Permissions-Policy, and cookies that stay on HTTPS.

The production values come from trialportal/settings.py itself, loaded with a
production environment; requests then go through the whole middleware stack.
"""

import re
import runpy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from trials.models import Publication

from .factories import CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "trialportal" / "settings.py"
PRODUCTION_ENVIRONMENT = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "header-tests-" + "s" * 50,
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DATABASE_URL": "postgres://app@db.example.org:5432/trials",
    "TRIALPORTAL_ENV_FILE": "/nonexistent/.env",
}
APPLIED = re.compile(r"^(SECURE_|SESSION_|CSRF_COOKIE_|PERMISSIONS_POLICY|TRIALPORTAL_REQUIRE)")


@pytest.fixture
def production(settings, monkeypatch):
    for name, value in PRODUCTION_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(SETTINGS_FILE))
    for name, value in values.items():
        if APPLIED.match(name):
            setattr(settings, name, value)
    settings.SECURE_CSP_REPORT_ONLY = values.get("SECURE_CSP_REPORT_ONLY", {})
    settings.TRIALPORTAL_REQUIRE_2FA = False  # sign-in itself is tested elsewhere
    return Client()


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.style_attributes, self.handlers = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "style":
            self.styles.append(attrs)
        if "style" in attrs and tag not in {"svg", "path"}:
            self.style_attributes.append((tag, attrs["style"]))
        self.handlers += [name for name in attrs if name.startswith("on")]


def collect(html: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(html)
    return collector


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


@pytest.fixture
def public_pages():
    group = CancerTypeFactory(name="Solid tumors", slug="solid-tumors")
    trial = TrialFactory(slug="esmart", cancer_types=[group])
    return ["/en/", "/en/trials/", "/en/trials/?q=esmart", f"/en/trials/{trial.slug}/",
            "/en/glossary/", f"/en/cancer-types/{group.slug}/", "/no-such-page/"]  # fmt: skip


def test_public_pages_allow_no_inline_script_or_style_and_carry_no_nonce(production, public_pages):
    for url in public_pages:
        response = production.get(url, secure=True)
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "Content-Security-Policy-Report-Only" not in response
        page = collect(response.text)
        # A JSON-LD data block is never executed, so CSP does not govern it.
        code = [script for script in page.scripts if script.get("type") != "application/ld+json"]
        assert all("src" in script for script in code), f"inline script on {url}"
        assert not page.styles, f"<style> on {url}"
        assert not page.style_attributes, f"style attribute on {url}"
        assert not page.handlers, f"event-handler attribute on {url}"


def test_the_public_policy_is_the_same_for_everyone_so_pages_can_be_cached(
    production, public_pages
):
    policies = {production.get(url, secure=True)["Content-Security-Policy"] for url in public_pages}
    assert len(policies) == 1
    assert "nonce" not in policies.pop()


def test_admin_pages_run_only_their_own_scripts_each_with_this_responses_nonce(
    production, editor_client
):
    trial = TrialFactory(publication=Publication.DRAFT)
    for url in [
        "/admin/",
        "/admin/trials/trial/",
        f"/admin/trials/trial/{trial.pk}/change/",
        "/admin/trials/trial/add/",
        f"/admin/trials/trial/{trial.pk}/history/",
    ]:
        response = editor_client.get(url, secure=True)
        assert response.status_code == 200, url
        policy = directives(response)
        [nonce] = [value for value in policy["script-src"] if value.startswith("'nonce-")]
        assert policy["script-src"] == ["'self'", nonce], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        page = collect(response.text)
        for script in page.scripts:
            assert script.get("nonce") == nonce[len("'nonce-") : -1], (url, script)
        assert not page.style_attributes, (url, page.style_attributes)
        assert not page.handlers, url


def test_the_rich_text_editors_import_map_carries_the_nonce(production, editor_client):
    trial = TrialFactory()
    response = editor_client.get(f"/admin/trials/trial/{trial.pk}/change/", secure=True)
    [import_map] = [s for s in collect(response.text).scripts if s.get("type") == "importmap"]
    assert f"'nonce-{import_map['nonce']}'" in directives(response)["script-src"]


def test_the_admin_sign_in_page_is_covered_too(production):
    response = production.get("/admin/login/", secure=True)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response.cookies["csrftoken"]["secure"]


def test_https_only_hsts_and_the_usual_headers(production):
    response = production.get("/en/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    plain = production.get("/en/trials/?phase=phase_2")
    assert plain.status_code == 301
    assert plain.url == "https://testserver/en/trials/?phase=phase_2"


def test_permissions_policy_turns_off_camera_microphone_location_and_payment(production):
    policy = production.get("/en/", secure=True)["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert f"{feature}=()" in policy


def test_the_session_cookie_is_https_only_hidden_from_scripts_and_ends_in_a_working_day(
    production, django_user_model
):
    django_user_model.objects.create_user("nurse", password="pw-for-tests", is_staff=True)
    response = production.post(
        "/admin/login/",
        {"username": "nurse", "password": "pw-for-tests", "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 8 * 60 * 60
