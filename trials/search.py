"""The one search used everywhere: the words families type, matched against everything a
trial page says and everything it is known by.

A trial matches when every word of the search (stop words aside) is found somewhere in it:
its names, titles, summary and texts; its study arms (names, drugs, targets); its
investigators; its sponsor and network; its cancer types, by their medical, everyday and
other names, with the hierarchy rule (a search for neuroblastoma also finds the trial for
all solid tumours, exactly as the filter does). Spelling variants that staff keep in the
admin ("leukaemia" / "leukemia", "tumour" / "tumor") are tried for every word. A registry
number matches too, typed bare, in part, or with its registry's name ("EudraCT
2016-000133-40", "nct 02813135").

Texts are searched in every language they are written in (English and Dutch).
On PostgreSQL, full-text search (stemmed: "relapses" finds "relapsed", "tumoren" finds
"tumor") matches the long texts (titles, summary, who can enter, goal, background) and ranks
the results, over the `search_document` column a trigger keeps up to date (GIN index), with
each language's text-search configuration (settings.TRIALPORTAL_SEARCH_CONFIGS); names,
drugs, people and registry numbers match any part of a word, through trigram indexes
(migrations 0012 and 0014). So a search reads indexes, not every trial, and stays fast at a
registry's 100,000 trials. SQLite has no such thing, so there every word must appear as
typed, or as one of its spelling variants, in any of the texts.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.db import connections, models
from django.db.models import Case, F, Q, Value, When

from .models import (
    Arm,
    CancerType,
    Organisation,
    RegistryNumber,
    SpellingVariant,
    Trial,
    TrialInvestigator,
    in_cancer_types,
    registry_number_candidates,
)
from .models.translated import in_every_language

# Searching for part of a registry number needs at least this many characters: "0" or
# "nct" would match every registered trial.
MIN_PARTIAL_REGISTRY_SEARCH = 5
MAX_WORDS = 12
# Words that say nothing about which trial is meant ("trials for kidney cancer",
# "onderzoek naar nierkanker", "Dr. van Eijkelenburg"), in English and in Dutch.
IGNORED_WORDS = frozenset(
    {
        *("a", "an", "and", "the", "of", "for", "in", "on", "with", "to", "or"),
        *("trial", "trials", "study", "studies", "dr", "doctor", "prof", "professor"),
        *("een", "de", "het", "en", "van", "voor", "met", "op", "bij", "naar", "of", "om"),
        *("onderzoek", "onderzoeken", "studie", "dokter", "arts"),
    }
)
# Punctuation around a word that is not part of it ("(ALL)", "Wilms'", "tumour,").
WORD_EDGES = "\"'“”‘’()[]{},.;:!?"
# A trial's texts in every language (summary_en, summary_nl ...), and the rest.
TRIAL_TEXT_FIELDS = (
    "short_name",
    *in_every_language("subtitle"),
    "official_title",
    *in_every_language("summary", "eligibility", "goal", "background"),
    "sponsor__name",
    "network__name",
)
# With full-text search (PostgreSQL), the fields matched in part besides search_document.
TRIAL_NAME_FIELDS = ("short_name", *in_every_language("subtitle"))
ARM_TEXT_FIELDS = (*in_every_language("name"), "intervention", "target")


def search_configs() -> list[str]:
    """PostgreSQL's text-search configurations, one per language of the texts: one
    setting, also used by the trigger that fills search_document (migration 0014)."""
    return list(dict.fromkeys(settings.TRIALPORTAL_SEARCH_CONFIGS.values()))


def any_of(field: str, text: str) -> Q:
    """`text` is in the field's text in any language."""
    return reduce(or_, (Q(**{f"{name}__icontains": text}) for name in in_every_language(field)))


@dataclass
class Vocabulary:
    """What search knows beyond the trials themselves: the cancer types by all their names,
    and the spelling variants. Two small tables, read once per search."""

    cancer_types: list[CancerType]
    spellings: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def load(cls, cancer_types: list[CancerType] | None = None) -> "Vocabulary":
        if cancer_types is None:
            cancer_types = list(CancerType.objects.all())
        return cls(
            cancer_types=cancer_types,
            spellings=list(SpellingVariant.objects.values_list("spelling", "variant")),
        )

    def variants(self, word: str) -> list[str]:
        """`word`, its singular, and their other spellings, also inside them: "tumours" ->
        tumours, tumour, tumors, tumor."""
        word = word.lower()
        found = [word]
        if singular := english_singular(word):
            found.append(singular)
        for first, second in self.spellings:
            for old, new in ((first, second), (second, first)):
                for form in list(found):
                    if old in form and (variant := form.replace(old, new)) not in found:
                        found.append(variant)
        return found

    def cancer_types_named(self, variants: list[str]) -> list[CancerType]:
        """Cancer types one of whose names contains one of `variants`."""
        return [
            cancer_type
            for cancer_type in self.cancer_types
            if any(
                variant in name.casefold()
                for name in cancer_type.search_names
                for variant in variants
            )
        ]


def english_singular(word: str) -> str:
    """ "leukaemias" -> "leukaemia": SQLite has no stemming, and families type plurals.
    A plain "s" only, and only on longer words ("ALL" and "ewing's" stay as they are)."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return ""


def search_words(text: str) -> list[str]:
    """The words that choose trials: punctuation at their edges and stop words dropped
    (unless nothing else is left)."""
    words = [word.strip(WORD_EDGES) for word in text.split()]
    words = [word for word in words if word]
    meaningful = [word for word in words if word.lower() not in IGNORED_WORDS]
    return (meaningful or words)[:MAX_WORDS]


def search_trials(trials, text: str, *, vocabulary: Vocabulary | None = None):
    """Trials matching `text`, annotated with `relevance` for sorting by best match.

    `vocabulary`: the cancer types and spellings, when the caller already read them.
    """
    text = " ".join(text.split())
    if not text:
        return trials
    vocabulary = vocabulary or Vocabulary.load()
    words = search_words(text)
    number_match, partial_number_match = _registry_number_conditions(text)

    full_text = connections[trials.db].vendor == "postgresql"
    every_word = reduce(
        and_, (_word_condition(word, vocabulary, full_text=full_text) for word in words), Q()
    )
    whole_phrase_types = vocabulary.cancer_types_named(vocabulary.variants(text))
    in_named_type = in_cancer_types(whole_phrase_types) if whole_phrase_types else Q(pk__in=[])
    relevance = Case(
        When(Q(short_name__iexact=text) | number_match, then=Value(100.0)),
        When(short_name__icontains=text, then=Value(50.0)),
        When(partial_number_match, then=Value(40.0)),
        When(in_named_type, then=Value(30.0)),
        When(any_of("subtitle", text) | Q(official_title__icontains=text), then=Value(20.0)),
        When(any_of("summary", text), then=Value(10.0)),
        default=Value(0.0),
        output_field=models.FloatField(),
    )
    matches = every_word | in_named_type | number_match | partial_number_match
    if full_text:
        from django.contrib.postgres.search import SearchRank

        query = reduce(and_, (_full_text_query(word, vocabulary) for word in words))
        relevance = relevance + SearchRank(F("search_document"), query) * 10
    return trials.annotate(relevance=relevance).filter(matches)


def _full_text_query(word: str, vocabulary: Vocabulary):
    """PostgreSQL's full-text query for `word`: any of its spellings, stemmed."""
    from django.contrib.postgres.search import SearchQuery

    return reduce(
        or_,
        (
            SearchQuery(variant, search_type="plain", config=config)
            for variant in vocabulary.variants(word)
            for config in search_configs()
        ),
    )


def _word_condition(word: str, vocabulary: Vocabulary, *, full_text: bool = False) -> Q:
    """A trial has `word` (or one of its spellings) somewhere: its own texts, arms,
    investigators, sponsor or network, cancer types, or registry numbers.

    With `full_text` (PostgreSQL) the trial's long texts match by their words, through
    search_document, and every part of the condition is a set of trials read from an
    index (`pk IN (...)`), so none needs a look at every trial's texts."""
    variants = vocabulary.variants(word)
    condition = Q()
    if full_text:
        own = Q(search_document=_full_text_query(word, vocabulary))
        for variant in variants:
            for name in TRIAL_NAME_FIELDS:
                own |= Q(**{f"{name}__icontains": variant})
        condition |= Q(pk__in=Trial.objects.filter(own).values("pk"))
        organisations = Organisation.objects.filter(
            reduce(or_, (Q(name__icontains=variant) for variant in variants))
        ).values("pk")
        condition |= Q(sponsor__in=organisations) | Q(network__in=organisations)
    else:
        for variant in variants:
            for name in TRIAL_TEXT_FIELDS:
                condition |= Q(**{f"{name}__icontains": variant})
    for variant in variants:
        arms = Arm.objects.filter(
            reduce(or_, (Q(**{f"{name}__icontains": variant}) for name in ARM_TEXT_FIELDS))
        )
        people = TrialInvestigator.objects.filter(investigator__name__icontains=variant)
        condition |= Q(pk__in=arms.values("trial_id")) | Q(pk__in=people.values("trial_id"))
    if named := vocabulary.cancer_types_named(variants):
        condition |= in_cancer_types(named)
    if len(word) >= MIN_PARTIAL_REGISTRY_SEARCH:
        condition |= Q(
            pk__in=RegistryNumber.objects.filter(value__icontains=word).values("trial_id")
        )
    return condition


def _registry_number_conditions(text: str) -> tuple[Q, Q]:
    """Trials carrying the registry number `text` names, exactly and in part."""
    candidates = registry_number_candidates(text)
    numbers = RegistryNumber.objects.values("trial_id")
    exact = Q(pk__in=numbers.filter(value__in=candidates)) if candidates else Q(pk__in=[])
    partial = Q(pk__in=[])
    for candidate in candidates:
        if len(candidate) >= MIN_PARTIAL_REGISTRY_SEARCH:
            partial |= Q(pk__in=numbers.filter(value__icontains=candidate))
    return exact, partial
