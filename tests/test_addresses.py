"""Stable addresses: a published page's old address keeps leading to it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from trials.models import CancerType, Publication, TrialAddress

from .admin_forms import ADD_URL, add_form_data, change_url, decide, save_through_admin
from .factories import CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db


def rename(trial, slug):
    trial.slug = slug
    trial.save()


@pytest.fixture
def renamed(publisher_client):
    """Published as /trials/first/, then renamed twice through the admin."""
    trial = TrialFactory(slug="first", short_name="RENAMED", published_at="2025-01-01T00:00Z")
    save_through_admin(publisher_client, trial, slug="second")
    save_through_admin(publisher_client, trial, slug="third")
    return trial


@pytest.mark.parametrize("old", ["first", "second"])
def test_old_addresses_lead_to_the_current_one_for_good(client, renamed, old):
    response = client.get(f"/en/trials/{old}/")

    assert response.status_code == 301
    assert response["Location"] == "/en/trials/third/"  # directly, not through "second"
    assert client.get("/en/trials/third/").status_code == 200


def test_the_admin_shows_the_old_addresses(publisher_client, renamed):
    page = publisher_client.get(change_url(renamed)).text

    assert '<a href="/trials/first/">/trials/first/</a>' in page
    assert '<a href="/trials/second/">/trials/second/</a>' in page


def test_an_address_that_redirects_cannot_be_taken_by_another_trial(staff_client, renamed):
    response = staff_client.post(ADD_URL, add_form_data(staff_client, slug="first"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "“first” was the address of “RENAMED (example)” and still leads there, so it cannot "
        "be used again. Choose another."
    ]
    other = TrialFactory(slug="other")
    other.slug = "second"
    with pytest.raises(ValidationError):
        other.full_clean()
    # The database refuses it too, whatever saves it.
    with pytest.raises(IntegrityError), transaction.atomic():
        rename(other, "second")


def test_a_trial_may_go_back_to_an_address_of_its_own(client, renamed):
    rename(renamed, "first")

    assert client.get("/en/trials/first/").status_code == 200
    assert client.get("/en/trials/third/")["Location"] == "/en/trials/first/"


def test_a_draft_that_was_never_public_leaves_no_old_address(client):
    draft = TrialFactory(slug="working-title", publication=Publication.DRAFT)
    rename(draft, "final-title")

    assert not TrialAddress.objects.filter(slug="working-title").exists()
    TrialFactory(slug="working-title")  # free for another trial


def test_a_withdrawn_trial_keeps_its_old_addresses_but_they_lead_nowhere_public(client, renamed):
    renamed.publication = Publication.WITHDRAWN
    renamed.save()

    assert client.get("/en/trials/first/").status_code == 404
    with pytest.raises(ValidationError):
        TrialFactory.build(slug="first").full_clean()


def test_a_new_address_waiting_for_approval_changes_nothing_until_approved(
    editor_client, publisher_client, client, renamed
):
    save_through_admin(editor_client, renamed, slug="fourth")
    assert client.get("/en/trials/third/").status_code == 200
    assert client.get("/en/trials/fourth/").status_code == 404

    decide(publisher_client, renamed, "_approve")

    assert client.get("/en/trials/third/")["Location"] == "/en/trials/fourth/"
    assert client.get("/en/trials/fourth/").status_code == 200


def test_the_preview_follows_old_addresses_too(editor_client, renamed):
    response = editor_client.get("/en/trials/first/preview/")

    assert response.status_code == 302
    assert response["Location"] == "/en/trials/third/preview/"


# Cancer types --------------------------------------------------------------------


def test_a_renamed_cancer_types_old_address_leads_to_the_new_one(staff_client, client):
    neuroblastoma = CancerTypeFactory(name="Neuroblastoma", slug="nb")
    response = staff_client.post(
        f"/admin/trials/cancertype/{neuroblastoma.pk}/change/",
        {"name_en": "Neuroblastoma", "slug": "neuroblastoma", "parent": "", "description_en": ""},
    )
    assert response.status_code == 302

    response = client.get("/en/cancer-types/nb/")

    assert response.status_code == 301
    assert response["Location"] == "/en/cancer-types/neuroblastoma/"
    page = staff_client.get(f"/admin/trials/cancertype/{neuroblastoma.pk}/change/").text
    assert '<a href="/cancer-types/nb/">/cancer-types/nb/</a>' in page
    response = staff_client.post(
        "/admin/trials/cancertype/add/",
        {"name_en": "Nephroblastoma", "slug": "nb", "parent": "", "description_en": ""},
    )
    assert "slug" in response.context["adminform"].form.errors
    assert CancerType.objects.count() == 1
