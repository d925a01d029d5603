# PostgreSQL only. Every write to a public table moves the content version (0015), in the
# same transaction, so its row stays locked from a transaction's first write to its commit.
# Two bulk loads side by side (manage.py generate_trials --jobs 2) therefore took turns, and
# a second job bought nothing (100,000 trials: 391 s either way). A transaction may now say
# that it moves the version itself, once, as its last write before commit
# (trials.models.content_version.version_moved_at_the_end): its writes before that leave
# the row alone. The new version still becomes visible together with the data, at commit,
# so a page cached under it cannot hold the data from before.
import importlib

from django.db import migrations

content_version = importlib.import_module("trials.migrations.0015_content_version")

FORWARD = """
CREATE FUNCTION trials_move_content_version() RETURNS void AS $$
    INSERT INTO trials_contentversion (id, counter, changed_at) VALUES (1, 1, clock_timestamp())
    ON CONFLICT (id) DO UPDATE
        SET counter = trials_contentversion.counter + 1, changed_at = clock_timestamp();
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION trials_bump_content_version() RETURNS trigger AS $$
BEGIN
    IF current_setting('trials.version_moved_at_the_end', true) IS DISTINCT FROM 'on' THEN
        PERFORM trials_move_content_version();
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""
BACKWARD = content_version.POSTGRESQL_FUNCTION + "DROP FUNCTION trials_move_content_version();"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0023_search_documents_marked_with_facets"),
    ]

    operations = [migrations.RunPython(forward, backward)]
