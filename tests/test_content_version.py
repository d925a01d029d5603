"""The version of public content: the database moves it on every write to a public table,
however the write was made, so conditional GET and the page cache are never stale."""

import pytest
from django.apps import apps
from django.db import connection, transaction

from trials.freshness import content_stamp
from trials.models import (
    PRIVATE_TABLES,
    PUBLIC_TABLES,
    Arm,
    ArmStatus,
    ConditionMapping,
    RegistryNumber,
    Trial,
)
from trials.models.content_version import ContentVersion, version_moved_at_the_end

from .factories import ArmFactory, CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db


def version() -> str:
    return content_stamp().fingerprint


def test_every_table_of_the_app_is_public_or_private():
    tables = {
        model._meta.db_table
        for model in apps.get_app_config("trials").get_models(include_auto_created=True)
    }
    assert tables == set(PUBLIC_TABLES) | set(PRIVATE_TABLES)
    assert not set(PUBLIC_TABLES) & set(PRIVATE_TABLES)


def test_every_public_table_has_its_trigger():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
                "WHERE tgname = 'trials_content_version'"
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'trials_content_version_%'"
            )
        assert {row[0] for row in cursor.fetchall()} == set(PUBLIC_TABLES)


def test_saves_bulk_updates_deletes_and_tags_all_move_the_version():
    trial = TrialFactory()
    arm = ArmFactory(trial=trial)
    seen = {version()}

    def moved():
        now = version()
        assert now not in seen
        seen.add(now)
        return True

    Arm.objects.filter(pk=arm.pk).update(status=ArmStatus.CLOSED)  # no save(), no signal
    assert moved()
    Trial.objects.filter(pk=trial.pk).update(summary_en="<p>Changed by a script.</p>")
    assert moved()
    trial.cancer_types.add(CancerTypeFactory())
    assert moved()
    RegistryNumber.objects.bulk_create([RegistryNumber(trial=trial, value="NCT01234567")])
    assert moved()
    arm.delete()
    assert moved()


def test_last_modified_follows_the_latest_write():
    before = content_stamp().last_modified
    TrialFactory()
    assert content_stamp().last_modified >= before


def test_work_that_is_not_public_leaves_the_version():
    cancer_type = CancerTypeFactory()
    before = version()
    ConditionMapping.objects.create(term="Relapsed Neuroblastoma", cancer_type=cancer_type)
    assert version() == before


def counter() -> int:
    return ContentVersion.objects.get(pk=1).counter


def test_a_bulk_load_moves_the_version_once_at_its_end():
    """generate_trials writes batches side by side: each moves the version once, as its
    last write, so that the version's row is not locked from its first write on."""
    trial = TrialFactory()
    before = counter()
    with transaction.atomic(), version_moved_at_the_end():
        ArmFactory(trial=trial)
        Trial.objects.filter(pk=trial.pk).update(summary_en="<p>Loaded.</p>")
        if connection.vendor == "postgresql":  # SQLite moves it row by row, as ever
            assert counter() == before
    assert counter() > before
    moved = counter()

    ArmFactory(trial=trial)  # after the block, every write moves it again
    assert counter() > moved


def test_a_failed_bulk_load_leaves_every_later_write_moving_the_version():
    before = counter()
    with (
        pytest.raises(ValueError, match="broken file"),
        transaction.atomic(),
        version_moved_at_the_end(),
    ):
        TrialFactory()
        raise ValueError("broken file")
    assert counter() == before  # nothing was written

    TrialFactory()
    assert counter() > before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite moves it row by row")
@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="needs a transaction"), version_moved_at_the_end():
        TrialFactory()
    assert not Trial.objects.exists()
