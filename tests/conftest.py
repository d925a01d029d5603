import pytest
from django.test import Client

from tests import factories


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a database file (one per xdist worker), not shared memory: with
    the settings' WAL and IMMEDIATE transactions, as production SQLite runs, and with
    real locking between threads (tests/test_concurrent_saves.py)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A fast hasher: creating staff users should not dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render templates without collectstatic; hashed names come from production only.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The policy production enforces, enforced here too (development only reports).
    settings.SECURE_CSP = settings.CONTENT_SECURITY_POLICY
    settings.SECURE_CSP_REPORT_ONLY = {}
    # Two-factor sign-in is off unless a test turns it on (tests/test_two_factor.py).
    settings.TRIALPORTAL_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _language_of_the_code():
    """Each test starts (and ends) in English, the code's language: a request to a Dutch
    page activates Dutch for the rest of its thread, which must not change another
    test's reverse()."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (pages, rate limits): a page kept by an earlier
    test, whose database was rolled back, must not answer in this one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def solid_tumors(db):
    return factories.CancerTypeFactory(name="Solid tumors", slug="solid-tumors")


@pytest.fixture
def neuroblastoma(solid_tumors):
    return factories.CancerTypeFactory(name="Neuroblastoma", parent=solid_tumors)


@pytest.fixture
def hematologic(db):
    return factories.CancerTypeFactory(
        name="Hematologic malignancies", slug="hematologic-malignancies"
    )


@pytest.fixture
def leukemia(hematologic):
    return factories.CancerTypeFactory(name="Acute myeloid leukemia", parent=hematologic)


@pytest.fixture
def staff_client(db, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw-for-tests")
    client = Client()
    client.force_login(user)
    return client


def _client_in_group(django_user_model, username, group_name):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", "pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def editor_client(db, django_user_model):
    """A research nurse: edits trials, cannot publish (the Editor group)."""
    return _client_in_group(django_user_model, "editor", "Editor")


@pytest.fixture
def second_editor_client(db, django_user_model):
    return _client_in_group(django_user_model, "colleague", "Editor")


@pytest.fixture
def publisher_client(db, django_user_model):
    """The trial office: edits, publishes and withdraws (the Publisher group)."""
    return _client_in_group(django_user_model, "publisher", "Publisher")
