import reversion
from django.core.management.base import BaseCommand
from django.db import transaction

from trials.demo import DemoLoad, load_demo_data
from trials.models import Publication


class Command(BaseCommand):
    help = (
        "Load the demo cancer types and trials: ESMART, four real trials from their "
        "ClinicalTrials.gov records and fictional examples. Safe to run again: it updates "
        "the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything in a transaction, report what would change, then roll back.",
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            load = load_demo_data()
            # A first entry in each trial's history (with its arms and the rest), one
            # revision per trial so that restoring one never touches another.
            for trial in load.trials:
                with reversion.create_revision():
                    reversion.set_comment("Loaded the demo content.")
                    reversion.add_to_revision(trial)
            if dry_run:
                transaction.set_rollback(True)

        created, existing = count_rows(load.created), count_rows(load.existing)
        if dry_run:
            self.stdout.write(f"Dry run, nothing saved. Would have loaded {summarise(load)}.")
            self.stdout.write(f"Would create {created}; would update {existing}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded {summarise(load)}."))
            self.stdout.write(f"Created {created}; updated {existing}.")


def summarise(load: DemoLoad) -> str:
    """'12 trials (11 published, 1 draft), 10 cancer types in 3 groups'."""
    published = sum(trial.publication == Publication.PUBLISHED for trial in load.trials)
    groups = sum(cancer_type.is_group for cancer_type in load.cancer_types)
    return (
        f"{len(load.trials)} trials ({published} published, {len(load.trials) - published} "
        f"draft), {len(load.cancer_types) - groups} cancer types in {groups} groups"
    )


def count_rows(rows: dict[str, set]) -> str:
    """'2 approvals, 13 cancer types' from {kind: primary keys}."""
    return ", ".join(f"{len(pks)} {kind}" for kind, pks in sorted(rows.items()) if pks) or "nothing"
