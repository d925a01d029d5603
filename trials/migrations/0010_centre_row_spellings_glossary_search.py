"""The centre settings row, the first spelling variants and glossary words, and a search
document that also holds who can enter, the goal and the background.

Self-contained on purpose: a migration must not import live app code, which changes later.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Editors keep the search vocabulary; publishers (the trial office, communications) also
# edit the centre's contact details and look.
EDITOR_PERMISSIONS = [
    "view_sitesettings",
    *(f"{action}_spellingvariant" for action in ("add", "change", "delete", "view")),
]
PUBLISHER_PERMISSIONS = [*EDITOR_PERMISSIONS, "change_sitesettings"]

SPELLINGS = [
    ("leukaemia", "leukemia"),
    ("tumour", "tumor"),
    ("haemato", "hemato"),
    ("paediatric", "pediatric"),
    ("anaemia", "anemia"),
    ("oesophag", "esophag"),
    ("oestrogen", "estrogen"),
    ("randomis", "randomiz"),
    ("centre", "center"),
    ("haemorrhag", "hemorrhag"),
]

GLOSSARY = [
    (
        "randomised",
        "Randomised",
        "In a randomised trial a computer decides by chance which treatment each patient "
        "gets, like drawing lots. This is the fairest way to compare treatments. You and "
        "the doctors cannot choose the group.",
    ),
    (
        "placebo",
        "Placebo",
        "A placebo looks like the medicine being studied but contains no active drug. Trials "
        "for children with cancer rarely use one; when they do, the child still gets the "
        "usual treatment, and the information for families says so.",
    ),
    (
        "informed_consent",
        "Informed consent",
        "Before a child takes part, the doctor explains the trial in a conversation and in "
        "writing: what happens, the possible benefits and risks, and the alternatives. Parents, "
        "and older children themselves, then decide and sign. You can take your time, ask "
        "questions, and stop at any moment without giving a reason.",
    ),
    (
        "by_invitation",
        "By invitation only",
        "Only patients whom the study team or their treating doctor invites can take part, "
        "for example children already followed in an earlier study. Ask your child's doctor "
        "whether your child could be invited.",
    ),
    (
        "relapse",
        "Relapse",
        "The cancer has come back after a period in which it had gone or stopped growing.",
    ),
    (
        "refractory",
        "Refractory",
        "The cancer did not respond well enough to treatment, or grew during treatment.",
    ),
    (
        "cohort",
        "Cohort",
        "A group of patients in a trial who are treated in the same way, or at the same dose, "
        "and followed together. A trial can open new cohorts one after another.",
    ),
    (
        "open_arm",
        "Open arm",
        "A study arm (one of the treatment groups of a trial) that is taking new patients. "
        "In a trial with several arms, some can be open while others are closed.",
    ),
    (
        "status_not_confirmed",
        "Status not confirmed",
        "Our staff have not yet checked whether this trial is taking patients at our centre. "
        "The trial office can tell you whether it is open.",
    ),
]

SEARCH_DOCUMENT_FUNCTION = """
CREATE OR REPLACE FUNCTION trials_trial_search_document() RETURNS trigger AS $$
BEGIN
    NEW.search_document :=
        setweight(to_tsvector('{config}', coalesce(NEW.short_name, '')), 'A')
        || setweight(to_tsvector('{config}', coalesce(NEW.subtitle, '') || ' '
                                 || coalesce(NEW.official_title, '')), 'B')
        || setweight(to_tsvector('{config}', coalesce(NEW.summary, '')), 'C')
        || setweight(to_tsvector('{config}', coalesce(NEW.eligibility, '') || ' '
                                 || coalesce(NEW.goal, '') || ' '
                                 || coalesce(NEW.background, '')), 'D');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def create_centre_row(apps, schema_editor):
    SiteSettings = apps.get_model("trials", "SiteSettings")
    SiteSettings.objects.get_or_create(
        pk=1,
        defaults={
            "centre_name": settings.TRIALPORTAL_CENTRE_NAME,
            "centre_country": settings.TRIALPORTAL_CENTRE_COUNTRY,
        },
    )


def grant_permissions(apps, schema_editor):
    app_config = apps.get_app_config("trials")
    app_config.models_module = True  # create_permissions skips apps without models
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in [("Editor", EDITOR_PERMISSIONS), ("Publisher", PUBLISHER_PERMISSIONS)]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="trials", codename__in=codenames)
        )


def add_spellings(apps, schema_editor):
    SpellingVariant = apps.get_model("trials", "SpellingVariant")
    for spelling, variant in SPELLINGS:
        SpellingVariant.objects.get_or_create(spelling=spelling, variant=variant)


def add_glossary_terms(apps, schema_editor):
    GlossaryTerm = apps.get_model("trials", "GlossaryTerm")
    start = 100
    for order, (slug, term, explanation) in enumerate(GLOSSARY, start=start):
        GlossaryTerm.objects.get_or_create(
            slug=slug,
            defaults={"term": term, "explanation": f"<p>{explanation}</p>", "order": order},
        )


def remove_glossary_terms(apps, schema_editor):
    apps.get_model("trials", "GlossaryTerm").objects.filter(
        slug__in=[slug for slug, _, _ in GLOSSARY]
    ).delete()


def search_document_with_texts(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    config = settings.TRIALPORTAL_SEARCH_CONFIG.replace("'", "")
    schema_editor.execute(SEARCH_DOCUMENT_FUNCTION.format(config=config))
    schema_editor.execute("UPDATE trials_trial SET id = id")


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0009_families_contact_vocabulary_centre"),
    ]

    operations = [
        migrations.RunPython(create_centre_row, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(add_spellings, migrations.RunPython.noop),
        migrations.RunPython(add_glossary_terms, remove_glossary_terms),
        migrations.RunPython(search_document_with_texts, migrations.RunPython.noop),
    ]
