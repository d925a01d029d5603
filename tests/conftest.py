import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A fast hasher: creating staff users should not dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render templates without collectstatic; hashed names come from production only.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
