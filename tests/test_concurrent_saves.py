"""Two editors pressing Save on the same trial at the same moment, for real: two threads,
each with its own database connection (on SQLite, to a database file, as in
production), the first holding its transaction open while the second arrives.

The second save waits for the first (SQLite: IMMEDIATE transactions with a busy
timeout; PostgreSQL: the row lock of the conflict check), then is handled like any
other late save: never a 500 "database is locked", never a lost form.
"""

import threading

import pytest
import reversion
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client

from trials.models import Trial

from .admin_forms import change_form_data, change_url
from .factories import TrialFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_sqlite_runs_as_django_advises_for_web_use():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's journal mode")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.fixture
def two_editors(django_user_model):
    clients = []
    for name in ("first", "second"):
        # Superusers: transactional tests start without the data migration's groups.
        user = django_user_model.objects.create_superuser(name, f"{name}@example.org", "pw")
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    return clients


@pytest.fixture
def first_save_holds_its_transaction():
    """The first save pauses inside its transaction, after writing the trial."""
    written = threading.Event()

    def pause(sender, instance, **kwargs):
        if threading.current_thread().name == "first":
            written.set()
            threading.Event().wait(1.0)

    post_save.connect(pause, sender=Trial, dispatch_uid="pause_first_save")
    yield written
    post_save.disconnect(dispatch_uid="pause_first_save")


def test_simultaneous_saves_never_fail_and_never_lose_the_second_form(
    two_editors, first_save_holds_its_transaction
):
    with reversion.create_revision():
        trial = TrialFactory(short_name="BOTH", status_note="")
    first, second = two_editors
    first_data, _ = change_form_data(first, trial)
    second_data, _ = change_form_data(second, trial)
    responses = {}

    def save(name, client, data):
        try:
            responses[name] = client.post(change_url(trial), data)
        finally:
            connection.close()  # this thread's own connection

    first_thread = threading.Thread(
        target=save, name="first", args=("first", first, {**first_data, "short_name": "FROM-A"})
    )
    second_thread = threading.Thread(
        target=save,
        name="second",
        args=("second", second, {**second_data, "status_note_en": "Typed by the second editor."}),
    )
    first_thread.start()
    assert first_save_holds_its_transaction.wait(10), "the first save never wrote"
    second_thread.start()  # while the first still holds its transaction
    first_thread.join(30)
    second_thread.join(30)

    assert responses["first"].status_code == 302
    late = responses["second"]
    assert late.status_code in {200, 302}, late.content[:500]
    trial.refresh_from_db()
    assert trial.short_name == "FROM-A"
    if late.status_code == 200:
        # Refused as a late save: told why, with everything typed still in the form.
        assert "first saved this trial at" in late.text
        assert 'value="Typed by the second editor."' in late.text
        assert trial.status_note == ""
    else:
        # Merged: both editors' changes are kept.
        assert trial.status_note == "Typed by the second editor."
