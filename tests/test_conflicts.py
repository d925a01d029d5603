"""Two editors saving the same trial: the second save is refused, nothing is lost."""

import pytest
import reversion

from .admin_forms import change_form_data, change_url
from .factories import TrialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trial():
    # Created with a first revision, as the admin and the demo loader do.
    with reversion.create_revision():
        return TrialFactory(short_name="BOTH", goal="Original goal.", status_note="")


def test_conflict_without_a_recorded_first_version_still_refuses(
    editor_client, second_editor_client
):
    unrecorded = TrialFactory(goal="Original goal.")
    mine, _ = change_form_data(editor_client, unrecorded)
    theirs, _ = change_form_data(second_editor_client, unrecorded)
    assert second_editor_client.post(change_url(unrecorded), theirs).status_code == 302
    response = editor_client.post(change_url(unrecorded), mine)
    assert response.status_code == 200
    assert "There is no record of the version you opened" in response.text


def test_second_save_is_refused_with_who_and_what_changed(
    editor_client, second_editor_client, trial
):
    mine, _ = change_form_data(editor_client, trial)
    theirs, _ = change_form_data(second_editor_client, trial)

    response = second_editor_client.post(
        change_url(trial), {**theirs, "goal": "<p>Their goal.</p>"}
    )
    assert response.status_code == 302

    response = editor_client.post(
        change_url(trial), {**mine, "status_note": "Closed for the summer."}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "colleague saved this trial at" in errors
    assert "They changed Goal: “Original goal.” → “Their goal.”." in errors
    # What the first editor typed is still in the form ...
    assert 'value="Closed for the summer."' in response.text
    # ... and nothing of it was saved over the colleague's change.
    trial.refresh_from_db()
    assert trial.goal == "<p>Their goal.</p>"
    assert trial.status_note == ""


def test_saving_again_after_seeing_the_conflict_keeps_the_second_version(
    editor_client, second_editor_client, trial
):
    mine, _ = change_form_data(editor_client, trial)
    theirs, _ = change_form_data(second_editor_client, trial)
    second_editor_client.post(change_url(trial), {**theirs, "goal": "<p>Their goal.</p>"})
    refused = editor_client.post(change_url(trial), {**mine, "status_note": "Mine."})
    resubmitted = {
        **mine,
        "status_note": "Mine.",
        "loaded_version": refused.context["adminform"].form["loaded_version"].value(),
    }
    response = editor_client.post(change_url(trial), resubmitted)
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.status_note == "Mine."


def test_a_single_editor_saving_twice_is_not_a_conflict(editor_client, trial):
    for note in ["First.", "Second."]:
        data, _ = change_form_data(editor_client, trial)
        response = editor_client.post(change_url(trial), {**data, "status_note": note})
        assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.status_note == "Second."


def test_arm_changes_by_someone_else_are_named(editor_client, second_editor_client, trial):
    from trials.models import Arm

    mine, _ = change_form_data(editor_client, trial)
    theirs, prefixes = change_form_data(second_editor_client, trial)
    arm_prefix = prefixes[Arm]
    theirs.update(
        {
            f"{arm_prefix}-TOTAL_FORMS": "1",
            f"{arm_prefix}-0-name": "Arm Z",
            f"{arm_prefix}-0-status": "open",
            f"{arm_prefix}-0-order": "1",
        }
    )
    assert second_editor_client.post(change_url(trial), theirs).status_code == 302
    response = editor_client.post(change_url(trial), mine)
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "They added the study arm “Arm Z”." in errors
