import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError

from trials.backup import ImportRefused, import_data


class Command(BaseCommand):
    help = (
        "Load a file written by export_trials into an empty, migrated database (a restore, "
        "or a move between SQLite and PostgreSQL). Refuses a database that has trial content "
        "unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by export_trials ('-' for stdin).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "Delete this database's trial content and history first (a new installation's "
                "glossary, or a restore drill). All in one transaction."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and load everything, then roll back: checks the file, changes nothing.",
        )

    def handle(self, *args, file, replace, dry_run, **options):
        try:
            if file == "-":
                objects = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    objects = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        if not isinstance(objects, list):
            raise CommandError(f"{file} is not a file written by export_trials.")
        try:
            result = import_data(objects, replace=replace, dry_run=dry_run)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        except (DeserializationError, DatabaseError, KeyError, TypeError) as error:
            raise CommandError(f"{file} could not be imported: {error}") from None

        for label, count in result.counts.items():
            self.stdout.write(f"{label}: {count}")
        if result.missing_users:
            names = ", ".join(sorted(result.missing_users))
            self.stdout.write(
                self.style.WARNING(
                    f"No account here for {names}: who published, withdrew or reviewed "
                    "(and who saved history) is left empty where they are named. Create "
                    "those accounts first and import again into an empty database to keep it."
                )
            )
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {result.total} objects."))
