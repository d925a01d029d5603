"""Printing a trial page gives a short summary a family can take to their doctor."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("slug", ["esmart", "example-all", "aren1921"])
def test_printed_trial_page_fits_on_two_pages(page, demo_site, slug):
    page.goto(f"{demo_site.url}/en/trials/{slug}/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert 1 <= pdf_page_count(pdf) <= 2


def test_printout_carries_the_address_and_registry_links_not_the_navigation(page, demo_site):
    page.goto(f"{demo_site.url}/en/trials/esmart/")
    page.emulate_media(media="print")
    text = page.locator("body").inner_text()
    assert f"Printed from {demo_site.url}/en/trials/esmart/" in text
    assert "clinicaltrialsregister.eu" in text
    assert "Skip to main content" not in text
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_text("What does “Phase” mean?").is_visible()


@pytest.fixture
def office_contact(demo_site):
    from trials.models import SiteSettings

    office = SiteSettings.load()
    office.phone, office.email = "+31 88 972 72 72", "trials@example.org"
    office.save()
    return demo_site


def test_esmart_prints_on_two_pages_with_whom_to_ask_when_and_where(page, office_contact):
    page.goto(f"{office_contact.url}/en/trials/esmart/")
    page.emulate_media(media="print")
    assert pdf_page_count(page.pdf(format="A4")) <= 2
    text = page.locator("body").inner_text()
    assert "+31 88 972 72 72" in text
    assert "trials@example.org" in text
    assert f"Printed from {office_contact.url}/en/trials/esmart/" in text
    today = page.evaluate(
        "new Date().toLocaleDateString('en', {day: 'numeric', month: 'long', year: 'numeric'})"
    )
    assert f"Printed on {today}" in text
    # The arms print although they are folded on screen, with what they target.
    assert page.get_by_text("Arm R. Capivasertib + metronomic Vinorelbine").is_visible()
    assert "CDK2 and CDK9, which fadraciclib blocks" in text


def test_printed_text_is_at_least_11_points(page, demo_site):
    page.goto(f"{demo_site.url}/en/trials/esmart/")
    page.emulate_media(media="print")
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('main *')]
            .filter(el => el.offsetParent !== null && [...el.childNodes].some(
                node => node.nodeType === 3 && node.textContent.trim()))
            .map(el => parseFloat(getComputedStyle(el).fontSize)))"""
    )
    assert smallest >= 11 * 96 / 72 - 0.01, f"{smallest}px is below 11 pt"
