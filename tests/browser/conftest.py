"""Playwright in Debian's Chromium against pytest-django's live server.

Skipped, with a message saying why, when Chromium is missing; `.ci/run` installs it.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_dir = Path(__file__).parent
    chromium_missing = not Path(CHROMIUM).exists()
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if chromium_missing:
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"
                    )
                )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    context, page = _page(browser, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context, page = _page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser):
    context, page = _page(browser, viewport=DESKTOP, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def demo_site(transactional_db, live_server):
    """The live server with the demo trials a newcomer sees after `make run`."""
    call_command("load_demo_trials", verbosity=0)
    return live_server
