import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trials.models import Registry, Trial
from trials.registries.importer import REFUSED, UPDATED, Report, fetch_and_import


class Command(BaseCommand):
    help = (
        "Fetch the ClinicalTrials.gov record of every trial with an NCT number and record "
        "how each differs from our page as pending registry changes (nothing public "
        "changes). Meant for a nightly cron job; exits with status 1 when any record could "
        "not be fetched or read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Fetch and compare, report, then roll back: changes nothing.",
        )

    def handle(self, *args, dry_run, **options):
        if not settings.TRIALPORTAL_REGISTRY_FETCH:
            raise CommandError(
                "This site may not reach ClinicalTrials.gov: set TRIALPORTAL_REGISTRY_FETCH=1."
            )
        numbers = (
            Trial.objects.filter(registry_numbers__registry=Registry.NCT)
            .order_by("registry_numbers__value")
            .values_list("registry_numbers__value", flat=True)
        )
        report = Report()
        # Each record is its own transaction; a dry run wraps them all in one, rolled back.
        with transaction.atomic() if dry_run else contextlib.nullcontext():
            for nct_id in numbers:
                outcome = fetch_and_import(nct_id)
                report.outcomes.append(outcome)
                if outcome.action == REFUSED:
                    self.stdout.write(self.style.ERROR(outcome.line()))
                elif outcome.action == UPDATED and outcome.changes:
                    # "NCT02813135: status (Active, not recruiting → Completed), arm "Arm M" added"
                    self.stdout.write(f"{outcome.nct_id}: {', '.join(outcome.changes)}")
                else:
                    self.stdout.write(outcome.line())
            if dry_run:
                transaction.set_rollback(True)
        prefix = "Dry run, nothing saved. " if dry_run else ""
        style = self.style.ERROR if report.refused else self.style.SUCCESS
        self.stdout.write(style(prefix + report.summary()))
        if report.refused:
            raise SystemExit(1)
