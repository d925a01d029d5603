"""The registry watch: re-imports and sync_registries record differences; staff accept or
dismiss each; nothing public changes by itself."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from reversion.models import Version

from tests import factories
from trials.models import (
    ArmStatus,
    ChangeRequest,
    PendingRegistryChange,
    Publication,
    Registry,
    RegistryChangeState,
    Status,
    Trial,
)
from trials.registries import ctgov
from trials.registries.importer import import_study
from trials.registries.sync import ChangeDecided, accept_change, dismiss_change

AML = Path(__file__).resolve().parent.parent / "trials" / "demo" / "ctgov" / "NCT05183035.json"
NEW_ARM = {
    "label": "Arm M: venetoclax alone",
    "type": "EXPERIMENTAL",
    "description": "Venetoclax by mouth.",
    "interventionNames": ["Drug: Venetoclax"],
}


def record(status="ACTIVE_NOT_RECRUITING", *, arms=()) -> dict:
    data = json.loads(AML.read_text())
    data["protocolSection"]["statusModule"]["overallStatus"] = status
    data["protocolSection"]["armsInterventionsModule"]["armGroups"] += copy.deepcopy(list(arms))
    return data


def imported(status="ACTIVE_NOT_RECRUITING", **kwargs) -> Trial:
    outcome = import_study(data=record(status, **kwargs), source="test")
    assert outcome.trial is not None, outcome.line()
    return Trial.objects.get(pk=outcome.trial.pk)


@pytest.fixture
def live_trial(db, django_user_model):
    """The AML trial as imported, then published by the trial office."""
    trial = imported()
    trial.publish(user=django_user_model.objects.create_user("office"))
    return trial


def pending(trial) -> list[str]:
    return [change.describe() for change in trial.registry_changes.pending()]


def test_a_changed_status_and_an_added_arm_become_pending_changes(live_trial, client):
    outcome = import_study(data=record("COMPLETED", arms=[NEW_ARM]), source="again")

    assert outcome.action == "updated"
    assert outcome.changes == [
        "status (Active, not recruiting → Completed)",
        "arm “Arm M: venetoclax alone” added",
    ]
    assert pending(live_trial) == outcome.changes
    change = live_trial.registry_changes.get(key="status")
    assert change.registry_updated.isoformat() == "2026-08-24"
    live_trial.refresh_from_db()
    assert live_trial.status == Status.ACTIVE_NOT_RECRUITING
    page = client.get(live_trial.get_absolute_url()).text
    assert "Closed for inclusion" in page
    assert "Completed" not in page
    assert "Arm M" not in page


def test_accepting_writes_the_value_live_and_records_it_in_the_history(
    live_trial, client, publisher_client
):
    import_study(data=record("COMPLETED", arms=[NEW_ARM]), source="again")
    versions_before = Version.objects.get_for_object(live_trial).count()

    for change in live_trial.registry_changes.pending():
        assert accept_change(change=change, user=publisher_client.user) is False

    live_trial.refresh_from_db()
    assert live_trial.status == Status.COMPLETED
    arm = live_trial.arms.get(name="Arm M: venetoclax alone")
    assert (arm.intervention, arm.status) == ("Venetoclax", ArmStatus.CLOSED)
    assert live_trial.publication == Publication.PUBLISHED
    assert pending(live_trial) == []
    versions = Version.objects.get_for_object(live_trial)
    assert versions.count() == versions_before + 2
    assert versions.first().revision.comment.startswith("Accepted the registry's arm")
    assert versions.first().revision.user == publisher_client.user
    page = client.get(live_trial.get_absolute_url()).text
    assert "Completed" in page and "Arm M" in page


def test_an_editors_accept_on_a_published_trial_waits_for_a_publisher(
    live_trial, editor_client, client
):
    import_study(data=record("COMPLETED"), source="again")
    [change] = live_trial.registry_changes.pending()

    waits = accept_change(change=change, user=editor_client.user)

    assert waits is True
    live_trial.refresh_from_db()
    assert live_trial.status == Status.ACTIVE_NOT_RECRUITING
    assert live_trial.publication == Publication.PUBLISHED
    waiting = ChangeRequest.objects.waiting().get(trial=live_trial)
    assert waiting.submitted_by == editor_client.user
    assert "Closed for inclusion" in client.get(live_trial.get_absolute_url()).text


def test_accepting_on_a_draft_writes_it_at_once_without_publishing(db, editor_client):
    trial = imported()
    import_study(data=record("RECRUITING"), source="again")
    [change] = trial.registry_changes.pending()

    assert accept_change(change=change, user=editor_client.user) is False

    trial.refresh_from_db()
    assert (trial.status, trial.publication) == (Status.RECRUITING, Publication.DRAFT)


def test_a_change_is_decided_once(live_trial, publisher_client):
    import_study(data=record("COMPLETED"), source="again")
    [change] = live_trial.registry_changes.pending()
    dismiss_change(change=change, user=publisher_client.user)

    with pytest.raises(ChangeDecided):
        accept_change(change=change, user=publisher_client.user)
    live_trial.refresh_from_db()
    assert live_trial.status == Status.ACTIVE_NOT_RECRUITING


def test_a_dismissed_difference_is_not_raised_again_until_the_registry_moves(
    live_trial, editor_client
):
    import_study(data=record("COMPLETED"), source="again")
    [change] = live_trial.registry_changes.pending()
    dismiss_change(change=change, user=editor_client.user)

    again = import_study(data=record("COMPLETED"), source="same again")
    assert again.action == "unchanged"
    assert pending(live_trial) == []

    data = record("TERMINATED")
    moved = import_study(data=data, source="moved")
    assert moved.changes == ["status (Active, not recruiting → Terminated)"]


def test_a_later_registry_value_updates_the_pending_change_keeping_since(live_trial):
    import_study(data=record("COMPLETED"), source="again")
    first = live_trial.registry_changes.get()

    import_study(data=record("TERMINATED"), source="later")

    change = live_trial.registry_changes.get()
    assert change.pk == first.pk and change.since == first.since
    assert change.describe() == "status (Active, not recruiting → Terminated)"


def test_a_difference_that_staff_fix_by_hand_is_settled(live_trial):
    import_study(data=record("COMPLETED"), source="again")
    Trial.objects.filter(pk=live_trial.pk).update(status=Status.COMPLETED)

    data = record("COMPLETED")
    data["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "2022-10-02"
    import_study(data=data, source="later")

    assert pending(live_trial) == ["start date (October 1, 2022 → October 2, 2022)"]
    assert PendingRegistryChange.objects.filter(state=RegistryChangeState.SETTLED).count() == 1


def test_a_trial_typed_by_hand_is_compared_field_by_field_at_its_first_import(db):
    trial = factories.TrialFactory(status=Status.RECRUITING, max_age_months=252)
    trial.registry_numbers.create(registry=Registry.NCT, value="NCT05183035")
    factories.ArmFactory(trial=trial, name="Our own arm")

    outcome = import_study(data=record("RECRUITING"), source="first")

    assert outcome.action == "updated"
    described = pending(trial)
    assert "status" not in " ".join(described)  # the same on both
    assert any(d.startswith("official title (Official title of") for d in described)
    assert any(d.startswith("phase (Phase 1/2 → Phase 3)") for d in described)
    assert "EudraCT number 2021-003212-11 added" in described
    assert not any("Our own arm" in d for d in described)  # never "removed" at a first look
    trial.refresh_from_db()
    assert trial.registry_record.identifier == "NCT05183035"


def test_a_removed_arm_is_a_pending_change(live_trial):
    data = record()
    groups = data["protocolSection"]["armsInterventionsModule"]["armGroups"]
    removed = groups.pop()["label"]

    outcome = import_study(data=data, source="again")

    assert outcome.changes == [f"arm “{removed}” removed"]
    [change] = live_trial.registry_changes.pending()
    accept_change(change=change, user=factories_publisher())
    assert not live_trial.arms.filter(name=removed).exists()


def factories_publisher():
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("pub", is_staff=True)
    user.groups.add(Group.objects.get(name="Publisher"))
    return User.objects.get(pk=user.pk)


# sync_registries


@pytest.fixture
def registry(monkeypatch, settings):
    settings.TRIALPORTAL_REGISTRY_FETCH = True
    records = {}

    def transport(url, *, timeout):
        nct_id = url.rsplit("/", 1)[1]
        if nct_id not in records:
            raise OSError("HTTP Error 404: Not Found")
        return json.dumps(records[nct_id]).encode()

    monkeypatch.setattr(ctgov, "transport", transport)
    return records


def sync(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("sync_registries", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_sync_registries_prints_each_trials_changed_fields(live_trial, registry):
    registry["NCT05183035"] = record("COMPLETED", arms=[NEW_ARM])
    hand_typed = factories.TrialFactory()
    hand_typed.registry_numbers.create(registry=Registry.NCT, value="NCT09999999")

    status, output = sync()

    assert status == 1  # NCT09999999 could not be fetched
    assert (
        "NCT05183035: status (Active, not recruiting → Completed), "
        "arm “Arm M: venetoclax alone” added"
    ) in output
    assert "NCT09999999" in output and "404" in output
    assert live_trial.registry_changes.pending().count() == 2
    assert live_trial.registry_record.received_how == "fetch"

    status, output = sync()
    assert "NCT05183035: unchanged" in output


def test_sync_registries_dry_run_changes_nothing(live_trial, registry):
    registry["NCT05183035"] = record("COMPLETED")

    status, output = sync("--dry-run")

    assert status == 0
    assert "NCT05183035: status (Active, not recruiting → Completed)" in output
    assert "Dry run, nothing saved" in output
    assert not PendingRegistryChange.objects.exists()


def test_sync_registries_needs_the_setting(db, settings):
    settings.TRIALPORTAL_REGISTRY_FETCH = False
    with pytest.raises(CommandError, match="TRIALPORTAL_REGISTRY_FETCH=1"):
        call_command("sync_registries")


def test_a_newer_registry_date_reaches_the_public_page_at_once(live_trial, client):
    url = live_trial.get_absolute_url()
    first = client.get(url)
    assert "August 24, 2026" in first.text
    data = record()
    data["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-10-01"

    outcome = import_study(data=data, source="again")

    assert outcome.action == "updated" and outcome.changes == []
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "October 1, 2026" in again.text


def test_records_fill_the_english_texts_whoever_imports_them_and_dutch_arm_names_are_not_a_change(
    db,
):
    with translation.override("nl"):
        trial = imported()
    arm = trial.arms.order_by("order").first()
    assert arm.name_en.startswith("Arm")
    assert not arm.name_nl
    assert trial.summary_en.startswith("Draft imported from ClinicalTrials.gov")
    assert not trial.summary_nl
    arm.name_nl = "Behandelarm A"
    arm.save()

    with translation.override("nl"):
        outcome = import_study(data=record(arms=[NEW_ARM]), source="again")
        [change] = trial.registry_changes.pending()
        accept_change(change=change, user=factories_publisher())

    [added_arm] = outcome.changes  # in the staff member's language
    assert "Arm M: venetoclax alone" in added_arm
    added = trial.arms.get(name_en="Arm M: venetoclax alone")
    assert added.description_en == "Venetoclax by mouth."
    assert not added.name_nl
