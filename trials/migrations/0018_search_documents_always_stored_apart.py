from django.conf import settings
from django.db import migrations

# PostgreSQL only. 0017 meant every search document to be stored apart from its row
# (toast_tuple_target = 128), but PostgreSQL only starts TOAST for a row over about 2 kB:
# the reloption sets how far a row is shrunk once that happens, not when it happens. A
# document of fewer than ~2,000 bytes (most, with 100,000 generated trials: 1.8 kB on
# average) stayed in the row, the table grew to 190 MB, and the ids of the trials a common
# word is in were read from 24,000 pages (120 ms) instead of a few hundred.
# So every row is written with `spill`: 2 kB of zeros that take the row over the threshold.
# TOAST then moves the document out (down to the 128-byte target) and compresses the
# zeros to a few dozen bytes that stay in the row (storage MAIN); the names stay too
# (PLAIN). The trigger writes `spill` afresh with every document, so an update is moved
# out the same way. The rows are rewritten here (the indexes made afresh after them).
SPILL = "decode(repeat('00', 2048), 'hex')"
DOCUMENT = """
        setweight(to_tsvector('{en}', coalesce(NEW.short_name, '')), 'A')
        || setweight(to_tsvector('{en}', coalesce(NEW.subtitle_en, '') || ' '
                                 || coalesce(NEW.official_title, '')), 'B')
        || setweight(to_tsvector('{nl}', coalesce(NEW.subtitle_nl, '')), 'B')
        || setweight(to_tsvector('{en}', coalesce(NEW.summary_en, '')), 'C')
        || setweight(to_tsvector('{nl}', coalesce(NEW.summary_nl, '')), 'C')
        || setweight(to_tsvector('{en}', coalesce(NEW.eligibility_en, '') || ' '
                                 || coalesce(NEW.goal_en, '') || ' '
                                 || coalesce(NEW.background_en, '')), 'D')
        || setweight(to_tsvector('{nl}', coalesce(NEW.eligibility_nl, '') || ' '
                                 || coalesce(NEW.goal_nl, '') || ' '
                                 || coalesce(NEW.background_nl, '')), 'D')"""
NAMES = "concat_ws(' / ', NEW.short_name, NEW.subtitle_en, NEW.subtitle_nl)"


def trigger_function(*, spill: bool) -> str:
    columns, values, updates = "trial_id, document, names", "NEW.id, {DOCUMENT}, {NAMES}", (
        "document = EXCLUDED.document, names = EXCLUDED.names"
    )
    if spill:
        columns += ", spill"
        values += f", {SPILL}"
        updates += ", spill = EXCLUDED.spill"
    return f"""
CREATE OR REPLACE FUNCTION trials_trial_search_document() RETURNS trigger AS $$
BEGIN
    INSERT INTO trials_searchdocument ({columns})
        VALUES ({values.format(DOCUMENT=DOCUMENT, NAMES=NAMES)})
    ON CONFLICT (trial_id) DO UPDATE
        SET {updates};
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


STORED_APART = f"""
SET LOCAL statement_timeout = 0;
ALTER TABLE trials_searchdocument ADD COLUMN spill bytea NOT NULL DEFAULT {SPILL};
ALTER TABLE trials_searchdocument ALTER COLUMN spill SET STORAGE MAIN;
{trigger_function(spill=True)}
CREATE TEMPORARY TABLE search_documents_before ON COMMIT DROP AS
    SELECT trial_id, document, names FROM trials_searchdocument;
DROP INDEX trials_searchdocument_gin;
DROP INDEX trials_searchdocument_names_trgm;
TRUNCATE trials_searchdocument;
-- The trial key is checked as the rows go in, not at commit: an index cannot be made
-- while checks are pending.
SET CONSTRAINTS ALL IMMEDIATE;
INSERT INTO trials_searchdocument (trial_id, document, names)
    SELECT trial_id, document, names FROM search_documents_before;
CREATE INDEX trials_searchdocument_gin ON trials_searchdocument USING gin (document);
CREATE INDEX trials_searchdocument_names_trgm
    ON trials_searchdocument USING gin (UPPER(names) gin_trgm_ops);
"""
IN_THE_ROW = f"""
{trigger_function(spill=False)}
ALTER TABLE trials_searchdocument DROP COLUMN spill;
"""


def configs() -> dict:
    return {
        code: config.replace("'", "") for code, config in settings.TRIALPORTAL_SEARCH_CONFIGS.items()
    }


def in_languages(sql: str) -> str:
    return sql.replace("{en}", configs()["en"]).replace("{nl}", configs()["nl"])


def store_apart(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(in_languages(STORED_APART))


def keep_in_the_row(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(in_languages(IN_THE_ROW))


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0017_search_documents_in_a_narrow_table"),
    ]

    operations = [migrations.RunPython(store_apart, keep_in_the_row)]
