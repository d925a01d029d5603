import pytest

from trials.models import Publication
from trials.signals import public_trial_changed

from .admin_forms import change_form_data, change_url
from .factories import TrialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def announcements():
    heard = []

    def listener(sender, trial_id, reason, **kwargs):
        heard.append((trial_id, reason))

    public_trial_changed.connect(listener)
    yield heard
    public_trial_changed.disconnect(listener)


def test_publishing_and_withdrawing_are_announced_after_commit(
    announcements, django_capture_on_commit_callbacks, django_user_model
):
    user = django_user_model.objects.create_user("p")
    trial = TrialFactory(publication=Publication.DRAFT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        trial.publish(user=user)
    assert announcements == []  # nothing until the transaction commits
    for callback in callbacks:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        trial.withdraw(user=user)
    assert announcements == [(trial.pk, "published"), (trial.pk, "withdrawn")]


def test_saving_a_live_trial_is_announced_and_a_draft_is_not(
    announcements, staff_client, django_capture_on_commit_callbacks
):
    live = TrialFactory()
    draft = TrialFactory(publication=Publication.DRAFT)
    for trial in (live, draft):
        data, _ = change_form_data(staff_client, trial)
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(change_url(trial), {**data, "summary": "New words."})
        assert response.status_code == 302
    assert announcements == [(live.pk, "changed")]


def test_deleting_a_live_trial_is_announced(
    announcements, staff_client, django_capture_on_commit_callbacks
):
    trial = TrialFactory()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/trials/trial/{trial.pk}/delete/", {"post": "yes"})
    assert announcements == [(trial.pk, "deleted")]
