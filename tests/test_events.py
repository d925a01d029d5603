"""Status changes are recorded from public_trial_changed only, by comparing what the public
sees now with what was recorded last time."""

import pytest

from trials.events import record_public_change
from trials.models import ArmStatus, Publication, PublicTrialState, Status, TrialEvent
from trials.signals import announce_public_change, trial_events_recorded

from .admin_forms import change_form_data, change_url
from .factories import ArmFactory, TrialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(django_user_model):
    return django_user_model.objects.create_user("publisher")


def announce(trial, reason, capture):
    with capture(execute=True):
        announce_public_change(trial.pk, reason=reason)


def kinds(trial=None):
    events = TrialEvent.objects.order_by("pk")
    if trial is not None:
        events = events.filter(trial=trial)
    return [(event.kind, event.arm_name) for event in events]


def test_publishing_a_new_trial_is_one_event(publisher, django_capture_on_commit_callbacks):
    trial = TrialFactory(publication=Publication.DRAFT)
    ArmFactory(trial=trial, status=ArmStatus.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        trial.publish(user=publisher)
    assert kinds() == [("published", "")]
    assert TrialEvent.objects.get().headline == f"New trial: {trial.short_name}"


def test_opening_and_closing_for_inclusion(django_capture_on_commit_callbacks):
    trial = TrialFactory(status=Status.NOT_YET_RECRUITING)
    record_public_change(trial.pk)  # the baseline, as the migration records it
    trial.status = Status.RECRUITING
    trial.save()
    announce(trial, "changed", django_capture_on_commit_callbacks)
    trial.status = Status.ENROLLING_BY_INVITATION  # still open: nothing to tell
    trial.save()
    announce(trial, "changed", django_capture_on_commit_callbacks)
    trial.status = Status.SUSPENDED
    trial.save()
    announce(trial, "changed", django_capture_on_commit_callbacks)
    assert kinds() == [("opened", ""), ("closed", "")]
    closed = TrialEvent.objects.get(kind="closed")
    assert closed.status == Status.SUSPENDED
    assert closed.headline == (
        f"{trial.short_name} is now closed for inclusion (Temporarily closed for inclusion)"
    )


def test_arms_opening_closing_and_removed(django_capture_on_commit_callbacks):
    trial = TrialFactory()
    arm_a = ArmFactory(trial=trial, name="Arm A", status=ArmStatus.OPEN)
    arm_b = ArmFactory(trial=trial, name="Arm B", status=ArmStatus.PLANNED)
    arm_c = ArmFactory(trial=trial, name="Arm C", status=ArmStatus.OPEN)
    record_public_change(trial.pk)
    arm_a.status = ArmStatus.CLOSED
    arm_a.save()
    arm_b.status = ArmStatus.OPEN
    arm_b.save()
    arm_c.delete()
    announce(trial, "changed", django_capture_on_commit_callbacks)
    assert sorted(kinds()) == [
        ("arm_closed", "Arm A"),
        ("arm_closed", "Arm C"),
        ("arm_opened", "Arm B"),
    ]


def test_a_trial_public_before_records_began_is_not_new(django_capture_on_commit_callbacks):
    trial = TrialFactory()  # e.g. demo content, loaded without the signal
    announce(trial, "changed", django_capture_on_commit_callbacks)
    assert kinds() == []
    assert PublicTrialState.objects.get(trial=trial).is_public


def test_withdrawn_and_published_again_is_new_again(publisher, django_capture_on_commit_callbacks):
    trial = TrialFactory(publication=Publication.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        trial.publish(user=publisher)
    with django_capture_on_commit_callbacks(execute=True):
        trial.withdraw(user=publisher)
    assert kinds() == [("published", "")]
    assert not TrialEvent.objects.public().exists()  # a withdrawn trial's events are hidden
    with django_capture_on_commit_callbacks(execute=True):
        trial.publish(user=publisher)
    assert kinds() == [("published", ""), ("published", "")]


def test_changes_without_the_signal_record_nothing(django_capture_on_commit_callbacks):
    """Only changes that go live send the signal: a draft's saves, or (with the
    four-eyes workflow) an editor's change awaiting approval, record no event."""
    trial = TrialFactory(publication=Publication.DRAFT, status=Status.NOT_YET_RECRUITING)
    with django_capture_on_commit_callbacks(execute=True):
        trial.status = Status.RECRUITING
        trial.save()
    assert kinds() == []


def test_saving_a_live_trial_in_the_admin_records_its_status_change(
    staff_client, django_capture_on_commit_callbacks
):
    trial = TrialFactory(status=Status.ACTIVE_NOT_RECRUITING)
    record_public_change(trial.pk)
    data, _ = change_form_data(staff_client, trial)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(trial), {**data, "status": Status.RECRUITING})
    assert response.status_code == 302
    assert kinds() == [("opened", "")]


def test_deleting_a_trial_deletes_its_events(django_capture_on_commit_callbacks):
    trial = TrialFactory(status=Status.SUSPENDED)
    record_public_change(trial.pk)
    trial.status = Status.RECRUITING
    trial.save()
    announce(trial, "changed", django_capture_on_commit_callbacks)
    trial_id = trial.pk
    trial.delete()
    announce(trial.__class__(pk=trial_id), "deleted", django_capture_on_commit_callbacks)
    assert kinds() == []


def test_listeners_hear_about_new_events_after_commit(django_capture_on_commit_callbacks):
    heard = []

    def listener(sender, events, **kwargs):
        heard.append([event.kind for event in events])

    trial_events_recorded.connect(listener)
    try:
        trial = TrialFactory(status=Status.SUSPENDED)
        record_public_change(trial.pk)
        trial.status = Status.RECRUITING
        trial.save()
        announce(trial, "changed", django_capture_on_commit_callbacks)
        announce(trial, "changed", django_capture_on_commit_callbacks)  # nothing new
    finally:
        trial_events_recorded.disconnect(listener)
    assert heard == [["opened"]]
