"""The registry watch in the admin: pending changes on the trial's form (accept, dismiss),
the index panel, the trial list's filter and the condition mapping."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests import factories
from trials.models import (
    ChangeRequest,
    ConditionMapping,
    PendingRegistryChange,
    Publication,
    RegistryChangeState,
    Status,
    Trial,
)
from trials.registries.importer import import_study

AML = Path(__file__).resolve().parent.parent / "trials" / "demo" / "ctgov" / "NCT05183035.json"


def change_url(trial) -> str:
    return f"/admin/trials/trial/{trial.pk}/change/"


def decide_url(trial) -> str:
    return f"/admin/trials/trial/{trial.pk}/registry-changes/"


def record(status: str) -> dict:
    data = json.loads(AML.read_text())
    data["protocolSection"]["statusModule"]["overallStatus"] = status
    return data


@pytest.fixture
def drifted(db):
    """A published trial, imported while recruiting; the registry now says completed."""
    trial = import_study(data=record("RECRUITING"), source="first").trial
    Trial.objects.filter(pk=trial.pk).update(publication=Publication.PUBLISHED)
    import_study(data=record("COMPLETED"), source="again")
    return Trial.objects.get(pk=trial.pk)


def test_the_change_form_lists_pending_changes_and_the_registry_record(drifted, staff_client):
    page = staff_client.get(change_url(drifted)).text

    assert "Out of step with the registry" in page
    assert "Recruiting" in page and "<strong>Completed</strong>" in page
    [change] = drifted.registry_changes.pending()
    assert f'name="registry_accept" value="{change.pk}"' in page
    assert f'name="registry_dismiss" value="{change.pk}"' in page
    # The registry's texts are there for staff, with the import's findings.
    assert "ClinicalTrials.gov record NCT05183035" in page
    assert "Inclusion Criteria" in page
    assert "The registry last updated it on August 24, 2026." in page


def test_a_publisher_accepts_and_the_public_page_follows(drifted, publisher_client, client):
    [change] = drifted.registry_changes.pending()
    assert "Open for inclusion" in client.get(drifted.get_absolute_url()).text

    response = publisher_client.post(decide_url(drifted), {"registry_accept": change.pk})

    assert response.status_code == 302
    assert response["Location"] == change_url(drifted)
    drifted.refresh_from_db()
    assert drifted.status == Status.COMPLETED
    page = client.get(drifted.get_absolute_url()).text
    assert "The trial has finished." in page
    messages = [str(m) for m in publisher_client.get(change_url(drifted)).context["messages"]]
    assert messages == ["Accepted the registry's status (Recruiting → Completed)."]


def test_an_editors_accept_waits_and_never_publishes(drifted, editor_client, client):
    [change] = drifted.registry_changes.pending()

    editor_client.post(decide_url(drifted), {"registry_accept": change.pk})

    drifted.refresh_from_db()
    assert drifted.status == Status.RECRUITING
    assert ChangeRequest.objects.waiting().get(trial=drifted).submitted_by == editor_client.user
    assert "Open for inclusion" in client.get(drifted.get_absolute_url()).text
    messages = [str(m) for m in editor_client.get(change_url(drifted)).context["messages"]]
    assert "waits for a publisher's approval" in messages[0]


def test_dismissing_keeps_the_page(drifted, editor_client):
    [change] = drifted.registry_changes.pending()

    editor_client.post(decide_url(drifted), {"registry_dismiss": change.pk})

    change.refresh_from_db()
    assert change.state == RegistryChangeState.DISMISSED
    assert change.decided_by == editor_client.user
    drifted.refresh_from_db()
    assert drifted.status == Status.RECRUITING
    assert "Out of step with the registry" not in editor_client.get(change_url(drifted)).text


def test_a_change_of_another_trial_or_none_is_refused_with_a_message(drifted, staff_client):
    other = factories.PendingRegistryChangeFactory()

    response = staff_client.post(decide_url(drifted), {"registry_accept": other.pk}, follow=True)

    assert "There is no such registry change." in response.text
    other.refresh_from_db()
    assert other.state == RegistryChangeState.PENDING
    response = staff_client.post(decide_url(drifted), {"registry_accept": "x"}, follow=True)
    assert "There is no such registry change." in response.text


def test_deciding_needs_the_change_permission_and_a_post(drifted, db, django_user_model):
    [change] = drifted.registry_changes.pending()
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_trial"))
    client = Client()
    client.force_login(viewer)

    assert client.post(decide_url(drifted), {"registry_accept": change.pk}).status_code == 403
    assert Client().post(decide_url(drifted), {"registry_accept": change.pk}).status_code == 302
    staff = django_user_model.objects.create_superuser("boss", "b@example.org", "pw")
    client.force_login(staff)
    assert client.get(decide_url(drifted)).status_code == 405
    change.refresh_from_db()
    assert change.state == RegistryChangeState.PENDING


def test_the_change_form_runs_as_many_queries_whatever_the_number_of_changes(drifted, staff_client):
    def queries_for_form() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            staff_client.get(change_url(drifted))
        return len(captured)

    one = queries_for_form()
    for n in range(4):
        drifted.arms.create(name=f"Extra {n}")
        factories.PendingRegistryChangeFactory(
            trial=drifted, kind="arm_removed", key=f"Extra {n}", value=None
        )

    assert drifted.registry_changes.pending().count() == 5
    assert queries_for_form() == one


# The admin index and the trial list


def test_the_index_lists_trials_out_of_step_closed_ones_first(db, staff_client):
    factories.PendingRegistryChangeFactory(
        trial__short_name="ALPHA", trial__status=Status.ACTIVE_NOT_RECRUITING
    )
    factories.PendingRegistryChangeFactory(trial__short_name="OMEGA")
    factories.TrialFactory(short_name="IN-STEP")

    panel = staff_client.get("/admin/").context["registry_panel"]["trials"]

    assert [trial.short_name for trial in panel] == ["OMEGA", "ALPHA"]
    page = staff_client.get("/admin/").text
    assert "Open for inclusion here, no longer recruiting in the registry" in page


@pytest.mark.parametrize("trial_count", [1, 8])
def test_the_index_runs_a_fixed_number_of_queries(
    db, staff_client, django_assert_num_queries, trial_count
):
    for _ in range(trial_count):
        change = factories.PendingRegistryChangeFactory()
        factories.PendingRegistryChangeFactory(trial=change.trial, key="phase", value="phase_3")

    # Session, user, the changes-awaiting-approval panel, the review panel's two lists,
    # the registry panel's trials and their pending changes, and what Django's own index
    # and the admin's base template read (the two-factor device check included).
    with django_assert_num_queries(INDEX_QUERIES):
        response = staff_client.get("/admin/")

    assert len(response.context["registry_panel"]["trials"]) == trial_count


INDEX_QUERIES = 8


def test_the_trial_list_filters_trials_out_of_step(db, staff_client):
    factories.PendingRegistryChangeFactory(trial__short_name="OMEGA")
    factories.PendingRegistryChangeFactory(
        trial__short_name="ALPHA", trial__status=Status.ACTIVE_NOT_RECRUITING
    )
    factories.TrialFactory(short_name="IN-STEP")
    dismissed = factories.PendingRegistryChangeFactory(trial__short_name="DISMISSED")
    PendingRegistryChange.objects.filter(pk=dismissed.pk).update(
        state=RegistryChangeState.DISMISSED
    )

    def listed(query):
        response = staff_client.get("/admin/trials/trial/" + query)
        return sorted(trial.short_name for trial in response.context["cl"].result_list)

    assert listed("?registry=out_of_step") == ["ALPHA", "OMEGA"]
    assert listed("?registry=closed_in_registry") == ["OMEGA"]


def test_staff_keep_the_condition_mapping(db, editor_client, neuroblastoma):
    response = editor_client.post(
        "/admin/trials/conditionmapping/add/",
        {"term": "Neuroblastoma", "cancer_type": neuroblastoma.pk},
    )

    assert response.status_code == 302
    found, unmapped = ConditionMapping.objects.cancer_types_for(["Relapsed Neuroblastoma"])
    assert (found, unmapped) == ([neuroblastoma], [])
