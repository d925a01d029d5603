"""Printing a trial page gives a short summary a family can take to their doctor."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("slug", ["esmart", "example-all", "aren1921"])
def test_printed_trial_page_fits_on_two_pages(page, demo_site, slug):
    page.goto(f"{demo_site.url}/trials/{slug}/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert 1 <= pdf_page_count(pdf) <= 2


def test_printout_carries_the_address_and_registry_links_not_the_navigation(page, demo_site):
    page.goto(f"{demo_site.url}/trials/esmart/")
    page.emulate_media(media="print")
    text = page.locator("body").inner_text()
    assert f"Printed from {demo_site.url}/trials/esmart/" in text
    assert "clinicaltrialsregister.eu" in text
    assert "Skip to main content" not in text
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_text("What does “Phase” mean?").is_visible()
