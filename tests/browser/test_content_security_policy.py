"""With the Content-Security-Policy enforced (as in production), nothing on the public
pages or in the admin's trial form is blocked, and the rich-text editor still works."""

import re

import pytest
from playwright.sync_api import expect

from trials.models import Trial

# Collects every violation the browser reports, from the first script on each page.
REPORT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
      + ` at ${event.sourceFile}:${event.lineNumber} (${event.sample})`
  );
});
"""

PUBLIC_PAGES = [
    "/en/",
    "/en/trials/",
    "/en/trials/esmart/",
    "/en/cancer-types/solid-tumors/",
    "/en/glossary/",
]


@pytest.fixture
def watched(page):
    """The page, with CSP violations and console errors recorded as they happen."""
    page.add_init_script(REPORT_VIOLATIONS)
    page.problems = []
    page.on(
        "console",
        lambda message: page.problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations") + [
        text for text in page.problems if "Content Security Policy" in text
    ]


def test_public_pages_break_no_rule_of_the_policy(watched, demo_site):
    for path in PUBLIC_PAGES:
        response = watched.goto(demo_site.url + path)
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        assert violations(watched) == [], path
    # The finder's script updating results in place.
    watched.goto(f"{demo_site.url}/en/trials/")
    watched.locator("#more-filters > summary").click()  # status, phase and open arms
    watched.locator("#status-recruiting").check()
    expect(watched).to_have_url(re.compile("status=recruiting"))
    assert violations(watched) == []
    assert watched.problems == []


def test_the_admin_trial_form_and_its_rich_text_editor_work_under_the_policy(
    watched, demo_site, django_user_model
):
    django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-for-tests")
    esmart = Trial.objects.get(slug="esmart")

    watched.goto(f"{demo_site.url}/admin/login/")
    watched.get_by_label("Username").fill("boss")
    watched.get_by_label("Password").fill("pw-for-tests")
    watched.get_by_role("button", name="Log in").click()
    expect(watched.locator("#site-name")).to_be_visible()

    response = watched.goto(f"{demo_site.url}/admin/trials/trial/{esmart.pk}/change/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    editor = watched.locator(".ProseMirror").first  # "Who can enter"
    expect(editor).to_be_visible()
    editor.click()
    watched.keyboard.press("Control+End")
    watched.keyboard.type(" Typed under the policy.")
    # The autocomplete and the date picker build their own markup.
    watched.locator(".field-cancer_types .select2-selection").click()
    expect(watched.locator(".select2-results")).to_be_visible()
    watched.keyboard.press("Escape")
    watched.locator(".field-start_date .datetimeshortcuts a").last.click()
    watched.keyboard.press("Escape")
    watched.locator("input[name=_continue]").first.click()
    expect(watched.locator(".messagelist .success")).to_be_visible()

    esmart.refresh_from_db()
    assert "Typed under the policy." in esmart.eligibility
    assert violations(watched) == []
    assert watched.problems == []
