import contextlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from trials.registries.ctgov import json_files
from trials.registries.importer import (
    CREATED,
    REFUSED,
    UNCHANGED,
    Report,
    fetch_and_import,
    import_file,
)


class Command(BaseCommand):
    help = (
        "Import ClinicalTrials.gov API v2 JSON records: new trials become drafts; a trial "
        "that already has the NCT number gets pending registry changes (nothing public "
        "changes). Exits with status 1 when any record was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="A JSON file (one study, or a search page of studies) or a folder of them.",
        )
        parser.add_argument(
            "--fetch",
            nargs="+",
            default=[],
            metavar="NCT",
            help="Download these records from ClinicalTrials.gov (TRIALPORTAL_REGISTRY_FETCH=1).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Import everything in a transaction, report, then roll back: changes nothing.",
        )

    def handle(self, *args, paths, fetch, dry_run, **options):
        if not paths and not fetch:
            raise CommandError("Name at least one PATH, or --fetch NCT numbers.")
        if fetch and not settings.TRIALPORTAL_REGISTRY_FETCH:
            raise CommandError(
                "This site may not reach ClinicalTrials.gov: set TRIALPORTAL_REGISTRY_FETCH=1, "
                "or download the records and name the files."
            )
        missing = [path for path in paths if not Path(path).exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")

        report = Report()
        # Each record is its own transaction; a dry run wraps them all in one, rolled back.
        with transaction.atomic() if dry_run else contextlib.nullcontext():
            for path in paths:
                for file in json_files(Path(path)):
                    for outcome in import_file(file):
                        self.show(outcome)
                        report.outcomes.append(outcome)
            for nct_id in fetch:
                outcome = fetch_and_import(nct_id)
                self.show(outcome)
                report.outcomes.append(outcome)
            if dry_run:
                transaction.set_rollback(True)

        prefix = "Dry run, nothing saved. Would have imported " if dry_run else ""
        summary = prefix + report.summary()
        style = self.style.ERROR if report.refused else self.style.SUCCESS
        self.stdout.write(style(summary))
        if report.refused:
            raise SystemExit(1)

    def show(self, outcome):
        if outcome.action == REFUSED:
            self.stdout.write(self.style.ERROR(outcome.line()))
            return
        line = outcome.line()
        if outcome.action == UNCHANGED:
            self.stdout.write(line)
            return
        if outcome.action == CREATED:
            line += f" ({reverse('admin:trials_trial_change', args=[outcome.trial.pk])})"
        self.stdout.write(self.style.SUCCESS(line))
        for warning in outcome.warnings:
            self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
        if outcome.unmapped_conditions:
            conditions = "; ".join(outcome.unmapped_conditions)
            self.stdout.write(f"  conditions without a cancer type: {conditions}")
