# Every search document gets the trial's facet values as marked words (PostgreSQL only):
# "status:<status>", "phase:<phase>", "setting:<disease setting>", and "open_arm:yes" for
# a trial with an open arm. Its cancer types are there already ("tag:<id>", 0019).
# When the finder's filters leave few of a broad search's matches ("children", which every
# one of 100,000 trials matches, for neuroblastoma and open trials only: 5,000), the
# results are counted exactly with the page (trials.filters.TrialFilter._count_with_page).
# Tested against the matches, every trial the filters left cost reading all 100,000
# matches first (70 ms). With the filters' words in the same text-index query
# ("children & (tag:2) & (status:recruiting | ...)") the index skips through the long
# list along the short ones and gives the 5,000 alone. The filters still apply to the
# trials themselves: the words only narrow what the index gives.
import importlib

from django.db import migrations

every_word = importlib.import_module("trials.migrations.0019_one_search_document_for_every_word")
sample = importlib.import_module("trials.migrations.0021_search_documents_marked_with_a_sample")

FACETS = """ARRAY['status:' || {t}.status, 'phase:' || {t}.phase,
              'setting:' || {t}.disease_setting]
        || CASE WHEN {t}.has_open_arm THEN ARRAY['open_arm:yes'] ELSE '{{}}'::text[] END"""
FACET_COLUMNS = ("status", "phase", "disease_setting", "has_open_arm")
SAMPLE = sample.SAMPLE.format(id="trial.id")


def document_function(facets: bool) -> str:
    """The document of 0021 (the words of 0019 and the sample word), with the facets."""
    words = f" || array_to_tsvector({FACETS.format(t='trial')})" if facets else ""
    return f"""
CREATE OR REPLACE FUNCTION trials_search_document(trial trials_trial) RETURNS tsvector AS $$
    SELECT trials_search_words(trial) || {SAMPLE}{words}
$$ LANGUAGE sql STABLE;
"""


def rewritten(document: str) -> str:
    """Every document rewritten into an empty table, the text index made after the rows
    (as 0019 and 0021 do: an UPDATE of every row would leave the table twice its size)."""
    return f"""
CREATE TEMPORARY TABLE search_documents_after ON COMMIT DROP AS
    SELECT document.trial_id, {document} AS document
    FROM trials_searchdocument AS document
    JOIN trials_trial AS trial ON trial.id = document.trial_id;
DROP INDEX trials_searchdocument_gin;
TRUNCATE trials_searchdocument;
SET CONSTRAINTS ALL IMMEDIATE;
INSERT INTO trials_searchdocument (trial_id, document)
    SELECT trial_id, document FROM search_documents_after;
CREATE INDEX trials_searchdocument_gin ON trials_searchdocument USING gin (document);
"""


# A change of a facet column writes the document again. has_open_arm is set by the trigger
# that keeps the keys (0016) whenever a trial's arms change, which touch the trial's
# cancer_type_key (already a column that writes the document).
TRIGGER_COLUMNS = every_word.TEXT_COLUMNS + every_word.MARKED_COLUMNS


def mark(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SET LOCAL statement_timeout = 0;\n"
            + document_function(facets=True)
            + every_word.trial_trigger(TRIGGER_COLUMNS + FACET_COLUMNS)
            + rewritten(f"document.document || array_to_tsvector({FACETS.format(t='trial')})")
        )


def unmark(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SET LOCAL statement_timeout = 0;\n"
            + document_function(facets=False)
            + every_word.trial_trigger(TRIGGER_COLUMNS)
            + rewritten(f"ts_delete(document.document, {FACETS.format(t='trial')})")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0022_trial_published_by_start"),
    ]

    operations = [migrations.RunPython(mark, unmark)]
