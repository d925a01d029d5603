# The finder's "newest start first" order (start_date DESC NULLS LAST, short_name, id) as an
# index of the published trials, so a broad search's page is read in that order, each trial
# tested against the matches, instead of sorting all 56,000 of them (229 -> 107 ms at
# 100,000 trials). PostgreSQL only: SQLite cannot index NULLS LAST, and a centre's
# collection needs no index to sort.
from django.db import migrations

CREATE = """
CREATE INDEX trial_published_by_start ON trials_trial
    (start_date DESC NULLS LAST, short_name, id) WHERE publication = 'published';
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS trial_published_by_start;")


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0021_search_documents_marked_with_a_sample"),
    ]

    operations = [migrations.RunPython(create, drop)]
