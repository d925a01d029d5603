"""What a family does in the finder, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_family_reaches_a_trial_from_home_by_cancer_type_in_two_clicks(page, demo_site):
    page.goto(demo_site.url)
    page.get_by_role("link", name="Medulloblastoma").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medulloblastoma")
    page.get_by_role("link", name="EXAMPLE-MB").click()
    expect(page).to_have_url(f"{demo_site.url}/trials/example-mb/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("EXAMPLE-MB")


def test_filters_update_in_place_and_the_back_button_restores_them(page, demo_site):
    page.goto(f"{demo_site.url}/trials/")
    page.evaluate("window.__sameDocument = true")  # gone if the page fully reloads
    count = page.locator("#results-title")
    total = count.inner_text()

    page.get_by_label(re.compile(r"^\s*Open for inclusion only")).check()
    expect(page).to_have_url(re.compile(r"\?open=1$"))
    page.get_by_label(re.compile(r"^\s*Phase 3\s")).check()
    expect(page).to_have_url(re.compile(r"\?open=1&phase=phase_3$"))
    expect(count).to_have_text(re.compile(r"^\s*2 trials found"))
    expect(page.locator("#finder-announcement")).to_have_text(re.compile("2 trials found"))
    assert page.evaluate("window.__sameDocument") is True

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?open=1$"))
    expect(page.get_by_label(re.compile(r"^\s*Phase 3\s"))).not_to_be_checked()
    expect(page.get_by_label(re.compile(r"^\s*Open for inclusion only"))).to_be_checked()
    page.go_back()
    expect(count).to_have_text(total)


def test_focus_stays_on_the_control_after_results_update(page, demo_site):
    page.goto(f"{demo_site.url}/trials/")
    checkbox = page.locator("#status-recruiting")
    checkbox.focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"status=recruiting"))
    expect(page.locator("#status-recruiting")).to_be_focused()
    expect(page.locator("#status-recruiting")).to_be_checked()


def test_removing_a_chip_moves_focus_to_the_result_count(page, demo_site):
    page.goto(f"{demo_site.url}/trials/?status=recruiting&phase=phase_3")
    page.get_by_role("link", name=re.compile("Phase: Phase 3")).click()
    expect(page).to_have_url(re.compile(r"\?status=recruiting$"))
    expect(page.locator("#results-title")).to_be_focused()


def test_the_finder_works_without_javascript(no_js_page, demo_site):
    page = no_js_page
    page.goto(f"{demo_site.url}/trials/")
    page.get_by_label("Search", exact=True).fill("medulloblastoma")
    page.get_by_label(re.compile(r"^\s*Open for inclusion only")).check()
    page.get_by_role("button", name="Show trials").click()
    expect(page).to_have_url(re.compile(r"q=medulloblastoma"))
    expect(page.locator("#results-title")).to_have_text(re.compile(r"1 trial found"))
    page.get_by_role("link", name=re.compile("Open for inclusion only: yes")).click()
    expect(page).not_to_have_url(re.compile("open=1"))
    expect(page.get_by_role("link", name="EXAMPLE-MB")).to_be_visible()


@pytest.mark.parametrize("width", [320, 375])
def test_phone_viewport_has_no_horizontal_scroll(phone_page, demo_site, width):
    phone_page.set_viewport_size({"width": width, "height": 812})
    for path in [
        "/",
        "/trials/",
        "/trials/?status=recruiting&age=5",
        "/trials/esmart/",
        "/cancer-types/solid-tumors/",
        "/glossary/",
    ]:
        phone_page.goto(demo_site.url + path)
        overflow = phone_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


def test_phone_filters_fold_away_and_open_on_tap(phone_page, demo_site):
    phone_page.goto(f"{demo_site.url}/trials/")
    search = phone_page.get_by_label("Search", exact=True)
    expect(search).to_be_hidden()
    phone_page.get_by_text("Filters", exact=True).click()
    expect(search).to_be_visible()


def test_typing_is_never_lost_while_results_update_slowly(page, demo_site):
    page.goto(f"{demo_site.url}/trials/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 800, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    entries_before = page.evaluate("history.length")
    box = page.get_by_label("Search", exact=True)
    box.click()
    page.keyboard.type("medullo", delay=40)
    page.wait_for_timeout(700)  # an update is on its way while the visitor types on
    page.keyboard.type("blastoma", delay=40)
    expect(page).to_have_url(re.compile(r"\?q=medulloblastoma$"), timeout=15_000)
    expect(page.locator("#results-title")).to_have_text(re.compile(r"1 trial found"))
    expect(box).to_have_value("medulloblastoma")
    expect(box).to_be_focused()
    assert page.evaluate("document.activeElement.selectionStart") == len("medulloblastoma")
    # One burst of typing is one step back, not one per pause.
    assert page.evaluate("history.length") - entries_before == 1


def slow_network(page, latency_ms=600):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def test_typing_an_age_in_two_goes_keeps_the_digits_in_order(page, demo_site):
    page.goto(f"{demo_site.url}/trials/")
    slow_network(page)
    age = page.locator("#id_age")
    age.click()
    page.keyboard.type("1")
    page.wait_for_timeout(1300)  # the update for "1" arrives
    page.keyboard.type("5")
    expect(page).to_have_url(re.compile(r"\?age=15$"), timeout=15_000)
    expect(page.locator("#id_age")).to_have_value("15")
    expect(page.locator("#id_age")).to_be_focused()


def test_back_with_focus_in_the_search_box_shows_that_page_text(page, demo_site):
    page.goto(f"{demo_site.url}/trials/")
    box = page.get_by_label("Search", exact=True)
    box.click()
    page.keyboard.type("medullo")
    expect(page).to_have_url(re.compile(r"\?q=medullo$"))
    expect(page.locator("#results-title")).to_have_text(re.compile("1 trial found"))
    page.go_back()
    expect(page).to_have_url(f"{demo_site.url}/trials/")
    expect(page.get_by_label("Search", exact=True)).to_have_value("")
    expect(page.locator("#results-title")).to_have_text(re.compile("11 trials found"))


def test_typing_then_ticking_a_box_makes_one_request_and_one_history_entry(page, demo_site):
    page.goto(f"{demo_site.url}/trials/")
    requests = []
    page.on(
        "request",
        lambda request: (
            requests.append(request.url) if request.headers.get("x-finder-partial") else None
        ),
    )
    entries_before = page.evaluate("history.length")
    page.get_by_label("Search", exact=True).fill("example")
    page.locator("#status-recruiting").check()  # within the typing pause
    expect(page).to_have_url(re.compile(r"\?q=example&status=recruiting$"))
    page.wait_for_timeout(800)
    assert len(requests) == 1, requests
    assert page.evaluate("history.length") - entries_before == 1


def test_choosing_any_disease_keeps_focus_on_it(page, demo_site):
    page.goto(f"{demo_site.url}/trials/?setting=newly_diagnosed")
    page.locator("#setting-any").focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(f"{demo_site.url}/trials/")
    expect(page.locator("#setting-any")).to_be_focused()


def test_paging_in_place_keeps_filters_and_moves_focus_to_the_results(page, demo_site, settings):
    settings.TRIALPORTAL_PAGE_SIZE = 4
    page.goto(f"{demo_site.url}/trials/?sort=name")
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"\?sort=name&page=2$"))
    expect(page.locator("#results-title")).to_be_focused()
    assert page.evaluate("window.__sameDocument") is True


def test_public_pages_log_no_console_errors(page, demo_site):
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in ["/", "/trials/", "/trials/esmart/", "/cancer-types/solid-tumors/", "/glossary/"]:
        page.goto(demo_site.url + path)
    page.goto(f"{demo_site.url}/trials/")
    page.locator("#status-recruiting").check()
    expect(page).to_have_url(re.compile("status=recruiting"))
    assert errors == []
