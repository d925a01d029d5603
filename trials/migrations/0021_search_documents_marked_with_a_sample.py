# Every search document gets one more marked word, "sample:N" with N its trial's id modulo
# 16 (PostgreSQL only). Counting the finder's options over the trials a broad search
# matches (56,000 of 100,000 for "solid tumours") took 120 ms, most of it reading the text
# index's long lists of matches and looking each match up. The same query with
# "& 'sample:0'" reads one trial in sixteen: the index skips through the long lists along
# the short one (8 against 41 ms for the index alone), and there are a sixteenth of the
# matches to look up. Above TRIALPORTAL_EXACT_COUNTS_UP_TO matches the finder shows those
# counts, times sixteen, as "about" (trials.filters.FacetCounts); below it, exact counts.
# The ids are handed out in order, so a trial's place in the sample says nothing about its
# cancer type, phase or status.
from django.db import migrations

SAMPLE = "array_to_tsvector(ARRAY['sample:' || mod({id}, 16)])"

# The document function of 0019 keeps its body under a new name; the document is that and
# the sample word, so the trigger (which calls trials_search_document) writes both.
FORWARD = f"""
SET LOCAL statement_timeout = 0;
ALTER FUNCTION trials_search_document(trials_trial) RENAME TO trials_search_words;
CREATE FUNCTION trials_search_document(trial trials_trial) RETURNS tsvector AS $$
    SELECT trials_search_words(trial) || {SAMPLE.format(id="trial.id")}
$$ LANGUAGE sql STABLE;
"""
BACKWARD = """
SET LOCAL statement_timeout = 0;
DROP FUNCTION trials_search_document(trials_trial);
ALTER FUNCTION trials_search_words(trials_trial) RENAME TO trials_search_document;
"""


def rewritten(document: str) -> str:
    """Every document rewritten into an empty table, the text index made after the rows
    (as 0019 does: an UPDATE of every row would leave the table twice its size)."""
    return f"""
CREATE TEMPORARY TABLE search_documents_after ON COMMIT DROP AS
    SELECT trial_id, {document} AS document FROM trials_searchdocument;
DROP INDEX trials_searchdocument_gin;
TRUNCATE trials_searchdocument;
SET CONSTRAINTS ALL IMMEDIATE;
INSERT INTO trials_searchdocument (trial_id, document)
    SELECT trial_id, document FROM search_documents_after;
CREATE INDEX trials_searchdocument_gin ON trials_searchdocument USING gin (document);
"""


SAMPLE_WORDS = "ARRAY(SELECT 'sample:' || n FROM generate_series(0, 15) AS n)"


def mark(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD + rewritten(f"document || {SAMPLE.format(id='trial_id')}"))


def unmark(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD + rewritten(f"ts_delete(document, {SAMPLE_WORDS})"))


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0020_search_lookups_from_indexes"),
    ]

    operations = [migrations.RunPython(mark, unmark)]
