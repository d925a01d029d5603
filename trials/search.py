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
the results, over the trial's SearchDocument, which a trigger keeps up to date (GIN index), with
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
    RegistryNumber,
    SearchDocument,
    SpellingVariant,
    Trial,
    TrialInvestigator,
    registry_number_candidates,
)
from .models.cancer_type import tag_ids_counting_for
from .models.translated import in_every_language
from .models.trial import in_cancer_types_by_key

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
TRIAL_NAME_FIELDS = ("short_name", *in_every_language("subtitle"))
ARM_TEXT_FIELDS = (*in_every_language("name"), "intervention", "target")


def search_configs() -> list[str]:
    """PostgreSQL's text-search configurations, one per language of the texts: one
    setting, also used by the trigger that writes the SearchDocument (migration 0017)."""
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


class Search:
    """A search for `text`: which trials match (condition()) and how well (relevance()).

    On PostgreSQL every part of the condition is a set of trial ids read from an index
    (`id IN (...)`) or the trial's cancer_type_key, so a query that counts or lists the
    matches reads the index of the trials' filter columns, not their wide rows.
    `vocabulary`: the cancer types and spellings, when the caller already read them."""

    def __init__(self, text: str, using: str = "default", vocabulary: Vocabulary | None = None):
        self.text = " ".join(text.split())
        self.vocabulary = vocabulary or Vocabulary.load()
        self.words = search_words(self.text)
        self.full_text = connections[using].vendor == "postgresql"
        self.numbers, self.partial_numbers = _registry_number_ids(self.text)
        self.number_match = _among(self.numbers)
        self.partial_number_match = _among(self.partial_numbers)
        self.named_types = self.vocabulary.cancer_types_named(self.vocabulary.variants(self.text))
        self.in_named_type = (
            in_cancer_types_by_key(self.named_types, self.vocabulary.cancer_types)
            if self.named_types
            else Q(pk__in=[])
        )

    def condition(self) -> Q:
        """Trials with every word somewhere, or for a cancer type the whole text names, or
        with the registry number it names."""
        if not self.text:
            return Q()
        if not self.words:  # punctuation only ("?", "..."): no word to look for
            return Q(pk__in=[])
        if self.full_text:
            return Q(pk__in=self.trial_ids())
        every_word = reduce(
            and_, (_word_condition(word, self.vocabulary) for word in self.words), Q()
        )
        return every_word | self.in_named_type | self.number_match | self.partial_number_match

    def trial_ids(self):
        """With full-text search (PostgreSQL): the same trials as one set of ids, made of
        sets read from indexes (INTERSECT across the words, UNION within each), which a
        query evaluates once and then looks each trial up in. As a condition of ORs
        instead, PostgreSQL tested every trial against every part (1.9 µs a trial: 0.2 s
        for "relapsed neuroblastoma" at 100,000 trials)."""
        words = [_word_trial_ids(word, self.vocabulary) for word in self.words]
        every_word = words[0].intersection(*words[1:]) if len(words) > 1 else words[0]
        others = [ids for ids in (self.numbers, self.partial_numbers) if ids is not None]
        if self.named_types:
            others.append(_tagged(self.named_types, self.vocabulary))
        return every_word.union(*others, all=True) if others else every_word

    def relevance(self, *, every_word: bool = True):
        """Best first: the trial's name or registry number, part of them, a cancer type
        the text names, the title, the summary; on PostgreSQL plus the full-text rank.

        Without `every_word` (for many matches, see TRIALPORTAL_RANK_EVERY_WORD_UP_TO):
        the same order of the name, registry number and cancer type, then the trials
        with every word in their names, each a set of ids read from an index; no long
        text is read (ranking 90,000 documents took 0.3 s)."""
        if not self.words:
            return Value(0.0, output_field=models.FloatField())
        text = self.text
        if every_word:
            name_is, name_has = Q(short_name__iexact=text), Q(short_name__icontains=text)
            in_titles = [
                When(any_of("subtitle", text) | Q(official_title__icontains=text), then=20.0),
                When(any_of("summary", text), then=10.0),
            ]
        else:  # the same, each a set of ids read from an index
            name_is, name_has = Q(pk__in=_named(iexact=text)), Q(pk__in=_named(icontains=text))
            in_titles = [When(pk__in=self._every_word_in_names(), then=20.0)]
        relevance = Case(
            When(name_is | self.number_match, then=100.0),
            When(name_has, then=50.0),
            When(self.partial_number_match, then=40.0),
            When(self.in_named_type, then=30.0),
            *in_titles,
            default=0.0,
            output_field=models.FloatField(),
        )
        if self.full_text and every_word:
            from django.contrib.postgres.search import SearchRank

            query = reduce(and_, (_full_text_query(word, self.vocabulary) for word in self.words))
            relevance = relevance + SearchRank(F("search_document__document"), query) * 10
        return relevance

    def _every_word_in_names(self):
        """The ids of the trials with every word (or a spelling of it) in their names."""
        sets = [
            _in_names(self.vocabulary.variants(word), full_text=self.full_text)
            for word in self.words
        ]
        return sets[0].intersection(*sets[1:]) if len(sets) > 1 else sets[0]


def _in_names(variants, *, full_text: bool = True):
    """The ids of the trials whose short name or subtitle (in any language) contains one
    of `variants`: with full-text search (PostgreSQL) SearchDocument.names, through its
    trigram index; SQLite keeps no search documents and reads the trials."""
    if not full_text:
        return Trial.objects.filter(_contains_any(TRIAL_NAME_FIELDS, variants)).values("pk")
    return SearchDocument.objects.filter(_contains_any(["names"], variants)).values("trial_id")


def _named(**lookup):
    """The ids of the trials whose short name matches, e.g. _named(iexact="ESMART")."""
    named = Trial.objects.filter(**{f"short_name__{name}": value for name, value in lookup.items()})
    return named.values("pk")


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


def _contains_any(fields, variants) -> Q:
    """Any of `fields` contains any of `variants`."""
    return reduce(
        or_, (Q(**{f"{name}__icontains": variant}) for variant in variants for name in fields)
    )


def _trial_ids_elsewhere(word: str, variants: list[str], vocabulary: Vocabulary) -> list:
    """Sets of the ids of trials with `word` (or one of its spellings) outside their own
    texts: in their arms, investigators, cancer types (by the hierarchy rule) or, for a
    word long enough, part of a registry number. Each is read from an index."""
    sets = [
        Arm.objects.filter(_contains_any(ARM_TEXT_FIELDS, variants)).values("trial_id"),
        TrialInvestigator.objects.filter(_contains_any(["investigator__name"], variants)).values(
            "trial_id"
        ),
    ]
    if named := vocabulary.cancer_types_named(variants):
        sets.append(_tagged(named, vocabulary))
    if len(word) >= MIN_PARTIAL_REGISTRY_SEARCH:
        sets.append(RegistryNumber.objects.filter(value__icontains=word).values("trial_id"))
    return sets


def _word_condition(word: str, vocabulary: Vocabulary) -> Q:
    """Without full-text search (SQLite): a trial has `word` (or one of its spellings)
    somewhere, its own texts, sponsor and network read as typed."""
    variants = vocabulary.variants(word)
    condition = _contains_any(TRIAL_TEXT_FIELDS, variants)
    for ids in _trial_ids_elsewhere(word, variants, vocabulary):
        condition |= Q(pk__in=ids)
    return condition


def _word_trial_ids(word: str, vocabulary: Vocabulary):
    """With full-text search (PostgreSQL): the ids of the trials with `word` somewhere,
    one set (UNION) of sets each read from an index: the trial's long texts by their
    words, through the SearchDocument; its names, sponsor and network in part."""
    variants = vocabulary.variants(word)
    query = _full_text_query(word, vocabulary)
    sets = [
        SearchDocument.objects.filter(document=query).values("trial_id"),
        _in_names(variants),
        # A set per role, each read through the index of its organisation column.
        Trial.objects.filter(_contains_any(["sponsor__name"], variants)).values("pk"),
        Trial.objects.filter(_contains_any(["network__name"], variants)).values("pk"),
        *_trial_ids_elsewhere(word, variants, vocabulary),
    ]
    # UNION ALL: the same id twice costs nothing here (INTERSECT and IN take each once),
    # while removing duplicates from the 90,000 ids of a common word took 30 ms.
    return sets[0].union(*sets[1:], all=True)


def _registry_number_ids(text: str) -> tuple:
    """The ids of trials carrying the registry number `text` names, exactly and in part
    (None: `text` names none)."""
    candidates = registry_number_candidates(text)
    numbers = RegistryNumber.objects.values("trial_id")
    exact = numbers.filter(value__in=candidates) if candidates else None
    long_enough = [c for c in candidates if len(c) >= MIN_PARTIAL_REGISTRY_SEARCH]
    partial = numbers.filter(_contains_any(["value"], long_enough)) if long_enough else None
    return exact, partial


def _tagged(cancer_types, vocabulary: Vocabulary):
    """The ids of trials for any of `cancer_types` by the hierarchy rule, from the tags."""
    tags = tag_ids_counting_for(cancer_types, vocabulary.cancer_types)
    return Trial.cancer_types.through.objects.filter(cancertype__in=tags).values("trial_id")


def _among(ids) -> Q:
    """A condition: the trial's id is in `ids` (None: no trial)."""
    return Q(pk__in=[]) if ids is None else Q(pk__in=ids)
