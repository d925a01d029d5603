import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from trials.demo.generated import generate_trials
from trials.models import Trial


class Command(BaseCommand):
    help = (
        "Add N generated trials (about ten arms, registry numbers and cancer types each, "
        "texts as long as a registry's) to measure the site at scale. For a throwaway "
        "database, never a live one: the trials are fictional but most are published."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many trials to add")
        parser.add_argument("--seed", type=int, default=1, help="seed for the values (1)")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="trials written per transaction (1000); memory grows with it, not with N",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help=(
                "batches written side by side, on PostgreSQL (one per CPU); the values "
                "are the same whatever the number"
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be added, add nothing.",
        )

    def handle(self, *args, count, seed, batch_size, jobs, dry_run, **options):
        if count < 1:
            raise CommandError("Give a number of trials of at least 1.")
        if batch_size < 1:
            raise CommandError("Give a batch size of at least 1.")
        if jobs < 1:
            raise CommandError("Give a number of jobs of at least 1.")
        existing = Trial.objects.count()
        if dry_run:
            self.stdout.write(
                f"Dry run, nothing saved. Would add {count} trials to the {existing} there, "
                f"{batch_size} at a time."
            )
            return
        began = time.monotonic()

        def progress(done):
            if done % (batch_size * 10) == 0 or done == count:
                elapsed = time.monotonic() - began
                self.stdout.write(f"{done} of {count} trials written ({elapsed:.0f} s)")

        generate_trials(
            count,
            start=existing,
            seed=seed,
            batch_size=batch_size,
            progress=progress,
            jobs=jobs,
        )
        if connection.vendor == "postgresql":
            # The planner's statistics and the visibility map (index-only scans) at once,
            # rather than when autovacuum gets to it. VACUUM cannot run in a transaction.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        elapsed = time.monotonic() - began
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {count} trials in {elapsed:.0f} s; there are {existing + count} now."
            )
        )
