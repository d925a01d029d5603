"""export_trials / import_trials: every model of the trials app (and, with --history,
every revision) goes out and comes back identical into an empty database."""

import json

import factory
import pytest
import reversion
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from reversion.models import Revision, Version

from trials.backup import NOT_EXPORTED, content_models, export_json
from trials.freshness import content_stamp
from trials.models import Publication, SearchDocument, SiteSettings, Trial

from . import factories

pytestmark = pytest.mark.django_db


def app_models():
    """The app's models but those the database keeps: the version of public content and
    the search documents."""
    return [
        model
        for model in apps.get_app_config("trials").get_models()
        if model._meta.label not in NOT_EXPORTED
    ]


def factory_for(model):
    for candidate in vars(factories).values():
        if (
            isinstance(candidate, type)
            and issubclass(candidate, factory.django.DjangoModelFactory)
            and candidate._meta.model is model
        ):
            return candidate
    pytest.fail(
        f"No factory for {model.__name__} in tests/factories.py: add one, so that backups "
        "are proven to carry it."
    )


def snapshot() -> dict:
    """Every row of the app's tables and of the history, to the microsecond; many-to-many
    links as pairs (their own row ids mean nothing and are not exported). Except when the
    centre's settings were saved: an import gives them a new version (test below)."""
    rows = {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in [*app_models(), Revision, Version]
    }
    for row in rows["trials.SiteSettings"]:
        del row["updated_at"]
    for model in apps.get_app_config("trials").get_models(include_auto_created=True):
        if model._meta.auto_created:
            links = model.objects.values_list(*[f.attname for f in model._meta.fields[1:]])
            rows[model._meta.label] = sorted(links)
    return rows


def empty_the_app():
    """What a fresh installation has: migrated tables, staff accounts, no content."""
    models = [*content_models(history=True), Trial.cancer_types.through, SearchDocument]
    with connection.cursor() as cursor:
        for model in reversed(models):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's own table name


@pytest.fixture
def every_kind_of_content(django_user_model):
    publisher = django_user_model.objects.create_user("trial-office", is_staff=True)
    for model in app_models():
        factory_for(model).create_batch(2)
    group = factories.CancerTypeFactory(name="Solid tumors")
    neuroblastoma = factories.CancerTypeFactory(name="Neuroblastoma", parent=group)
    with reversion.create_revision():
        reversion.set_user(publisher)
        reversion.set_comment("Published.")
        trial = factories.TrialFactory(
            short_name="ESMART",
            cancer_types=[group, neuroblastoma],
            publication=Publication.PUBLISHED,
            published_by=publisher,
            last_reviewed_by=publisher,
            eligibility="<p>Children whose cancer <strong>came back</strong>.</p>",
        )
        factories.ArmFactory(trial=trial, name="Arm A: ribociclib", description="Täglich.")
    return trial


def test_every_model_of_the_app_round_trips_into_an_empty_database(every_kind_of_content, tmp_path):
    before = snapshot()
    assert all(before[model._meta.label] for model in app_models()), "a model has no rows"
    backup = tmp_path / "trials.json"

    call_command("export_trials", "--history", "--output", str(backup), stderr=None)
    exported = {obj["model"] for obj in json.loads(backup.read_text())}
    assert exported == {m._meta.label_lower for m in app_models()} | {
        "reversion.revision",
        "reversion.version",
    }
    empty_the_app()
    assert not Trial.objects.exists()
    call_command("import_trials", str(backup), stdout=None)

    assert snapshot() == before


def test_an_import_gives_every_page_a_new_version(every_kind_of_content, tmp_path):
    """The rows keep the file's times, yet the pages changed: the centre's settings get a
    new version, so the stylesheet's address, the pages' validators and their cached copies
    all change (trials.freshness)."""
    backup = tmp_path / "trials.json"
    call_command("export_trials", "-o", str(backup), stderr=None)
    saved = SiteSettings.load().updated_at
    stamp = content_stamp().fingerprint
    call_command("import_trials", str(backup), "--replace", stdout=None)
    assert SiteSettings.load().updated_at > saved
    assert content_stamp().fingerprint != stamp


def test_the_export_lists_each_model_after_those_it_refers_to(every_kind_of_content):
    order = [model._meta.label for model in content_models(history=True)]
    assert order.index("trials.Organisation") < order.index("trials.Trial")
    assert order.index("trials.CancerType") < order.index("trials.Trial")
    assert order.index("trials.Trial") < order.index("trials.Arm")
    assert order.index("trials.Investigator") < order.index("trials.TrialInvestigator")
    assert order.index("reversion.Revision") < order.index("reversion.Version")


def test_without_history_only_the_content_is_exported(every_kind_of_content, capsys):
    call_command("export_trials")
    labels = {obj["model"] for obj in json.loads(capsys.readouterr().out)}
    assert "reversion.version" not in labels
    assert "trials.trial" in labels


def test_an_import_never_mixes_into_existing_content(every_kind_of_content, tmp_path):
    backup = tmp_path / "trials.json"
    call_command("export_trials", "-o", str(backup), stderr=None)
    with pytest.raises(CommandError, match="already has content"):
        call_command("import_trials", str(backup))


def test_replace_restores_the_backup_over_what_changed_since(every_kind_of_content, tmp_path):
    before = snapshot()
    backup = tmp_path / "trials.json"
    call_command("export_trials", "--history", "-o", str(backup), stderr=None)
    with reversion.create_revision():
        factories.TrialFactory(short_name="ADDED-LATER")
    Trial.objects.filter(short_name="ESMART").update(summary="Edited after the backup.")

    call_command("import_trials", str(backup), "--replace", stdout=None)

    assert snapshot() == before


def test_a_restored_trial_is_found_by_its_words_again(every_kind_of_content, tmp_path):
    # The search documents are not in the backup: the database writes them again.
    factories.TrialFactory(short_name="FINDME", summary_en="About rhabdoid tumours.")
    backup = tmp_path / "trials.json"
    call_command("export_trials", "-o", str(backup), stderr=None)
    Trial.objects.filter(short_name="FINDME").update(summary_en="Edited after the backup.")

    call_command("import_trials", str(backup), "--replace", stdout=None)

    found = Trial.objects.matching("rhabdoid")
    assert [trial.short_name for trial in found] == ["FINDME"]
    assert not Trial.objects.matching("edited").exists()


def test_a_backup_from_before_the_search_documents_moved_still_imports(
    every_kind_of_content, tmp_path
):
    # Releases before migration 0017 exported each trial's search document with it.
    factories.TrialFactory(short_name="OLDFILE", summary_en="About rhabdoid tumours.")
    objects = json.loads(export_json())
    for obj in objects:
        if obj["model"] == "trials.trial":
            obj["fields"]["search_document"] = "'rhabdoid':3C 'tumour':4C"
    backup = tmp_path / "trials.json"
    backup.write_text(json.dumps(objects))
    empty_the_app()

    call_command("import_trials", str(backup), stdout=None)

    assert Trial.objects.filter(short_name="OLDFILE").exists()
    assert [trial.short_name for trial in Trial.objects.matching("rhabdoid")] == ["OLDFILE"]


def test_old_history_alone_also_counts_as_content(tmp_path):
    backup = tmp_path / "trials.json"
    call_command("export_trials", "-o", str(backup), stderr=None)
    with reversion.create_revision():
        factories.TrialFactory()
    Trial.objects.all().delete()  # the trial is gone, its versions are not

    with pytest.raises(CommandError, match="reversion.Version"):
        call_command("import_trials", str(backup))


def test_people_without_an_account_here_are_left_empty_and_named(
    every_kind_of_content, tmp_path, django_user_model, capsys
):
    backup = tmp_path / "trials.json"
    call_command("export_trials", "--history", "-o", str(backup), stderr=None)
    empty_the_app()
    django_user_model.objects.filter(username="trial-office").delete()

    call_command("import_trials", str(backup))

    assert "No account here for trial-office" in capsys.readouterr().out
    esmart = Trial.objects.get(short_name="ESMART")
    assert esmart.published_by is None
    assert esmart.is_public
    assert Revision.objects.get(comment="Published.").user is None


def test_a_dry_run_checks_the_file_and_changes_nothing(every_kind_of_content, tmp_path, capsys):
    backup = tmp_path / "trials.json"
    call_command("export_trials", "-o", str(backup), stderr=None)
    empty_the_app()

    call_command("import_trials", str(backup), "--dry-run")

    assert "Would import" in capsys.readouterr().out
    assert not Trial.objects.exists()


def test_content_added_after_an_import_gets_new_ids(every_kind_of_content, tmp_path):
    backup = tmp_path / "trials.json"
    call_command("export_trials", "-o", str(backup), stderr=None)
    empty_the_app()
    call_command("import_trials", str(backup), stdout=None)

    for model in app_models():
        factory_for(model)()  # no clash with an imported id


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "Cannot read"),
        ('{"model": "trials.trial"}', "not a file written by export_trials"),
        ('[{"model": "auth.user", "pk": 1, "fields": {}}]', "does not import: auth.user"),
        ('[{"model": "trials.trial", "pk": 1, "fields": {"phase": "x"}}]', "could not be imported"),
    ],
)
def test_a_broken_file_is_a_clear_error(tmp_path, content, message):
    backup = tmp_path / "broken.json"
    backup.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_trials", str(backup), "--replace")
    assert Trial.objects.count() == 0
