"""Every change is recorded (who, when, old and new values) and can be restored."""

import pytest
from reversion.models import Version

from trials.models import Arm, ArmStatus, Publication

from .admin_forms import change_form_data, change_url
from .factories import ArmFactory, TrialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trial_with_arms():
    trial = TrialFactory(short_name="HIST", goal="Find a safe dose.", publication="published")
    ArmFactory(trial=trial, name="Arm A", status=ArmStatus.OPEN)
    ArmFactory(trial=trial, name="Arm B", status=ArmStatus.OPEN)
    return trial


def save_through_admin(client, trial, **changes):
    data, prefixes = change_form_data(client, trial)
    data.update(changes)
    response = client.post(change_url(trial), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return prefixes


def test_each_admin_save_records_who_changed_which_fields(editor_client, trial_with_arms):
    save_through_admin(editor_client, trial_with_arms)  # the first recorded version
    save_through_admin(editor_client, trial_with_arms, goal="<p>Find the best dose.</p>")
    response = editor_client.get(f"/admin/trials/trial/{trial_with_arms.pk}/history/")
    newest = response.context["history_entries"][0]
    assert newest.revision.user == editor_client.user
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("Goal", "Find a safe dose.", "Find the best dose.")
    ]
    assert "<del>Find a safe dose.</del> → <ins>Find the best dose.</ins>" in response.text


def test_changes_to_arms_are_recorded_with_the_trial(editor_client, trial_with_arms):
    prefixes = save_through_admin(editor_client, trial_with_arms)
    arm_prefix = prefixes[Arm]
    arm_b = trial_with_arms.arms.get(name="Arm B")
    save_through_admin(
        editor_client,
        trial_with_arms,
        **{f"{arm_prefix}-1-status": "closed", f"{arm_prefix}-1-id": str(arm_b.pk)},
    )
    history = editor_client.get(f"/admin/trials/trial/{trial_with_arms.pk}/history/")
    change = history.context["history_entries"][0].inline_changes[0]
    assert (change.kind, change.name) == ("changed", "Arm B")
    assert [(f.label, f.old, f.new) for f in change.fields] == [
        ("Status", "Open for inclusion", "Closed for inclusion")
    ]


def test_restore_an_earlier_version_with_its_arms_in_two_clicks(
    editor_client, client, trial_with_arms
):
    prefixes = save_through_admin(editor_client, trial_with_arms)
    first_version = Version.objects.get_for_object(trial_with_arms).first()
    arm_prefix = prefixes[Arm]
    arm_a = trial_with_arms.arms.get(name="Arm A")
    # Later: the goal is rewritten and Arm A is deleted.
    save_through_admin(
        editor_client,
        trial_with_arms,
        goal="Something wrong.",
        **{f"{arm_prefix}-0-DELETE": "on", f"{arm_prefix}-0-id": str(arm_a.pk)},
    )
    assert list(trial_with_arms.arms.values_list("name", flat=True)) == ["Arm B"]

    history = editor_client.get(f"/admin/trials/trial/{trial_with_arms.pk}/history/")
    restore_url = f"/admin/trials/trial/{trial_with_arms.pk}/history/{first_version.pk}/"
    assert f'href="{restore_url}"' in history.text
    # Click 1: the earlier version, in the edit form, inlines included.
    response = editor_client.get(restore_url)
    assert response.status_code == 200
    assert "Press the save button below to revert to this version" in response.text
    form_data, _ = _rendered_form_data(response)
    # Click 2: save.
    response = editor_client.post(restore_url, form_data)
    assert response.status_code == 302

    trial_with_arms.refresh_from_db()
    assert trial_with_arms.goal == "<p>Find a safe dose.</p>"
    assert sorted(trial_with_arms.arms.values_list("name", flat=True)) == ["Arm A", "Arm B"]
    newest = Version.objects.get_for_object(trial_with_arms).first().revision
    assert newest.user == editor_client.user
    assert "Reverted" in newest.get_comment()
    assert "Arm A" in client.get(trial_with_arms.get_absolute_url()).text


def test_restore_keeps_the_publication_state(editor_client, publisher_client, trial_with_arms):
    save_through_admin(editor_client, trial_with_arms)
    first_version = Version.objects.get_for_object(trial_with_arms).first()
    data, _ = change_form_data(publisher_client, trial_with_arms)
    publisher_client.post(change_url(trial_with_arms), {**data, "_withdraw": "1"})
    restore_url = f"/admin/trials/trial/{trial_with_arms.pk}/history/{first_version.pk}/"
    form_data, _ = _rendered_form_data(editor_client.get(restore_url))
    assert editor_client.post(restore_url, form_data).status_code == 302
    trial_with_arms.refresh_from_db()
    # The content came back, but the earlier version was published and an editor
    # restoring it does not republish it.
    assert trial_with_arms.goal == "<p>Find a safe dose.</p>"
    assert trial_with_arms.publication == Publication.WITHDRAWN


def _rendered_form_data(response):
    from .admin_forms import management_data, submitted_values

    data = submitted_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms = formset.initial_forms + formset.extra_forms
        data.update(
            management_data(formset.prefix, total=len(forms), initial=len(formset.initial_forms))
        )
        for form in forms:
            data.update(submitted_values(form))
    return data, None


def test_a_recovered_deleted_trial_comes_back_as_a_draft(staff_client, editor_client, client):
    trial = TrialFactory(slug="deleted", publication="published")
    save_through_admin(staff_client, trial)
    staff_client.post(f"/admin/trials/trial/{trial.pk}/delete/", {"post": "yes"})
    assert client.get("/trials/deleted/").status_code == 404
    version = Version.objects.get_deleted(type(trial)).get()
    recover_url = f"/admin/trials/trial/recover/{version.pk}/"
    form_data, _ = _rendered_form_data(editor_client.get(recover_url))
    response = editor_client.post(recover_url, form_data)
    assert response.status_code == 302
    recovered = type(trial).objects.get(slug="deleted")
    assert recovered.publication == Publication.DRAFT
    assert client.get("/trials/deleted/").status_code == 404


def test_recover_cannot_touch_a_trial_that_was_not_deleted(editor_client, trial_with_arms):
    save_through_admin(editor_client, trial_with_arms)
    version = Version.objects.get_for_object(trial_with_arms).first()
    response = editor_client.get(f"/admin/trials/trial/recover/{version.pk}/")
    assert response.status_code == 404
    response = editor_client.post(f"/admin/trials/trial/recover/{version.pk}/", {})
    assert response.status_code == 404
    trial_with_arms.refresh_from_db()
    assert trial_with_arms.publication == Publication.PUBLISHED


def test_history_url_only_restores_versions_of_that_very_trial(editor_client, publisher_client):
    # The URL names trial X, but the version is an arm (also with id X) of another trial,
    # from a revision when that other trial was still published.
    clash = 10_000 + TrialFactory().pk
    other = TrialFactory(short_name="OTHER", publication="published")
    ArmFactory(trial=other, pk=clash, name="Arm X")
    save_through_admin(editor_client, other)
    old_revision = Version.objects.get_for_object(other).first().revision
    data, _ = change_form_data(publisher_client, other)
    publisher_client.post(change_url(other), {**data, "_withdraw": "1"})
    TrialFactory(pk=clash, short_name="NAMED-IN-URL")
    arm_version = old_revision.version_set.get(object_id=str(clash), content_type__model="arm")

    url = f"/admin/trials/trial/{clash}/history/{arm_version.pk}/"
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, {}).status_code == 404
    other.refresh_from_db()
    assert other.publication == Publication.WITHDRAWN


def test_a_version_saved_with_other_trials_is_not_restored_alone(editor_client):
    import reversion

    with reversion.create_revision():
        first = TrialFactory(short_name="FIRST")
        second = TrialFactory(short_name="SECOND")
    version = Version.objects.get_for_object(first).get()
    response = editor_client.get(f"/admin/trials/trial/{first.pk}/history/{version.pk}/")
    assert response.status_code == 404
    assert second.pk  # untouched


def test_each_demo_trial_has_a_history_of_its_own(db):
    from django.core.management import call_command

    from trials.models import Trial

    call_command("load_demo_trials", verbosity=0)
    for trial in Trial.objects.all():
        version = Version.objects.get_for_object(trial).get()
        trial_versions = version.revision.version_set.filter(content_type=version.content_type)
        assert trial_versions.count() == 1
