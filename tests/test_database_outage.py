"""A database that is down, hanging or too slow gives a quick "try again" page (503),
not a 500 or a stuck worker, and the site recovers by itself when it is back."""

import socket
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from .factories import TrialFactory

pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="connection and statement timeouts are PostgreSQL's"
)


@contextmanager
def database_pointed_at(**settings_dict):
    """Point the default connection elsewhere, as if the database moved or died."""
    original = connection.settings_dict.copy()
    connection.close()
    connection.settings_dict.update(settings_dict)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


def unreachable_database() -> dict:
    if connection.vendor == "sqlite":
        return {"NAME": "/nonexistent-directory/trialportal.sqlite3"}
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more: connection refused
    return {"HOST": "127.0.0.1", "PORT": str(port)}


def assert_try_again_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The site is briefly unavailable" in response.text
    assert "nothing was saved" in response.text


def test_a_database_that_is_down_gives_503_and_the_site_recovers_by_itself():
    trial = TrialFactory(slug="esmart")
    visitor = Client(raise_request_exception=False)

    with database_pointed_at(**unreachable_database()):
        for url in ["/en/", "/en/trials/", "/en/trials/esmart/"]:
            assert_try_again_page(visitor.get(url))

    response = visitor.get("/en/trials/esmart/")
    assert response.status_code == 200
    assert trial.short_name in response.text


def test_a_staff_save_while_the_database_is_down_gets_503(django_user_model):
    trial = TrialFactory()
    staff = Client(raise_request_exception=False)
    staff.force_login(django_user_model.objects.create_superuser("boss", password="pw"))
    with database_pointed_at(**unreachable_database()):
        response = staff.post(f"/admin/trials/trial/{trial.pk}/change/", {})
    assert_try_again_page(response)


@on_postgresql
def test_a_hanging_database_is_given_up_on_after_the_connect_timeout():
    # A server that accepts the connection and then never says anything.
    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(8)
    port = hanging.getsockname()[1]
    options = {**connection.settings_dict["OPTIONS"], "connect_timeout": 2}
    try:
        with database_pointed_at(HOST="127.0.0.1", PORT=str(port), OPTIONS=options):
            started = time.monotonic()
            response = Client(raise_request_exception=False).get("/en/trials/")
            waited = time.monotonic() - started
    finally:
        hanging.close()
    assert_try_again_page(response)
    assert waited < 10, "it waited for the operating system, not for connect_timeout"


def slow_page(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 200")
        cursor.execute("SELECT pg_sleep(5)")


urlpatterns = [path("slow/", slow_page), path("", include("trials.urls"))]
handler500 = "trialportal.errors.server_error"


@on_postgresql
def test_a_statement_over_the_timeout_is_cut_off_with_503(settings):
    settings.ROOT_URLCONF = __name__
    started = time.monotonic()
    response = Client(raise_request_exception=False).get("/slow/")
    assert time.monotonic() - started < 4
    assert_try_again_page(response)


@on_postgresql
def test_connections_carry_the_configured_statement_timeout(settings):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{settings.DATABASE_STATEMENT_TIMEOUT}s"
    with pytest.raises(OperationalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(1)")


def begin_request():
    """What Django does when a request starts: a kept connection is checked again before
    its first use in the request (CONN_HEALTH_CHECKS)."""
    connection.close_if_unusable_or_obsolete()


@on_postgresql
def test_a_connection_that_died_while_idle_is_replaced_on_the_next_page():
    TrialFactory(slug="esmart")
    visitor = Client(raise_request_exception=False)
    assert visitor.get("/en/trials/esmart/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    # The database ends the kept connection while it is idle, as a restart would.
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])

    begin_request()
    response = visitor.get("/en/trials/esmart/")

    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_cached_page_checks_its_kept_connection_with_its_one_read(monkeypatch):
    TrialFactory(slug="esmart")
    visitor = Client()
    assert visitor.get("/en/trials/esmart/").status_code == 200  # now in the page cache
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)

    begin_request()
    with CaptureQueriesContext(connection) as queries:
        response = visitor.get("/en/trials/esmart/")

    assert response.status_code == 200
    assert len(queries) == 1  # the version of public content
    assert checks == []  # and no separate health check (SELECT 1) before it
