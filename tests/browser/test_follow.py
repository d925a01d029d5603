"""Following a trial from its page, on a phone, without JavaScript."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from follow.models import Subscription

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_family_asks_to_be_emailed_from_the_trial_page(phone_page, demo_site):
    phone_page.goto(f"{demo_site.url}/en/trials/esmart/")
    box = phone_page.get_by_role("region", name="Email me when this changes")
    expect(box).to_be_visible()
    expect(box.get_by_text("delete it after 7 days if you do not confirm")).to_be_visible()
    expect(phone_page.get_by_label("Leave this field empty")).to_be_hidden()  # the honeypot
    box.get_by_label("Your email address").fill("parent@example.org")
    box.get_by_role("button", name="Email me").click()
    expect(phone_page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert Subscription.objects.get().email == "parent@example.org"
    assert mail.outbox == []  # sent by the worker, not by the request


def test_a_mistyped_address_is_explained_without_javascript(no_js_page, demo_site):
    no_js_page.goto(f"{demo_site.url}/en/cancer-types/solid-tumors/")
    no_js_page.get_by_label("Your email address").fill("parent-at-example.org")
    no_js_page.get_by_role("button", name="Email me").click()
    expect(no_js_page.get_by_text("Enter an email address like name@example.org.")).to_be_visible()
    expect(no_js_page.get_by_label("Your email address")).to_have_value("parent-at-example.org")
    assert not Subscription.objects.exists()
