"""What a family does in the finder, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    "/en/",
    "/en/trials/",
    "/en/trials/esmart/",
    "/en/cancer-types/solid-tumors/",
    "/en/glossary/",
]


def open_more_filters(page):
    """Status, phase and open arms are folded under "More filters"."""
    more = page.locator("#more-filters")
    if not more.evaluate("details => details.open"):
        page.locator("#more-filters > summary").click()


def test_family_reaches_a_trial_from_home_by_cancer_type_in_two_clicks(page, demo_site):
    page.goto(demo_site.url)
    page.get_by_role("link", name="Medulloblastoma").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Medulloblastoma")
    page.get_by_role("link", name="EXAMPLE-MB").click()
    expect(page).to_have_url(f"{demo_site.url}/en/trials/example-mb/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("EXAMPLE-MB")


def test_filters_update_in_place_and_the_back_button_restores_them(page, demo_site):
    page.goto(f"{demo_site.url}/en/trials/")
    page.evaluate("window.__sameDocument = true")  # gone if the page fully reloads
    count = page.locator("#results-title")
    total = count.inner_text()

    page.get_by_label(re.compile(r"^\s*Open for inclusion only")).check()
    expect(page).to_have_url(re.compile(r"\?open=1$"))
    open_more_filters(page)
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
    page.goto(f"{demo_site.url}/en/trials/")
    open_more_filters(page)
    checkbox = page.locator("#status-recruiting")
    checkbox.focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"status=recruiting"))
    expect(page.locator("#status-recruiting")).to_be_focused()
    expect(page.locator("#status-recruiting")).to_be_checked()


def test_removing_a_chip_moves_focus_to_the_result_count(page, demo_site):
    page.goto(f"{demo_site.url}/en/trials/?status=recruiting&phase=phase_3")
    page.get_by_role("link", name=re.compile("Phase: Phase 3")).click()
    expect(page).to_have_url(re.compile(r"\?status=recruiting$"))
    expect(page.locator("#results-title")).to_be_focused()


def test_the_finder_works_without_javascript(no_js_page, demo_site):
    page = no_js_page
    page.goto(f"{demo_site.url}/en/trials/")
    page.get_by_label("Search", exact=True).fill("medulloblastoma")
    page.get_by_label(re.compile(r"^\s*Open for inclusion only")).check()
    page.get_by_role("button", name="Show trials").click()
    expect(page).to_have_url(re.compile(r"q=medulloblastoma"))
    expect(page.locator("#results-title")).to_have_text(re.compile(r"1 trial found"))
    page.get_by_role("link", name=re.compile("Open for inclusion only: yes")).click()
    expect(page).not_to_have_url(re.compile("open=1"))
    expect(page.get_by_role("link", name="EXAMPLE-MB")).to_be_visible()


PHONE_PAGES = [
    "/en/",
    "/en/trials/",
    "/en/trials/?status=recruiting&age=5",
    # The empty page with its suggestions, contact box and links to the registries.
    "/en/trials/?open=1&age=7&setting=relapsed_refractory&cancer_type=solid-tumors",
    "/en/trials/?q=EudraCT+2016-000133-40&sort=start",
    "/en/trials/esmart/",
    "/en/trials/aren1921/",
    "/en/cancer-types/hematologic-malignancies/",
    "/en/glossary/",
]


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
@pytest.mark.parametrize("width", [320, 375])
def test_phone_pages_never_scroll_sideways(browser, demo_site, width, javascript):
    context = browser.new_context(
        viewport={"width": width, "height": 812},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    for path in PHONE_PAGES:
        page.goto(demo_site.url + path)
        # Everything unfolded too: filters, "More filters", legends, a long list of arms.
        for state in ("folded", "unfolded"):
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} ({state}) scrolls sideways by {overflow}px"
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    context.close()


def test_phone_show_trials_button_stays_in_reach_with_a_live_count(phone_page, demo_site):
    page = phone_page
    page.goto(f"{demo_site.url}/en/trials/")
    page.get_by_text("Filters", exact=True).click()
    button = page.get_by_role("button", name=re.compile(r"^Show \d+ trials?$"))
    expect(button).to_have_accessible_name("Show 11 trials")
    # Halfway down the long list of filters, the button is still on screen.
    page.locator("#cancer_type-wilms-tumor").scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 812, box
    # Its count follows the filters as they change.
    page.locator("label[for=cancer_type-brain-and-spinal-cord-tumors]").click()
    expect(button).to_have_accessible_name("Show 3 trials")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= 812
    # A tap folds the filters away and shows the results.
    button.click()
    expect(page.locator("#filters-panel")).not_to_have_attribute("open", "")
    expect(page.locator("#results-title")).to_be_focused()
    expect(page.locator("#results-title")).to_have_text(re.compile("3 trials found"))
    expect(page.locator("#results-title")).to_be_in_viewport()


def test_without_javascript_the_form_lands_on_the_results(browser, demo_site):
    context = browser.new_context(viewport={"width": 375, "height": 812}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_site.url}/en/trials/")
    page.locator("label[for=cancer_type-brain-and-spinal-cord-tumors]").click()
    page.get_by_role("button", name="Show trials").click()
    expect(page).to_have_url(re.compile(r"cancer_type=brain-and-spinal-cord-tumors&.*#results$"))
    expect(page.locator("#results-title")).to_be_in_viewport()
    expect(page.locator("#results-title")).to_have_text(re.compile("3 trials found"))
    context.close()


def test_an_empty_page_leads_on_with_a_single_tap(page, demo_site):
    page.goto(
        f"{demo_site.url}/en/trials/?open=1&age=7&setting=relapsed_refractory&cancer_type=solid-tumors"
    )
    expect(page.locator("#results-title")).to_have_text(re.compile("0 trials found"))
    suggestion = page.get_by_role("link", name=re.compile("Remove “Open for inclusion only: yes”"))
    promised = re.search(r"(\d+) trials?$", suggestion.inner_text().strip())[1]
    suggestion.click()
    expect(page.locator("#results-title")).to_have_text(re.compile(f"{promised} trials? found"))
    expect(page).not_to_have_url(re.compile("open=1"))


def test_phone_filters_fold_away_and_open_on_tap(phone_page, demo_site):
    phone_page.goto(f"{demo_site.url}/en/trials/")
    search = phone_page.get_by_label("Search", exact=True)
    expect(search).to_be_hidden()
    phone_page.get_by_text("Filters", exact=True).click()
    expect(search).to_be_visible()


def test_typing_is_never_lost_while_results_update_slowly(page, demo_site):
    page.goto(f"{demo_site.url}/en/trials/")
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
    page.goto(f"{demo_site.url}/en/trials/")
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
    page.goto(f"{demo_site.url}/en/trials/")
    box = page.get_by_label("Search", exact=True)
    box.click()
    page.keyboard.type("medullo")
    expect(page).to_have_url(re.compile(r"\?q=medullo$"))
    expect(page.locator("#results-title")).to_have_text(re.compile("1 trial found"))
    page.go_back()
    expect(page).to_have_url(f"{demo_site.url}/en/trials/")
    expect(page.get_by_label("Search", exact=True)).to_have_value("")
    expect(page.locator("#results-title")).to_have_text(re.compile("11 trials found"))


def test_typing_then_ticking_a_box_makes_one_request_and_one_history_entry(page, demo_site):
    page.goto(f"{demo_site.url}/en/trials/")
    requests = []
    page.on(
        "request",
        lambda request: (
            requests.append(request.url) if request.headers.get("x-finder-partial") else None
        ),
    )
    entries_before = page.evaluate("history.length")
    open_more_filters(page)
    page.get_by_label("Search", exact=True).fill("example")
    page.locator("#status-recruiting").check()  # within the typing pause
    expect(page).to_have_url(re.compile(r"\?q=example&status=recruiting$"))
    page.wait_for_timeout(800)
    assert len(requests) == 1, requests
    assert page.evaluate("history.length") - entries_before == 1


def test_choosing_any_disease_keeps_focus_on_it(page, demo_site):
    page.goto(f"{demo_site.url}/en/trials/?setting=newly_diagnosed")
    page.locator("#setting-any").focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(f"{demo_site.url}/en/trials/")
    expect(page.locator("#setting-any")).to_be_focused()


def test_paging_in_place_keeps_filters_and_moves_focus_to_the_results(page, demo_site, settings):
    settings.TRIALPORTAL_PAGE_SIZE = 4
    page.goto(f"{demo_site.url}/en/trials/?sort=name")
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
    for path in PUBLIC_PAGES:
        page.goto(demo_site.url + path)
    page.goto(f"{demo_site.url}/en/trials/")
    open_more_filters(page)
    page.locator("#status-recruiting").check()
    expect(page).to_have_url(re.compile("status=recruiting"))
    assert errors == []
