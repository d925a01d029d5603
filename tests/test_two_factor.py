"""Two-factor sign-in: required for publishers and superusers, optional for editors,
set up at first sign-in with recovery codes, reset by an administrator. Codes are made
here the way an authenticator app makes them (TOTP)."""

import logging
import time
import urllib.parse

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from trials.models import Publication

from .factories import TrialFactory

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-for-tests"


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.TRIALPORTAL_REQUIRE_2FA = True


def staff(django_user_model, username, group=None, **fields):
    user = django_user_model.objects.create_user(
        username, password=PASSWORD, is_staff=True, **fields
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def publisher(django_user_model):
    return staff(django_user_model, "publisher", "Publisher")


@pytest.fixture
def editor(django_user_model):
    return staff(django_user_model, "editor", "Editor")


def app_code(device: TOTPDevice) -> str:
    """The code the phone shows now (or, once that is used, the next one)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time()
    totp.drift = max(0, device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def sign_in(user, next_url="/admin/") -> Client:
    client = Client()
    response = client.post(
        f"/admin/login/?next={next_url}",
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302, "the password was not accepted"
    return client


def where(response) -> str:
    return urllib.parse.urlsplit(response.url).path


def enrol(user) -> tuple[Client, list[str]]:
    client = sign_in(user)
    client.get("/admin/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/admin/two-factor/setup/", {"code": app_code(device)})
    assert response.status_code == 200, response
    return client, response.context["codes"]


def test_a_publisher_sets_up_the_app_at_first_sign_in(publisher):
    client = sign_in(publisher)

    response = client.get("/admin/", follow=True)

    assert [where_ for where_, _status in response.redirect_chain][-1].startswith(
        "/admin/two-factor/setup/"
    )
    assert "<svg" in response.text, "a QR code to scan"
    device = TOTPDevice.objects.get(user=publisher, confirmed=False)
    assert response.context["key"].replace(" ", "") in device.config_url
    assert "otpauth://" not in response.text, "the key is drawn, not linked"


def test_the_first_code_turns_it_on_and_shows_recovery_codes_once(publisher):
    client = sign_in(publisher)
    client.get("/admin/two-factor/setup/")
    device = TOTPDevice.objects.get(user=publisher)

    response = client.post("/admin/two-factor/setup/?next=/admin/", {"code": app_code(device)})

    codes = response.context["codes"]
    assert len(codes) == 10
    for code in codes:
        assert code in response.text
    assert client.get("/admin/").status_code == 200
    again = client.get("/admin/two-factor/setup/")
    assert again.status_code == 302, "the codes are not shown a second time"
    assert not any(code in client.get("/admin/two-factor/").text for code in codes)


def test_a_wrong_first_code_leaves_it_off(publisher):
    client = sign_in(publisher)
    client.get("/admin/two-factor/setup/")

    response = client.post("/admin/two-factor/setup/", {"code": "000000"})

    assert "That code is not right" in response.text
    assert not TOTPDevice.objects.filter(user=publisher, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_reloading_the_setup_page_keeps_the_key_already_scanned(publisher):
    client = sign_in(publisher)
    first = client.get("/admin/two-factor/setup/").context["key"]
    assert client.get("/admin/two-factor/setup/").context["key"] == first


def test_every_later_sign_in_asks_for_a_code_from_the_app(publisher):
    enrol(publisher)
    client = sign_in(publisher, next_url="/admin/trials/trial/")

    response = client.get("/admin/trials/trial/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/two-factor/verify/")

    device = TOTPDevice.objects.get(user=publisher)
    response = client.post(
        "/admin/two-factor/verify/", {"code": app_code(device), "next": "/admin/trials/trial/"}
    )
    assert response.status_code == 302
    assert response.url == "/admin/trials/trial/"
    assert client.get("/admin/trials/trial/").status_code == 200


def test_a_wrong_code_is_refused_and_repeated_wrong_codes_slow_down(publisher, monkeypatch):
    enrol(publisher)
    client = sign_in(publisher)
    # The pause after a wrong code is a second (then doubling): on a busy machine a real
    # second could pass between two requests, so the clock stands still for this test.
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)

    response = client.post("/admin/two-factor/verify/", {"code": "000000"})
    assert "That code is not right" in response.text
    response = client.post("/admin/two-factor/verify/", {"code": "000000"})
    assert "Too many wrong codes in a row" in response.text
    # Even the right code waits until the pause is over.
    device = TOTPDevice.objects.get(user=publisher)
    response = client.post("/admin/two-factor/verify/", {"code": app_code(device)})
    assert "Too many wrong codes in a row" in response.text
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_signs_in_once(publisher):
    _client, codes = enrol(publisher)

    client = sign_in(publisher)
    response = client.post("/admin/two-factor/verify/", {"code": codes[0].upper()}, follow=True)
    assert response.status_code == 200
    assert "You signed in with a recovery code; 9 are left" in response.text

    other = sign_in(publisher)
    response = other.post("/admin/two-factor/verify/", {"code": codes[0]})
    assert "That code is not right" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/trials/trial/",
        "/admin/trials/trial/add/",
        "/admin/trials/trial/{pk}/change/",
        "/admin/trials/trial/{pk}/history/",
        "/admin/trials/trial/{pk}/delete/",
        "/admin/trials/cancertype/",
        "/admin/auth/user/",
        "/admin/autocomplete/?app_label=trials&model_name=trial&field_name=sponsor&term=a",
        "/admin/jsi18n/",
        "/admin/two-factor/",
        "/en/trials/{slug}/preview/",
    ],
)
def test_nothing_behind_the_password_opens_before_the_code(django_user_model, url):
    superuser = staff(django_user_model, "boss", is_superuser=True)
    trial = TrialFactory(publication=Publication.DRAFT)
    client = sign_in(superuser)

    response = client.get(url.format(pk=trial.pk, slug=trial.slug))

    assert response.status_code == 302
    assert where(response) in {"/admin/login/", "/admin/two-factor/setup/"}


def test_a_crafted_post_before_the_code_changes_nothing(publisher):
    trial = TrialFactory(publication=Publication.DRAFT, short_name="KEPT")
    client = sign_in(publisher)

    response = client.post(
        f"/admin/trials/trial/{trial.pk}/change/",
        {"short_name": "CHANGED", "_publish": "1"},
    )
    assert response.status_code == 302
    response = client.post(
        "/admin/trials/trial/", {"action": "publish_trials", "_selected_action": [trial.pk]}
    )
    assert response.status_code == 302

    trial.refresh_from_db()
    assert (trial.short_name, trial.publication) == ("KEPT", Publication.DRAFT)


def test_editors_sign_in_with_a_password_alone_unless_they_turn_it_on(editor):
    client = sign_in(editor)
    assert client.get("/admin/").status_code == 200
    assert "Two-factor authentication is off" in client.get("/admin/two-factor/").text

    enrol(editor)

    later = sign_in(editor)
    response = later.get("/admin/")
    assert response.status_code == 302
    assert later.get(response.url).url.startswith("/admin/two-factor/verify/")


def test_an_editor_may_turn_it_off_a_publisher_may_not(editor, publisher):
    editor_client, _ = enrol(editor)
    response = editor_client.post("/admin/two-factor/", {"turn_off": "1"}, follow=True)
    assert "Two-factor authentication is off for your account" in response.text
    assert not TOTPDevice.objects.filter(user=editor).exists()

    publisher_client, _ = enrol(publisher)
    page = publisher_client.get("/admin/two-factor/")
    assert 'name="turn_off"' not in page.text
    publisher_client.post("/admin/two-factor/", {"turn_off": "1"})
    assert TOTPDevice.objects.filter(user=publisher, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old_ones(publisher):
    client, old_codes = enrol(publisher)

    response = client.post("/admin/two-factor/", {"new_codes": "1"})

    new_codes = response.context["codes"]
    assert set(new_codes).isdisjoint(old_codes)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == set(new_codes)


def test_reset_two_factor_makes_the_next_sign_in_set_up_again(publisher, caplog):
    enrol(publisher)

    with caplog.at_level(logging.INFO, logger="trialportal.audit"):
        call_command("reset_two_factor", "publisher", stdout=None)

    assert not TOTPDevice.objects.filter(user=publisher).exists()
    assert not StaticToken.objects.filter(device__user=publisher).exists()
    [record] = [r for r in caplog.records if getattr(r, "event", "") == "two_factor_reset"]
    assert record.object_id == publisher.pk
    client = sign_in(publisher)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/two-factor/setup/")


def test_reset_two_factor_names_an_unknown_username():
    with pytest.raises(CommandError, match="no account with the username 'nobody'"):
        call_command("reset_two_factor", "nobody")


def test_a_session_verified_before_a_reset_must_set_up_again(publisher):
    client, _ = enrol(publisher)
    call_command("reset_two_factor", "publisher", stdout=None)
    assert client.get("/admin/").status_code == 302


def test_without_the_requirement_a_publisher_signs_in_with_a_password(publisher, settings):
    settings.TRIALPORTAL_REQUIRE_2FA = False
    assert sign_in(publisher).get("/admin/").status_code == 200


def test_the_code_step_never_sends_anyone_to_another_site(publisher):
    client, _ = enrol(publisher)
    later = sign_in(publisher)
    device = TOTPDevice.objects.get(user=publisher)
    response = later.post(
        "/admin/two-factor/verify/",
        {"code": app_code(device), "next": "https://evil.example/admin/"},
    )
    assert response.url == "/admin/"


def test_the_code_step_offers_a_way_out(publisher):
    client = sign_in(publisher)
    response = client.post("/admin/two-factor/sign-out/")
    assert response.url == "/admin/login/"
    assert "_auth_user_id" not in client.session
