"""Texts in Dutch and English: which language a page shows, and whether it is up to date.

Staff write the families' texts in both languages (the fields in TRANSLATED_FIELDS, each a
column per language through django-modeltranslation, see trials/translation.py). A page asks
`obj.translated("summary")` (templates: `obj.texts.summary`) and gets the text in the page's
language, or in the other language when it has none, marked as such, so the page can put
`lang` on the element and say the text is only available in that language.

A translation may go out of date: staff change the English text after the Dutch one was
written. Each row keeps, per field, a fingerprint of every language's text as it was when the
languages last said the same (`translation_checks`). When a save changes one language's text
and leaves another's as it was, that other text is possibly out of date until staff change
it too or confirm it (`confirm_translations()`); the admin and the public page say so.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ..rich_text import render_rich_text

# Per model, the texts staff write in each language. Identity, dates, codes, drugs and
# registry data stay in one language (the registries' own).
TRANSLATED_FIELDS = {
    "Trial": (
        "subtitle",
        "summary",
        "eligibility",
        "goal",
        "background",
        "arms_intro",
        "status_note",
    ),
    "Arm": ("name", "description"),
    "CancerType": ("name", "description", "lay_name"),
    "GlossaryTerm": ("term", "explanation"),
    "SiteSettings": ("opening_hours", "how_to_take_part", "international_patients"),
}


def content_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def localized(name: str, language: str) -> str:
    """ "summary", "nl" -> "summary_nl": the column holding one language's text."""
    return f"{name}_{language.replace('-', '_')}"


def in_every_language(*names: str) -> list[str]:
    """ "summary" -> ["summary_en", "summary_nl"]: to search or compare every language."""
    return [localized(name, code) for name in names for code in content_languages()]


def page_language() -> str:
    """The active language as one of ours ("nl" for "nl-be"), else the default."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in content_languages() else settings.LANGUAGE_CODE


def fingerprint(text: str | None) -> str:
    """A short digest of a text, "" for none: enough to notice that it changed."""
    text = (text or "").strip()
    return hashlib.sha256(text.encode()).hexdigest()[:16] if text else ""


def language_name(code: str) -> str:
    """ "nl" -> "Dutch" (in English) or "Nederlands" (in Dutch)."""
    return translation.get_language_info(code)["name_translated"]


def text_in_row(row: dict, name: str) -> str:
    """From a row's stored values (a version): the text of `name` in the page's language,
    else in another."""
    language = page_language()
    for code in [language, *(code for code in content_languages() if code != language)]:
        if text := row.get(localized(name, code)):
            return str(text)
    return str(row.get(name) or "")


@dataclass(frozen=True)
class TranslatedText:
    """One text as a page shows it: in `language`, asked for in `requested`."""

    text: str
    language: str
    requested: str
    # The language whose text changed after this translation was written, if any.
    changed_in: str = ""

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def is_fallback(self) -> bool:
        """Shown in the other language, because there is none in the page's."""
        return bool(self.text) and self.language != self.requested

    @property
    def is_outdated(self) -> bool:
        return bool(self.text) and bool(self.changed_in)

    @property
    def lang_attribute(self) -> SafeString:
        """` lang="en"` for an element whose text is not in the page's language."""
        return format_html(' lang="{}"', self.language) if self.is_fallback else SafeString("")

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def changed_in_name(self) -> str:
        return language_name(self.changed_in) if self.changed_in else ""

    @property
    def html(self) -> SafeString:
        """The text as rich text, cleaned on the way out (trials.rich_text)."""
        return render_rich_text(self.text)


class TranslatedTexts:
    """`obj.texts.summary` in templates: obj.translated("summary")."""

    def __init__(self, obj):
        self._obj = obj

    def __getitem__(self, name: str) -> TranslatedText:
        if name not in self._obj.translated_field_names():
            raise KeyError(name)
        return self._obj.translated(name)


class Translated(models.Model):
    """For models with texts in several languages (TRANSLATED_FIELDS)."""

    translation_checks = models.JSONField(
        _("translation checks"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Per text, a fingerprint of each language's text when they last agreed."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.store_missing_texts_as_empty()
        self.note_translation_edits()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "translation_checks"}
        super().save(*args, **kwargs)

    def store_missing_texts_as_empty(self) -> None:
        """A language's text not written is "" (as forms post it), not NULL, except for
        names that must be unique (trials/translation.py), so versions compare alike."""
        for name in self.translated_field_names():
            for code in content_languages():
                field = self._meta.get_field(localized(name, code))
                if getattr(self, field.attname) is None and field.empty_value == "":
                    setattr(self, field.attname, "")

    @classmethod
    def translated_field_names(cls) -> tuple[str, ...]:
        return TRANSLATED_FIELDS[cls.__name__]

    def text_in(self, name: str, language: str) -> str:
        """One language's own text, without falling back to another's."""
        return getattr(self, localized(name, language)) or ""

    def translated(self, name: str, language: str | None = None) -> TranslatedText:
        """The text of field `name` in `language` (default: the page's), or in the first
        other language that has it. No query."""
        requested = language or page_language()
        order = [requested, *(code for code in content_languages() if code != requested)]
        for code in order:
            text = self.text_in(name, code)
            if text.strip():
                return TranslatedText(
                    text=text,
                    language=code,
                    requested=requested,
                    changed_in=self.changed_since_translated(name, code),
                )
        return TranslatedText(text="", language=requested, requested=requested)

    @property
    def texts(self) -> TranslatedTexts:
        return TranslatedTexts(self)

    # Out-of-date translations ---------------------------------------------------------

    def _fingerprints(self, name: str) -> dict[str, str]:
        return {code: fingerprint(self.text_in(name, code)) for code in content_languages()}

    def changed_since_translated(self, name: str, language: str) -> str:
        """The language whose text of `name` changed after the `language` text was
        written (so that one may be out of date), or ""."""
        stored = (self.translation_checks or {}).get(name) or {}
        current = self._fingerprints(name)
        if not current.get(language) or stored.get(language) != current[language]:
            return ""
        for code, digest in current.items():
            if code != language and digest and stored.get(code) != digest:
                return code
        return ""

    def outdated_translations(self) -> list[tuple[str, str, str]]:
        """(field name, language, language it changed in) for every translation that may
        be out of date."""
        found = []
        for name in self.translated_field_names():
            for code in content_languages():
                if changed_in := self.changed_since_translated(name, code):
                    found.append((name, code, changed_in))
        return found

    def note_translation_edits(self) -> None:
        """Before a save: record where the languages agree again. A text edited while
        another language's (written earlier) was not keeps the record, so that other text
        shows as possibly out of date until it is edited or confirmed."""
        checks = dict(self.translation_checks or {})
        for name in self.translated_field_names():
            current = self._fingerprints(name)
            stored = checks.get(name)
            if stored and set(stored) == set(current):
                changed = [code for code in current if current[code] != stored[code]]
                kept = [code for code in current if code not in changed]
                edited_over_earlier_text = all(stored[code] and current[code] for code in changed)
                if changed and edited_over_earlier_text and any(current[code] for code in kept):
                    continue
            checks[name] = current
        self.translation_checks = checks

    def confirm_translations(self, names=None) -> None:
        """Staff checked these texts (default: all): every language says the same."""
        checks = dict(self.translation_checks or {})
        for name in names or self.translated_field_names():
            checks[name] = self._fingerprints(name)
        self.translation_checks = checks
