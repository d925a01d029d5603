"""Signing in to the admin: brute force is locked out (django-axes), by username and
address, for a while; staff sessions end after a working day without use."""

import datetime
import logging
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "right-password-for-tests"


@pytest.fixture
def nurse(django_user_model):
    return django_user_model.objects.create_user("nurse", password=PASSWORD, is_staff=True)


def sign_in(client, password, username="nurse", **headers):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, **headers
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, times, username="nurse", **headers):
    """Sign in with a wrong password `times` times; the last answer."""
    for attempt in range(times):
        response = sign_in(client, f"wrong-{attempt}", username=username, **headers)
    return response


def test_a_few_wrong_passwords_lock_out_even_the_right_one(client, nurse, settings):
    response = fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text
    response = sign_in(client, "wrong-again")
    assert response.status_code == 429

    response = sign_in(client, PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)
    assert "Too many failed sign-ins for this account" in response.text
    assert "locked for 15 minutes" in response.text
    assert response["Retry-After"] == "900"
    # The message is on the admin's own sign-in page, with the username kept.
    assert 'id="login-form"' in response.text
    assert 'value="nurse"' in response.text


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, nurse, settings):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_lockout_holds_for_that_username_from_that_address_only(
    client, nurse, django_user_model, settings
):
    django_user_model.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    fail(client, settings.AXES_FAILURE_LIMIT)

    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert sign_in(elsewhere, PASSWORD).status_code == 302, "same user, other address"
    colleague = Client()
    assert sign_in(colleague, PASSWORD, username="colleague").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, nurse, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )

    assert sign_in(client, PASSWORD).status_code == 302


def test_an_administrator_unlocks_with_axes_reset_username(client, nurse, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset_username", "nurse", stdout=None)
    assert sign_in(client, PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, nurse, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in(client, f"wrong-{attempt}", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    response = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_alone(nurse, settings):
    settings.TRIALPORTAL_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.7"}
    fail(proxy, settings.AXES_FAILURE_LIMIT, **attacker)
    assert sign_in(proxy, PASSWORD, **attacker).status_code == 429

    nurse_at_work = {"HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert sign_in(proxy, PASSWORD, **nurse_at_work).status_code == 302
    # What the attacker put in front of the real address does not count.
    spoofed = {"HTTP_X_FORWARDED_FOR": "198.51.100.20, 203.0.113.9"}
    assert sign_in(Client(REMOTE_ADDR="10.0.0.2"), PASSWORD, **spoofed).status_code == 429


def test_a_lockout_is_an_audit_event_naming_the_account_by_id_only(client, nurse, settings, caplog):
    with caplog.at_level(logging.INFO, logger="trialportal.audit"):
        fail(client, settings.AXES_FAILURE_LIMIT - 1)
        sign_in(client, "wrong-again")

    [record] = [r for r in caplog.records if r.name == "trialportal.audit"]
    assert record.event == "lockout"
    assert (record.object_type, record.object_id) == ("user", nurse.pk)
    logged = str(vars(record))
    assert "nurse" not in logged
    assert "127.0.0.1" not in logged


# Sessions ------------------------------------------------------------------------------


def test_staff_sessions_last_a_working_day_not_two_weeks(client, nurse, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    response = sign_in(client, PASSWORD)
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60


def test_using_the_admin_moves_the_end_of_the_session_forward(client, nurse, settings):
    sign_in(client, PASSWORD)
    session = client.session
    session["_refreshed_at"] = int(time.time()) - 10 * 60
    session.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(hours=1))

    response = client.get("/admin/")

    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60
    expires = Session.objects.get().expire_date
    assert expires > timezone.now() + datetime.timedelta(hours=7, minutes=59)


def test_a_session_used_minutes_ago_is_not_written_again(client, nurse):
    sign_in(client, PASSWORD)
    response = client.get("/admin/")
    assert "sessionid" not in response.cookies


def test_an_idle_session_has_ended(client, nurse):
    sign_in(client, PASSWORD)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
