from django.conf import settings
from django.db import migrations

# PostgreSQL only. A search needs every word somewhere in a trial: its texts, and also its
# arms, people, sponsor, network, cancer types and registry numbers. Until now each of those
# was a set of ids read from its own table, and the sets were joined (a UNION per word, an
# INTERSECT across words): 110-160 ms for a common pair of words at 100,000 trials, built
# twice per page. Now the search document holds all of it, so a search is one query of its
# text index (`document @@ (word 1) & (word 2)`), whatever the number of words:
#   - the texts, stemmed and weighted in each language, as before (0014, 0017);
#   - `name:<word>` for each word of the trial's names (short name, subtitles), and
#     `arm:<word>` for each word of its arms' names, drugs and targets, matched as typed or
#     as the start of a word ("ribo" finds ribociclib). Best match reads the names from
#     here too, so the names' own column and trigram index (0017) go;
#   - `number:<value>` for each registry number (and NCT/ISRCTN numbers without their
#     letters), matched as typed or as their start;
#   - `tag:<id>`, `org:<id>` and `person:<id>` for its cancer-type tags, its sponsor and
#     network, and its investigators. By id, not by name: a search finds the ids of the
#     names it matches first (a few small tables), so renaming a sponsor of 50,000 trials
#     rewrites no document. The hierarchy rule of cancer types applies to the ids.
# These marked words cannot collide with the texts' own words: no text-search parser makes
# a word with a colon in it.
# The document is written by one function, from the trigger on the trial. Writes to the arms
# and tags already touch their trial (0016); the investigators and registry numbers now do
# too, and the trigger also runs for a change of the tags' key, sponsor or network.
SPILL = "decode(repeat('00', 2048), 'hex')"
NAMES = "concat_ws(' / ', {t}.short_name, {t}.subtitle_en, {t}.subtitle_nl)"
TEXTS = """
        setweight(to_tsvector('{en}', coalesce({t}.short_name, '')), 'A')
        || setweight(to_tsvector('{en}', coalesce({t}.subtitle_en, '') || ' '
                                 || coalesce({t}.official_title, '')), 'B')
        || setweight(to_tsvector('{nl}', coalesce({t}.subtitle_nl, '')), 'B')
        || setweight(to_tsvector('{en}', coalesce({t}.summary_en, '')), 'C')
        || setweight(to_tsvector('{nl}', coalesce({t}.summary_nl, '')), 'C')
        || setweight(to_tsvector('{en}', coalesce({t}.eligibility_en, '') || ' '
                                 || coalesce({t}.goal_en, '') || ' '
                                 || coalesce({t}.background_en, '')), 'D')
        || setweight(to_tsvector('{nl}', coalesce({t}.eligibility_nl, '') || ' '
                                 || coalesce({t}.goal_nl, '') || ' '
                                 || coalesce({t}.background_nl, '')), 'D')"""
TEXT_COLUMNS = (
    "short_name",
    "official_title",
    *(
        f"{name}_{language}"
        for name in ("subtitle", "summary", "eligibility", "goal", "background")
        for language in ("en", "nl")
    ),
)
MARKED_COLUMNS = ("cancer_type_key", "sponsor_id", "network_id")

FUNCTIONS = f"""
-- `marker` before each word of `words`, split as the simple configuration splits them.
CREATE FUNCTION trials_marked_words(marker text, words text) RETURNS text[] AS $$
    SELECT coalesce(array_agg(marker || word), '{{}}')
    FROM unnest(tsvector_to_array(to_tsvector('simple', coalesce(words, '')))) AS word
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- The query for those words: each of them, or a word starting with it.
CREATE FUNCTION trials_marked_prefixes(marker text, words text) RETURNS tsquery AS $$
    SELECT coalesce(
        string_agg('''' || replace(replace(word, '\\', '\\\\'), '''', '''''') || ''':*', ' & '),
        '''nothing:'''
    )::tsquery
    FROM unnest(trials_marked_words(marker, words)) AS word
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- The sponsors, networks and investigators whose names match one of `patterns` (LIKE, in
-- any case), as a query of their marked ids.
CREATE FUNCTION trials_named_query(patterns text[]) RETURNS tsquery AS $$
    SELECT coalesce(string_agg('''' || marked || '''', ' | '), '''nothing:''')::tsquery
    FROM (
        SELECT 'org:' || org.id AS marked
        FROM unnest(patterns) AS pattern
        JOIN trials_organisation AS org ON upper(org.name) LIKE upper(pattern)
        UNION
        SELECT 'person:' || person.id
        FROM unnest(patterns) AS pattern
        JOIN trials_investigator AS person ON upper(person.name) LIKE upper(pattern)
    ) AS named
$$ LANGUAGE sql STABLE PARALLEL SAFE;

CREATE FUNCTION trials_search_document(trial trials_trial) RETURNS tsvector AS $$
    SELECT {TEXTS.format(t="trial", en="{en}", nl="{nl}")}
        || array_to_tsvector(
            trials_marked_words('name:', concat_ws(' ',
                trial.short_name, trial.subtitle_en, trial.subtitle_nl))
            || trials_marked_words('arm:', (
                SELECT string_agg(concat_ws(' ', arm.name_en, arm.name_nl,
                                            arm.intervention, arm.target), ' ')
                FROM trials_arm AS arm WHERE arm.trial_id = trial.id))
            || ARRAY(
                SELECT 'number:' || lower(number.value)
                FROM trials_registrynumber AS number WHERE number.trial_id = trial.id
                UNION
                SELECT 'number:' || digits[1]
                FROM trials_registrynumber AS number,
                     regexp_match(number.value, '^(?:NCT|ISRCTN)([0-9]+)$') AS digits
                WHERE number.trial_id = trial.id AND digits IS NOT NULL
            )
            || ARRAY(
                SELECT 'tag:' || tag
                FROM unnest(string_to_array(trim(BOTH ',' FROM trial.cancer_type_key), ','))
                    AS tag
                WHERE tag <> ''
            )
            || ARRAY(
                SELECT 'org:' || id FROM unnest(ARRAY[trial.sponsor_id, trial.network_id]) AS id
                WHERE id IS NOT NULL
            )
            || ARRAY(
                SELECT DISTINCT 'person:' || person.investigator_id
                FROM trials_trialinvestigator AS person WHERE person.trial_id = trial.id
            )
        )
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION trials_trial_search_document() RETURNS trigger AS $$
BEGIN
    INSERT INTO trials_searchdocument (trial_id, document, spill)
        VALUES (NEW.id, trials_search_document(NEW), {SPILL})
    ON CONFLICT (trial_id) DO UPDATE SET document = EXCLUDED.document, spill = EXCLUDED.spill;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""
# A deleted trial's document goes with it, however the deletion is ordered: Django deletes
# the document, then the arms and numbers, whose touch of the trial would write it again.
FORGET = """
CREATE FUNCTION trials_trial_forget_search_document() RETURNS trigger AS $$
BEGIN
    DELETE FROM trials_searchdocument WHERE trial_id IN (SELECT id FROM deleted);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER trials_trial_forget_search_document AFTER DELETE ON trials_trial
    REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION trials_trial_forget_search_document();
"""
# Once per statement, over the rows it touched, as 0016 does for the arms and tags.
TOUCHED_BY = ("trials_trialinvestigator", "trials_registrynumber")
EVENTS = ("INSERT", "UPDATE", "DELETE")
TOUCH_TRIGGERS = "".join(
    f"CREATE TRIGGER trials_search_{table.removeprefix('trials_')}_{event.lower()} "
    f"AFTER {event} ON {table} "
    f"REFERENCING {'OLD' if event == 'DELETE' else 'NEW'} TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION trials_trial_touch();\n"
    for table in TOUCHED_BY
    for event in EVENTS
)
DROP_TOUCH_TRIGGERS = "".join(
    f"DROP TRIGGER IF EXISTS trials_search_{table.removeprefix('trials_')}_{event.lower()} "
    f"ON {table};\n"
    for table in TOUCHED_BY
    for event in EVENTS
)


def trial_trigger(columns) -> str:
    return f"""
DROP TRIGGER trials_trial_search_document ON trials_trial;
CREATE TRIGGER trials_trial_search_document
    AFTER INSERT OR UPDATE OF {", ".join(columns)} ON trials_trial
    FOR EACH ROW EXECUTE FUNCTION trials_trial_search_document();
"""


def rewrite_documents(document: str, *, names: bool) -> str:
    """Every trial's document written afresh into an empty table (as 0018 does: an UPDATE
    of every row would leave the table twice its size), the indexes made after the rows;
    with `names`, the names column of 0017 and its index too."""
    columns = "trial_id, document" + (", names" if names else "")
    names_index = (
        "CREATE INDEX trials_searchdocument_names_trgm\n"
        "    ON trials_searchdocument USING gin (UPPER(names) gin_trgm_ops);\n"
    )
    return f"""
CREATE TEMPORARY TABLE search_documents_after ON COMMIT DROP AS
    SELECT trial.id AS trial_id, {document} AS document, {NAMES.format(t="trial")} AS names
    FROM trials_trial AS trial;
DROP INDEX trials_searchdocument_gin;
DROP INDEX IF EXISTS trials_searchdocument_names_trgm;
TRUNCATE trials_searchdocument;
SET CONSTRAINTS ALL IMMEDIATE;
INSERT INTO trials_searchdocument ({columns})
    SELECT {columns} FROM search_documents_after;
CREATE INDEX trials_searchdocument_gin ON trials_searchdocument USING gin (document);
{names_index if names else ""}"""


# The names a search looks up first, in part ("roussy" finds Gustave Roussy).
NAME_INDEXES = """
CREATE INDEX trials_organisation_name_trgm
    ON trials_organisation USING gin (UPPER(name) gin_trgm_ops);
CREATE INDEX trials_investigator_name_trgm
    ON trials_investigator USING gin (UPPER(name) gin_trgm_ops);
"""
EVERY_WORD = (
    "SET LOCAL statement_timeout = 0;\n"
    # Written no more, until the column goes at the end of this migration.
    + "ALTER TABLE trials_searchdocument ALTER COLUMN names SET DEFAULT '';\n"
    + FUNCTIONS
    + trial_trigger(TEXT_COLUMNS + MARKED_COLUMNS)
    + TOUCH_TRIGGERS
    + FORGET
    + NAME_INDEXES
    + rewrite_documents("trials_search_document(trial)", names=False)
)
# Back to 0018: the texts only, written inline by the trigger.
TEXTS_ONLY = (
    "SET LOCAL statement_timeout = 0;\n"
    + DROP_TOUCH_TRIGGERS
    + "DROP TRIGGER trials_trial_forget_search_document ON trials_trial;\n"
    + "DROP FUNCTION trials_trial_forget_search_document();\n"
    + f"""
CREATE OR REPLACE FUNCTION trials_trial_search_document() RETURNS trigger AS $$
BEGIN
    INSERT INTO trials_searchdocument (trial_id, document, names, spill)
        VALUES (NEW.id, {TEXTS.format(t="NEW", en="{en}", nl="{nl}")},
                {NAMES.format(t="NEW")}, {SPILL})
    ON CONFLICT (trial_id) DO UPDATE
        SET document = EXCLUDED.document, names = EXCLUDED.names, spill = EXCLUDED.spill;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""
    + trial_trigger(TEXT_COLUMNS)
    + rewrite_documents(TEXTS.format(t="trial", en="{en}", nl="{nl}"), names=True)
    + """
DROP FUNCTION trials_search_document(trials_trial);
DROP FUNCTION trials_named_query(text[]);
DROP FUNCTION trials_marked_prefixes(text, text);
DROP FUNCTION trials_marked_words(text, text);
DROP INDEX trials_organisation_name_trgm;
DROP INDEX trials_investigator_name_trgm;
"""
)


def in_languages(sql: str) -> str:
    configs = {
        code: config.replace("'", "") for code, config in settings.TRIALPORTAL_SEARCH_CONFIGS.items()
    }
    return sql.replace("{en}", configs["en"]).replace("{nl}", configs["nl"])


def every_word(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(in_languages(EVERY_WORD))


def texts_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(in_languages(TEXTS_ONLY))


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0018_search_documents_always_stored_apart"),
    ]

    operations = [
        migrations.RunPython(every_word, texts_only),
        migrations.RemoveField(model_name="searchdocument", name="names"),
    ]
