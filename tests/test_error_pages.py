"""Error pages in the site's look, saying what happened and what to do, never Django's
bare pages; oversized forms say that nothing was saved and Back keeps the typing."""

import pytest
from django.test import Client
from django.urls import include, path

from trials.models import Publication

from .admin_forms import change_form_data
from .factories import TrialFactory

pytestmark = pytest.mark.django_db


def boom(request):
    raise ValueError("a bug")


urlpatterns = [
    path("boom/", boom),
    path("", include("trials.urls")),
]
handler400 = "trialportal.errors.bad_request"
handler403 = "trialportal.errors.permission_denied"
handler500 = "trialportal.errors.server_error"


def in_site_look(response) -> bool:
    return 'class="site-header"' in response.text and "Skip to main content" in response.text


def test_a_request_for_an_unknown_host_gets_the_400_page(client):
    response = client.get("/en/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert in_site_look(response)
    assert "We could not read that request" in response.text


def test_a_refused_action_gets_the_403_page(editor_client):
    trial = TrialFactory(publication=Publication.DRAFT)
    data, _ = change_form_data(editor_client, trial)
    response = editor_client.post(
        f"/admin/trials/trial/{trial.pk}/change/", {**data, "_publish": "1"}
    )
    assert response.status_code == 403
    assert in_site_look(response)
    assert "You cannot open this page" in response.text


def test_a_form_without_its_csrf_token_gets_a_page_saying_what_to_do():
    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    assert in_site_look(response)
    assert "Your form could not be sent" in response.text
    assert "Back button" in response.text


def test_a_bug_gets_the_500_page_in_the_site_look(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert in_site_look(response)
    assert "Something went wrong on our side" in response.text


def test_an_oversized_admin_form_says_nothing_was_saved_and_back_keeps_it(editor_client, settings):
    trial = TrialFactory(short_name="KEPT")
    data, _ = change_form_data(editor_client, trial)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000  # the real limit is 2.5 MB; same path

    response = editor_client.post(
        f"/admin/trials/trial/{trial.pk}/change/",
        {**data, "short_name": "CHANGED", "background_en": "x" * 60_000},
    )

    assert response.status_code == 413
    assert in_site_look(response)
    assert "Nothing was saved." in response.text
    assert "Back button" in response.text
    trial.refresh_from_db()
    assert trial.short_name == "KEPT"


def test_a_form_with_too_many_fields_gets_the_same_kind_of_page(editor_client, settings):
    trial = TrialFactory()
    data, _ = change_form_data(editor_client, trial)
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    response = editor_client.post(f"/admin/trials/trial/{trial.pk}/change/", data)

    assert response.status_code == 400
    assert "more parts than this site accepts" in response.text
    assert "Nothing was saved." in response.text
