import pytest
import reversion
from reversion.models import Version

from trials.models import Publication
from trials.signals import public_trial_changed

from .admin_forms import (
    change_form_data,
    change_url,
    decide,
    rendered_form_data,
    save_through_admin,
)
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
            response = staff_client.post(change_url(trial), {**data, "summary_en": "New words."})
        assert response.status_code == 302
    assert announcements == [(live.pk, "changed")]


def test_deleting_a_live_trial_is_announced(
    announcements, staff_client, django_capture_on_commit_callbacks
):
    trial = TrialFactory()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/trials/trial/{trial.pk}/delete/", {"post": "yes"})
    assert announcements == [(trial.pk, "deleted")]


def test_an_editors_change_waiting_for_approval_is_not_announced_until_approved(
    announcements, editor_client, publisher_client, django_capture_on_commit_callbacks
):
    live = TrialFactory()
    with django_capture_on_commit_callbacks(execute=True):
        save_through_admin(editor_client, live, summary="Waiting words.")
    assert announcements == []

    with django_capture_on_commit_callbacks(execute=True):
        decide(publisher_client, live, "_approve")
    assert announcements == [(live.pk, "changed")]


def test_sending_back_and_discarding_are_not_announced(
    announcements, editor_client, publisher_client, django_capture_on_commit_callbacks
):
    live = TrialFactory()
    with django_capture_on_commit_callbacks(execute=True):
        save_through_admin(editor_client, live, summary="Waiting words.")
        decide(publisher_client, live, "_send_back", "Not like this.")
        decide(editor_client, live, "_discard")
    assert announcements == []


def test_a_restore_that_goes_live_is_announced(
    announcements, publisher_client, django_capture_on_commit_callbacks
):
    with reversion.create_revision():
        live = TrialFactory(summary="First words.")
    version = Version.objects.get_for_object(live).get()
    save_through_admin(publisher_client, live, summary="Second words.")
    announcements.clear()
    url = f"/admin/trials/trial/{live.pk}/history/{version.pk}/"
    form = rendered_form_data(publisher_client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        assert publisher_client.post(url, form).status_code == 302
    assert announcements == [(live.pk, "changed")]
