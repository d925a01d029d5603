from django.core.management.base import BaseCommand

from trials.backup import content_models, export_json


class Command(BaseCommand):
    help = (
        "Write all trial content (trials with their arms, registry numbers, approvals and "
        "investigators; organisations, cancer types, glossary) as JSON, for a backup or "
        "a move to another database. import_trials reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")
        parser.add_argument(
            "--history",
            action="store_true",
            help="Include every trial's history (django-reversion revisions).",
        )

    def handle(self, *args, output, history, **options):
        data = export_json(history=history)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(data)
            models = ", ".join(model._meta.label for model in content_models(history=history))
            self.stderr.write(f"Exported {models} to {output}.")
        else:
            self.stdout.write(data)
