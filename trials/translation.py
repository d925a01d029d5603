"""Which texts staff write in Dutch and in English (django-modeltranslation).

Each field named here gets a column per language (`summary_en`, `summary_nl`) beside the
original one; reading `trial.summary` gives the text in the active language, or the other
language's when it has none. Pages show such texts through `translated()` (see
trials/models/translated.py), which also says which language a text is in and whether its
translation may be out of date.
"""

import reversion
from modeltranslation.translator import translator

from .models import Arm, CancerType, GlossaryTerm, SiteSettings, Trial
from .models.translated import TRANSLATED_FIELDS
from .models.trial import NOT_VERSIONED, VERSION_FOLLOWS

# What a language without a text stores. Names that must be unique (an arm's within its
# trial, a cancer type's, a glossary term's) stay NULL, not "", so several rows can lack a
# Dutch name; every other text is "".
EMPTY_VALUES = {
    Trial: "",
    Arm: {"name": None, "description": ""},
    CancerType: {"name": None, "description": "", "lay_name": ""},
    GlossaryTerm: {"term": None, "explanation": ""},
    SiteSettings: "",
}

for model, empty_values in EMPTY_VALUES.items():
    translator.register(model, fields=TRANSLATED_FIELDS[model.__name__], empty_values=empty_values)


def register_versions():
    """django-reversion stores every save of a trial with its arms (history, conflicts,
    changes awaiting approval). Registered here, once each text has its column per language
    (above), so versions store those, and before the admin's VersionAdmin would register the
    models with its defaults. The original columns only echo the language of the last save
    and are left out."""

    reversion.register(Trial, follow=VERSION_FOLLOWS, exclude=NOT_VERSIONED)
    reversion.register(Arm, exclude=TRANSLATED_FIELDS["Arm"])


register_versions()
