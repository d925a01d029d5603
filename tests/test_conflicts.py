"""Two editors saving the same trial: the second save is refused, merged, and nothing is lost."""

import pytest
import reversion

from trials.models import Arm, ArmStatus, ChangeRequest, Publication

from .admin_forms import add_row, change_form_data, change_url, rendered_form_data, row_index
from .factories import ArmFactory, TrialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trial():
    # A draft: saves go straight to the live rows (see test_moderation for published ones).
    # Created with a first revision, as the admin and the demo loader do.
    with reversion.create_revision():
        trial = TrialFactory(
            short_name="BOTH",
            goal="Original goal.",
            summary="Original summary.",
            status_note="",
            publication=Publication.DRAFT,
        )
        ArmFactory(trial=trial, name="Arm A", status=ArmStatus.OPEN, description="")
    return trial


def form_errors(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


def test_conflict_without_a_recorded_first_version_still_refuses(
    editor_client, second_editor_client
):
    unrecorded = TrialFactory(goal="Original goal.", publication=Publication.DRAFT)
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
        change_url(trial), {**theirs, "goal_en": "<p>Their goal.</p>"}
    )
    assert response.status_code == 302

    response = editor_client.post(
        change_url(trial), {**mine, "status_note_en": "Closed for the summer."}
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert "colleague saved this trial at" in errors
    assert "They changed Goal (English): “Original goal.” → “Their goal.”." in errors
    # What the first editor typed is still in the form ...
    assert 'value="Closed for the summer."' in response.text
    # ... and nothing of it was saved over the colleague's change.
    trial.refresh_from_db()
    assert trial.goal == "<p>Their goal.</p>"
    assert trial.status_note == ""


def test_saving_again_keeps_their_changes_to_fields_you_did_not_touch(
    editor_client, second_editor_client, trial
):
    mine, _ = change_form_data(editor_client, trial)
    theirs, _ = change_form_data(second_editor_client, trial)
    second_editor_client.post(change_url(trial), {**theirs, "goal_en": "<p>Their goal.</p>"})

    refused = editor_client.post(change_url(trial), {**mine, "status_note_en": "Mine."})

    assert "Their changes are now in your form, beside yours: goal (English)." in form_errors(
        refused
    )
    form = refused.context["adminform"].form
    assert form["goal_en"].value() == "<p>Their goal.</p>"
    assert form["status_note_en"].value() == "Mine."
    # Saving the form as it came back keeps both.
    response = editor_client.post(change_url(trial), rendered_form_data(refused))
    assert response.status_code == 302
    trial.refresh_from_db()
    assert (trial.goal, trial.status_note) == ("<p>Their goal.</p>", "Mine.")


def test_a_field_both_changed_keeps_yours_and_says_so(editor_client, second_editor_client, trial):
    mine, _ = change_form_data(editor_client, trial)
    theirs, _ = change_form_data(second_editor_client, trial)
    second_editor_client.post(
        change_url(trial),
        {**theirs, "summary_en": "Their summary.", "goal_en": "<p>Their goal.</p>"},
    )

    refused = editor_client.post(change_url(trial), {**mine, "summary_en": "My summary."})

    errors = form_errors(refused)
    assert "You both changed summary (English): your version is in the form" in errors
    assert "beside yours: goal (English)." in errors
    editor_client.post(change_url(trial), rendered_form_data(refused))
    trial.refresh_from_db()
    assert (trial.summary, trial.goal) == ("My summary.", "<p>Their goal.</p>")


def test_arm_changes_are_merged_row_by_row(editor_client, second_editor_client, trial):
    arm_a = trial.arms.get()
    mine, prefixes = change_form_data(editor_client, trial)
    theirs, _ = change_form_data(second_editor_client, trial)
    arms = prefixes[Arm]
    # They close Arm A and add Arm Z; I describe Arm A and add Arm M.
    theirs[f"{arms}-{row_index(theirs, arms, arm_a.pk)}-status"] = ArmStatus.CLOSED
    add_row(theirs, arms, {"name": "Arm Z", "status": "open", "order": "9"})
    assert second_editor_client.post(change_url(trial), theirs).status_code == 302
    mine[f"{arms}-{row_index(mine, arms, arm_a.pk)}-description_en"] = "My description."
    add_row(mine, arms, {"name": "Arm M", "status": "planned", "order": "5"})

    refused = editor_client.post(change_url(trial), mine)

    errors = form_errors(refused)
    assert "They added the study arm “Arm Z”." in errors
    assert "study arm “Arm A”" in errors and "study arm “Arm Z”" in errors
    assert editor_client.post(change_url(trial), rendered_form_data(refused)).status_code == 302
    rows = {arm.name: (arm.status, arm.description) for arm in trial.arms.all()}
    assert rows == {
        "Arm A": ("closed", "My description."),
        "Arm Z": ("open", ""),
        "Arm M": ("planned", ""),
    }


def test_a_single_editor_saving_twice_is_not_a_conflict(editor_client, trial):
    for note in ["First.", "Second."]:
        data, _ = change_form_data(editor_client, trial)
        response = editor_client.post(change_url(trial), {**data, "status_note_en": note})
        assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.status_note == "Second."


def test_a_version_submitted_for_approval_meanwhile_is_merged_too(
    editor_client, second_editor_client
):
    with reversion.create_revision():
        live = TrialFactory(summary="Live summary.", status_note="", goal="Live goal.")
    mine, _ = change_form_data(editor_client, live)
    theirs, _ = change_form_data(second_editor_client, live)
    second_editor_client.post(change_url(live), {**theirs, "goal_en": "<p>Their goal.</p>"})

    refused = editor_client.post(change_url(live), {**mine, "status_note_en": "My note."})

    assert refused.status_code == 200
    assert "Their changes are now in your form" in form_errors(refused)
    editor_client.post(change_url(live), rendered_form_data(refused))
    waiting = ChangeRequest.objects.open().get(trial=live)
    assert waiting.submitted_by == editor_client.user
    form = editor_client.get(change_url(live)).context["adminform"].form
    assert (form["goal_en"].value(), form["status_note_en"].value()) == (
        "<p>Their goal.</p>",
        "My note.",
    )
    live.refresh_from_db()
    assert (live.goal, live.status_note) == ("<p>Live goal.</p>", "")
