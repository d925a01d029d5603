"""The admin's "Import from ClinicalTrials.gov" page: upload or fetch, preview, confirm."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from trials.models import PendingRegistryChange, Publication, RegistryRecord, Trial
from trials.registries import ctgov
from trials.registries.importer import import_study

URL = "/admin/trials/trial/import-ctgov/"
RECORDS = Path(__file__).resolve().parent.parent / "trials" / "demo" / "ctgov"
AML = RECORDS / "NCT05183035.json"
ESMART = RECORDS / "NCT02813135.json"


def upload(path=AML, *, name=None, content=None) -> SimpleUploadedFile:
    data = content if content is not None else Path(path).read_bytes()
    return SimpleUploadedFile(name or Path(path).name, data, content_type="application/json")


def preview(client, **data):
    return client.post(URL, data)


def confirm(client, response):
    return client.post(URL, {"confirm": "1", "token": response.context["token"]})


@pytest.fixture
def registry(monkeypatch, settings):
    settings.TRIALPORTAL_REGISTRY_FETCH = True
    asked = []

    def transport(url, *, timeout):
        asked.append(url)
        if url.endswith("NCT05183035"):
            return AML.read_bytes()
        raise OSError("HTTP Error 404: Not Found")

    monkeypatch.setattr(ctgov, "transport", transport)
    return asked


def test_the_trial_list_links_to_the_import_page(editor_client):
    assert f'href="{URL}"' in editor_client.get("/admin/trials/trial/").text


def test_uploads_are_previewed_then_imported_as_drafts_linked_from_the_result(editor_client):
    response = preview(editor_client, files=[upload(AML), upload(ESMART)])

    assert response.status_code == 200
    assert "What the import would do" in response.text
    assert response.text.count("would be created as a draft") == 2
    assert "2 records: 2 created, 0 updated, 0 unchanged, 0 refused." in response.text
    assert not Trial.objects.exists()  # a preview writes nothing

    done = confirm(editor_client, response)

    assert done.status_code == 200
    trials = list(Trial.objects.order_by("short_name"))
    assert [t.short_name for t in trials] == [
        "ESMART",
        "Venetoclax in Children With Relapsed Acute Myeloid Leukemia…",
    ]
    assert {t.publication for t in trials} == {Publication.DRAFT}
    for trial in trials:
        assert f'href="/admin/trials/trial/{trial.pk}/change/"' in done.text
        assert trial.registry_record.received_how == "upload"
    # The preview cannot be imported twice.
    again = confirm(editor_client, response)
    assert again.status_code == 302
    assert Trial.objects.count() == 2


def test_a_file_that_is_not_a_record_is_refused_in_the_preview(editor_client):
    xml = b'<?xml version="1.0"?><clinical_study></clinical_study>'

    response = preview(editor_client, files=[upload(name="old.xml", content=xml)])

    assert "classic XML format" in response.text
    assert "old.xml" in response.text
    assert 'name="confirm"' not in response.text  # nothing to import


def test_a_reupload_previews_the_registry_changes_and_records_them(editor_client):
    import_study(data=json.loads(AML.read_text()), source="first")
    data = json.loads(AML.read_text())
    data["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"

    response = preview(editor_client, files=[upload(content=json.dumps(data).encode())])

    assert "status (Unknown status → Completed)" in response.text
    assert not PendingRegistryChange.objects.exists()
    confirm(editor_client, response)
    assert PendingRegistryChange.objects.get().describe() == "status (Unknown status → Completed)"
    assert Trial.objects.get().status == "unknown"


def test_an_empty_submission_says_what_is_missing(editor_client):
    response = preview(editor_client)

    assert "Choose at least one file." in response.text


def test_nct_numbers_are_fetched_when_the_site_may_reach_the_registry(editor_client, registry):
    page = editor_client.get(URL).text
    assert 'name="nct_ids"' in page

    response = preview(editor_client, nct_ids="nct05183035, NCT09999999 NCT05183035")

    assert registry == [
        "https://clinicaltrials.gov/api/v2/studies/NCT05183035",
        "https://clinicaltrials.gov/api/v2/studies/NCT09999999",
    ]
    assert "would be created as a draft" in response.text
    assert "404" in response.text
    confirm(editor_client, response)
    assert RegistryRecord.objects.get().received_how == "fetch"
    assert len(registry) == 2  # the confirmed import uses what the preview fetched


def test_nct_numbers_that_are_not_are_named(editor_client, registry):
    response = preview(editor_client, nct_ids="NCT123, 02813135")

    assert "Not NCT numbers (NCT and 8 digits): NCT123, 02813135" in response.text
    assert registry == []


def test_without_registry_access_there_is_no_nct_field_and_none_is_fetched(
    editor_client, settings, monkeypatch
):
    settings.TRIALPORTAL_REGISTRY_FETCH = False
    monkeypatch.setattr(ctgov, "transport", lambda url, *, timeout: pytest.fail("fetched"))

    assert 'name="nct_ids"' not in editor_client.get(URL).text
    response = preview(editor_client, nct_ids="NCT05183035")

    assert "Choose at least one file." in response.text


# Permissions: only staff who may add trials, on every step


@pytest.fixture
def viewer_client(db, django_user_model):
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_trial"),
        Permission.objects.get(codename="change_trial"),
    )
    client = Client()
    client.force_login(user)
    return client


def test_staff_without_the_add_permission_cannot_open_preview_or_confirm(
    viewer_client, editor_client
):
    assert viewer_client.get(URL).status_code == 403
    assert preview(viewer_client, files=[upload()]).status_code == 403
    assert f'href="{URL}"' not in viewer_client.get("/admin/trials/trial/").text

    # A crafted confirmation, with a preview token an editor was given.
    token = preview(editor_client, files=[upload()]).context["token"]
    session = viewer_client.session
    session["ctgov_import"] = editor_client.session["ctgov_import"]
    session.save()
    response = viewer_client.post(URL, {"confirm": "1", "token": token})

    assert response.status_code == 403
    assert not Trial.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(db):
    response = Client().post(URL, {"confirm": "1", "token": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not Trial.objects.exists()
