"""Which texts staff write in Dutch and in English (django-modeltranslation).

Each field named here gets a column per language (`summary_en`, `summary_nl`) beside the
original one; reading `trial.summary` gives the text in the active language, or the other
language's when it has none. Pages show such texts through `translated()` (see
trials/models/translated.py), which also says which language a text is in and whether its
translation may be out of date.
"""

import reversion
from modeltranslation.translator import TranslationOptions, register

from .models import Arm, CancerType, GlossaryTerm, SiteSettings, Trial
from .models.translated import TRANSLATED_FIELDS
from .models.trial import NOT_VERSIONED, VERSION_FOLLOWS


@register(Trial)
class TrialTranslation(TranslationOptions):
    fields = TRANSLATED_FIELDS["Trial"]
    empty_values = ""


# An arm's name is unique within its trial, in each language.
@register(Arm)
class ArmTranslation(TranslationOptions):
    fields = TRANSLATED_FIELDS["Arm"]
    empty_values = {"name": None, "description": ""}


# Names that must be unique stay NULL, not "", where a language has none, so several rows
# can lack a Dutch name.
@register(CancerType)
class CancerTypeTranslation(TranslationOptions):
    fields = TRANSLATED_FIELDS["CancerType"]
    empty_values = {"name": None, "description": "", "lay_name": ""}


@register(GlossaryTerm)
class GlossaryTermTranslation(TranslationOptions):
    fields = TRANSLATED_FIELDS["GlossaryTerm"]
    empty_values = {"term": None, "explanation": ""}


@register(SiteSettings)
class SiteSettingsTranslation(TranslationOptions):
    fields = TRANSLATED_FIELDS["SiteSettings"]
    empty_values = ""


def register_versions():
    """django-reversion stores every save of a trial with its arms (history, conflicts,
    changes awaiting approval). Registered here, once each text has its column per language
    (above), so versions store those, and before the admin's VersionAdmin would register the
    models with its defaults. The original columns only echo the language of the last save
    and are left out."""

    reversion.register(Trial, follow=VERSION_FOLLOWS, exclude=NOT_VERSIONED)
    reversion.register(Arm, exclude=TRANSLATED_FIELDS["Arm"])


register_versions()
