"""Every text a trial page holds has a sensible maximum: the form says so, and keeps
what was typed, instead of storing a megabyte."""

import pytest
from django.apps import apps
from django.db import models

from .admin_forms import change_form_data, change_url
from .factories import TrialFactory

pytestmark = pytest.mark.django_db


def test_no_text_field_of_the_app_is_unbounded():
    unbounded = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("trials").get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and not field.max_length
    ]
    assert unbounded == [], "give these fields a max_length"


def test_a_megabyte_official_title_is_refused_and_the_form_kept(staff_client):
    trial = TrialFactory(official_title="The real title.")
    data, _ = change_form_data(staff_client, trial)

    response = staff_client.post(
        change_url(trial),
        {**data, "official_title": "x" * 1_000_000, "status_note_en": "Typed as well."},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["official_title"] == [
        "Ensure this value has at most 600 characters (it has 1000000)."
    ]
    assert 'value="Typed as well."' in response.text
    trial.refresh_from_db()
    assert trial.official_title == "The real title."


def test_rich_text_has_a_limit_too(staff_client):
    trial = TrialFactory()
    data, _ = change_form_data(staff_client, trial)
    response = staff_client.post(
        change_url(trial), {**data, "eligibility_en": "<p>" + "word " * 8000 + "</p>"}
    )
    assert "at most 30000 characters" in str(response.context["adminform"].form.errors)


def test_the_browser_is_told_the_limit(staff_client):
    trial = TrialFactory()
    response = staff_client.get(change_url(trial))
    assert 'maxlength="600"' in response.text  # official title
    assert 'maxlength="5000"' in response.text  # summary
