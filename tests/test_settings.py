"""The settings fail closed: production refuses to start half-configured, and local
development runs only from the .env that `make run` writes.

Each test loads the settings in a fresh interpreter with a controlled environment (no
inherited DATABASE_URL, no checkout .env), as a server or a newcomer's shell would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
KEY = "a-test-secret-key-" + "k" * 50

REPORT = """
import json
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "secret_key": settings.SECRET_KEY,
    "engine": database["ENGINE"],
    "database": str(database["NAME"]),
    "require_2fa": settings.TRIALPORTAL_REQUIRE_2FA,
    "csp_enforced": bool(getattr(settings, "SECURE_CSP", None)),
    "log_format": settings.LOG_FORMAT,
    "cache": settings.CACHES["default"]["BACKEND"],
}))
"""


def load_settings(tmp_path, env_file: str | None = None, **environment):
    env_path = tmp_path / ".env"
    if env_file is not None:
        env_path.write_text(env_file)
    return subprocess.run(
        [sys.executable, "-c", REPORT],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "trialportal.settings",
            "TRIALPORTAL_ENV_FILE": str(env_path),
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def refused(result) -> str:
    assert result.returncode != 0, "the settings loaded"
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_with_nothing_set_the_site_refuses_to_start(tmp_path):
    message = refused(load_settings(tmp_path))
    assert "DJANGO_SECRET_KEY is not set" in message
    assert "make run" in message


def test_debug_alone_does_not_bring_back_a_known_key(tmp_path):
    assert "DJANGO_SECRET_KEY is not set" in refused(load_settings(tmp_path, DJANGO_DEBUG="1"))


@pytest.mark.parametrize(
    ("missing", "environment"),
    [
        ("DATABASE_URL", {"DJANGO_ALLOWED_HOSTS": "trials.example.org"}),
        ("DJANGO_ALLOWED_HOSTS", {"DATABASE_URL": "postgres://app@db.example.org/trials"}),
    ],
)
def test_production_refuses_to_start_half_configured(tmp_path, missing, environment):
    result = load_settings(tmp_path, DJANGO_DEBUG="0", DJANGO_SECRET_KEY=KEY, **environment)
    assert f"{missing} is not set" in refused(result)


def test_production_never_falls_back_to_sqlite(tmp_path):
    # The old behaviour: DEBUG off and no DATABASE_URL silently used db.sqlite3.
    result = load_settings(
        tmp_path, DJANGO_SECRET_KEY=KEY, DJANGO_ALLOWED_HOSTS="trials.example.org"
    )
    assert "DATABASE_URL is not set" in refused(result)


# What production sets, at the least.
PRODUCTION = {
    "DJANGO_SECRET_KEY": KEY,
    "DJANGO_ALLOWED_HOSTS": "trials.example.org",
    "DATABASE_URL": "postgres://app@db.example.org:5432/trials",
}


def test_production_fully_configured_is_strict(tmp_path):
    settings = loaded(load_settings(tmp_path, **PRODUCTION))
    assert settings["debug"] is False
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["require_2fa"] is True
    assert settings["csp_enforced"] is True
    assert settings["log_format"] == "json"
    assert settings["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_with_redis_url_the_cache_is_redis_keeping_one_client(tmp_path):
    settings = loaded(
        load_settings(tmp_path, **PRODUCTION, REDIS_URL="redis://cache.example.org:6379/0")
    )
    assert settings["cache"] == "trialportal.cache.RedisCache"


def test_the_development_env_file_is_read(tmp_path):
    settings = loaded(
        load_settings(
            tmp_path, env_file=f"# made by make\nDJANGO_DEBUG=1\nDJANGO_SECRET_KEY={KEY}\n"
        )
    )
    assert settings["debug"] is True
    assert settings["secret_key"] == KEY
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["require_2fa"] is False  # a createsuperuser account opens the admin


def test_real_environment_variables_win_over_the_env_file(tmp_path):
    result = load_settings(
        tmp_path,
        env_file=f"DJANGO_DEBUG=1\nDJANGO_SECRET_KEY={KEY}\n",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="trials.example.org",
        DATABASE_URL="postgres://app@db.example.org:5432/trials",
    )
    assert loaded(result)["debug"] is False


def test_make_env_writes_a_new_key_once_and_manage_py_then_works(tmp_path):
    make = ["make", "--no-print-directory", "-f", str(BASE_DIR / "Makefile")]
    make += [f"PYTHON={sys.executable}", f"BIN={Path(sys.executable).parent}", ".env"]
    subprocess.run(make, cwd=tmp_path, check=True, capture_output=True, timeout=60)
    written = (tmp_path / ".env").read_text()
    subprocess.run(make, cwd=tmp_path, check=True, capture_output=True, timeout=60)
    assert (tmp_path / ".env").read_text() == written, "make must never replace the key"

    settings = loaded(load_settings(tmp_path))  # reads tmp_path/.env, nothing exported
    assert settings["debug"] is True
    assert len(settings["secret_key"]) >= 50
    assert settings["secret_key"] in written

    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(make, cwd=other, check=True, capture_output=True, timeout=60)
    assert (other / ".env").read_text() != written, "each checkout gets its own key"
