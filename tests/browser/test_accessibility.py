"""axe-core (WCAG 2.2 AA rules) and keyboard use, in Chromium."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    }
}

PAGES = {
    "home": "/en/",
    "finder": "/en/trials/",
    "finder with filters": (
        "/en/trials/?cancer_type=solid-tumors&status=recruiting&age=8&sort=start"
    ),
    "finder with no results": "/en/trials/?q=no-such-trial-anywhere",
    "finder with suggestions": (
        "/en/trials/?open=1&age=7&setting=relapsed_refractory&cancer_type=solid-tumors"
    ),
    "finder with a bad value": "/en/trials/?phase=phase_9&age=-1",
    "trial page with key facts": "/en/trials/esmart/",
    "trial page, status not confirmed": "/en/trials/aren1921/",
    "trial page, by invitation": "/en/trials/example-lymphoma/",
    "cancer type page": "/en/cancer-types/solid-tumors/",
    "cancer type page with an everyday name": "/en/cancer-types/hematologic-malignancies/",
    "glossary": "/en/glossary/",
    "follow form": "/en/follow/trials/esmart/",
    "check your inbox": "/en/follow/check-your-inbox/",
    "API docs": "/api/v1/docs/",
}
# The same pages in Dutch: other words, other lengths, the language switch to English.
PAGES.update(
    {
        f"{name} (Dutch)": path.replace("/en/", "/nl/", 1)
        for name, path in PAGES.items()
        if path.startswith("/en/")
    }
)


def unfold_everything(page):
    """Check what folded parts show too: filters, "More filters", legends, arms."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_axe_violations(page, demo_site, path):
    page.goto(demo_site.url + path)
    unfold_everything(page)
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(
    "path", ["/en/trials/", "/en/trials/esmart/", PAGES["finder with suggestions"], "/en/"]
)
def test_no_axe_violations_on_a_phone(phone_page, demo_site, path):
    phone_page.goto(demo_site.url + path)
    unfold_everything(phone_page)
    results = Axe().run(phone_page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def test_no_axe_violations_in_the_centres_own_colours(page, demo_site):
    from trials.models import SiteSettings

    centre = SiteSettings.load()
    centre.brand_colour, centre.header_colour = "#8a1538", "#0b2e4f"  # passes the checks
    centre.full_clean()
    centre.save()
    for path in ["/en/", "/en/trials/esmart/"]:
        page.goto(demo_site.url + path)
        unfold_everything(page)
        results = Axe().run(page, options=WCAG_AA)
        assert results.violations_count == 0, results.generate_report()


def test_no_axe_violations_on_the_printed_trial_page(page, demo_site):
    page.emulate_media(media="print")
    page.goto(f"{demo_site.url}/en/trials/esmart/")
    expect(page.get_by_text(re.compile("Printed from http://"))).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def test_skip_link_is_first_and_moves_to_the_content(page, demo_site):
    page.goto(f"{demo_site.url}/en/trials/esmart/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_every_finder_control_is_reachable_by_keyboard(page, demo_site):
    page.goto(f"{demo_site.url}/en/trials/")
    page.locator("#more-filters > summary").click()  # status, phase and open arms
    controls = page.locator("#finder-form input, #finder-form button, #id_sort").count()
    reached = set()
    for _ in range(controls + 40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.name"))
    # Radio buttons in a group share one tab stop, as browsers intend.
    expected = set(
        page.evaluate(
            """() => [...document.querySelectorAll('#finder-form input, #id_sort')]
                .filter(el => el.type !== 'radio' || el.checked)
                .map(el => el.id || el.name)"""
        )
    )
    assert expected <= reached, expected - reached


def test_focus_is_always_visible(page, demo_site):
    page.goto(f"{demo_site.url}/en/trials/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_touch_targets_are_at_least_24px(phone_page, demo_site):
    phone_page.goto(f"{demo_site.url}/en/trials/")
    phone_page.get_by_text("Filters", exact=True).click()
    small = phone_page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, summary')]
            .filter(el => el.offsetParent !== null && !el.closest('p, li, dd'))
            .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24)"""
    )
    assert small == []


def test_reduced_motion_is_respected(browser, demo_site):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{demo_site.url}/en/trials/")
    duration = page.evaluate(
        "getComputedStyle(document.querySelector('.results')).transitionDuration"
    )
    context.close()
    assert duration in {"0s", ""}
