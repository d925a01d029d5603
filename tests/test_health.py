"""/healthz and /readyz: what a load balancer and an orchestrator ask."""

import logging

import pytest
from django.db.migrations.recorder import MigrationRecorder

from trialportal import health


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_cache_and_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }


@pytest.mark.django_db
def test_readyz_is_503_naming_what_fails_but_not_why(client, monkeypatch, caplog):
    def database_down():
        raise OSError("could not connect to db.internal.example:5432 as trialportal")

    monkeypatch.setitem(health.READINESS_CHECKS, "database", database_down)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "failing",
        "cache": "ok",
        "migrations": "ok",
    }
    assert "db.internal" not in response.text, "hosts stay in the log, not the public answer"
    assert "db.internal" in caplog.text


@pytest.mark.django_db
def test_readyz_is_503_while_a_migration_is_missing(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    MigrationRecorder.Migration.objects.filter(app="trials").order_by("-id").first().delete()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "failing"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.django_db
def test_probes_are_never_cached_and_answer_any_host_over_plain_http(
    client, settings, path, caplog
):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["trials.example.org"]

    with caplog.at_level(logging.INFO, logger="trialportal.access"):
        response = client.get(path, HTTP_HOST="10.0.0.12:8000")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not [r for r in caplog.records if r.name == "trialportal.access"], "no log noise"
