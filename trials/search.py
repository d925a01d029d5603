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
On PostgreSQL, a search is one query of the trials' SearchDocuments (a GIN index), which
triggers keep up to date (migration 0019): full-text search (stemmed: "relapses" finds
"relapsed", "tumoren" finds "tumor"), with each language's text-search configuration
(settings.TRIALPORTAL_SEARCH_CONFIGS), matches and ranks the long texts (titles, summary,
who can enter, goal, background); the words of the names, arms, drugs and targets match as
typed or by their start ("ribo" finds ribociclib), and so do registry numbers; sponsors,
networks and investigators match any part of their names (their small tables are read
first, through trigram indexes) and cancer types by all their names (the vocabulary), both
as ids in the documents. So a search reads one index, not every trial, and stays fast at a
registry's 100,000 trials. A registry number the whole text names is read from its own
table. SQLite has no such thing, so there every word must appear as typed, or as one of
its spelling variants, in any of the texts, names and numbers.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchQueryCombinable, SearchQueryField
from django.db import connections, models
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

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
from .models.trial import in_cancer_types_by_key, open_first_rank

# Searching for part of a registry number needs at least this many characters: "0" or
# "nct" would match every registered trial.
MIN_PARTIAL_REGISTRY_SEARCH = 5
# One trial in SAMPLE_EVERY has SAMPLE_WORD in its search document (migration 0021): the
# finder's counts for a broad search are read from those, times SAMPLE_EVERY, as "about".
SAMPLE_EVERY = 16
SAMPLE_WORD = "sample:0"
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

    def condition(
        self, *, sampled: bool = False, per_row: bool = False, within=None, each_document=False
    ) -> Q:
        """Trials with every word somewhere, or for a cancer type the whole text names, or
        with the registry number it names. With full-text search (PostgreSQL):
        `sampled`: only those in the search documents' sample (migration 0021);
        `per_row`: as a test of each trial the rest of the query reads (for a broad search
        whose trials are read in the order of an index), not a set to look each one up in
        (see MatchedPerRow);
        `within`: a query of the documents' facet words (with_facet()) that every match
        read from the text index must also meet, to read only those the filters keep;
        `each_document`: as a test of each trial the rest of the query reads against its
        own search document, for a query that reads few (see reads_each_document)."""
        if not self.text:
            return Q()
        if not self.words:  # punctuation only ("?", "..."): no word to look for
            return Q(pk__in=[])
        if self.full_text and each_document:
            return self._in_each_document()
        if self.full_text:
            matched = Q(pk__in=self.trial_ids(sampled=sampled, within=within))
            return Q(MatchedPerRow(matched)) if per_row else matched
        every_word = reduce(
            and_, (_word_condition(word, self.vocabulary) for word in self.words), Q()
        )
        return every_word | self.in_named_type | self.number_match | self.partial_number_match

    def trial_ids(self, *, sampled: bool = False, within=None):
        """With full-text search (PostgreSQL): the same trials as one set of ids, read with
        one query of the search documents' text index: each word a query of everything a
        trial is found by (its texts, names, arms, people, sponsor, network, cancer types,
        registry numbers: see migration 0019), every word required, or the cancer types
        the whole text names; then the registry numbers the whole text names. Before, each
        word was a UNION of sets read from eight tables and the words an INTERSECT of
        those: 110-160 ms for two common words at 100,000 trials."""
        query = self._document_query()
        if sampled:
            # In the same query, so the index skips through the words' long lists.
            query = query & TsQuery(_lexeme(SAMPLE_WORD))
        if within is not None:
            query = query & within
        ids = SearchDocument.objects.filter(document=EvaluatedOnce(query)).values("trial_id")
        others = self._named_numbers()
        if sampled:
            others = [ids.filter(trial_id__in=sampled_ids()) for ids in others]
        return ids.union(*others, all=True) if others else ids

    def _document_query(self):
        """The query of the search documents for this search's matches (full-text search):
        every word, or a cancer type the whole text names."""
        query = reduce(and_, (_word_query(word, self.vocabulary) for word in self.words))
        if self.named_types:
            query = query | with_cancer_types(self.named_types, self.vocabulary)
        return query

    def _in_each_document(self) -> Q:
        """The condition, as a test of each trial's own search document (and the registry
        numbers the text names, a small set): no set of every match is read first."""
        # Its own document: "between its id and its id", not "=", which PostgreSQL would
        # turn into a set of every match hashed first (what per_row does on purpose).
        documents = SearchDocument.objects.filter(
            trial_id__gte=OuterRef("pk"),
            trial_id__lte=OuterRef("pk"),
            document=EvaluatedOnce(self._document_query()),
        )
        condition = Q(MatchedPerRow(Q(Exists(documents))))
        for ids in self._named_numbers():
            condition |= Q(pk__in=ids)
        return condition

    def _named_numbers(self) -> list:
        """The ids of the trials with the registry number the text names, exactly and in
        part, each set that there is."""
        return [ids for ids in (self.numbers, self.partial_numbers) if ids is not None]

    def relevance(self, *, every_word: bool = True):
        """Best first: the trial's name or registry number, part of them, a cancer type
        the text names, the title, the summary; on PostgreSQL plus the full-text rank.

        Without `every_word` (for many matches, see TRIALPORTAL_RANK_EVERY_WORD_UP_TO):
        the same order of the name, registry number and cancer type, each a set of ids
        read from an index, where "part of the name" is every word of the text in the
        trial's names (on PostgreSQL as a word or its start); no long text is read
        (ranking 90,000 documents took 0.3 s, and the name in part 35 ms)."""
        if not self.words:
            return Value(0.0, output_field=models.FloatField())
        text = self.text
        tiers = self._ranked_tiers(every_word)
        ranks = [When(condition, then=rank) for rank, condition, _ in tiers]
        if every_word:
            ranks += [
                When(any_of("subtitle", text) | Q(official_title__icontains=text), then=20.0),
                When(any_of("summary", text), then=10.0),
            ]
        relevance = Case(*ranks, default=0.0, output_field=models.FloatField())
        if self.full_text and every_word:
            from django.contrib.postgres.search import SearchRank

            query = reduce(and_, (_full_text_query(word, self.vocabulary) for word in self.words))
            relevance = relevance + SearchRank(F("search_document__document"), query) * 10
        return relevance

    def best_match_pages(self, others) -> "BestMatchPages":
        """The trials of `others` (every other filter applied) this search matches, in best
        match order for many matches (relevance(every_word=False)), as pages to slice."""
        return BestMatchPages(self, others)

    def _ranked_tiers(self, every_word: bool = False) -> list[tuple[float, Q, object]]:
        """Best match's tiers above the texts, best first, each with its condition and, for
        a set of ids, that set (else None): the name or a registry number, part of the
        name, part of a registry number, a cancer type the text names. Without
        `every_word` (many matches) each but the last is a set of ids read from an index,
        "part of the name" is every word in the names, and the first tier is one set: as
        two, PostgreSQL read a tier's page by walking every trial in order and testing
        both (0.9 s at 100,000 trials)."""
        if every_word:
            tiers = [
                (100.0, Q(short_name__iexact=self.text) | self.number_match, None),
                (50.0, Q(short_name__icontains=self.text), None),
            ]
            if self.partial_numbers is not None:
                tiers.append((40.0, self.partial_number_match, None))
        else:
            name_or_number = [_named(iexact=self.text)]
            if self.numbers is not None:
                name_or_number.append(self.numbers)
            sets = [
                (100.0, name_or_number[0].union(*name_or_number[1:], all=True)),
                (50.0, self._every_word_in_names()),
            ]
            if self.partial_numbers is not None:
                sets.append((40.0, self.partial_numbers))
            tiers = [(rank, Q(pk__in=ids), ids) for rank, ids in sets]
        if self.named_types:
            tiers.append((30.0, self.in_named_type, None))
        return tiers

    def _every_word_in_names(self):
        """The ids of the trials with every word (or a spelling of it) in their names: with
        full-text search (PostgreSQL) as a word of their names or its start, one query of
        the search documents; on SQLite anywhere in the names."""
        variants = [self.vocabulary.variants(word) for word in self.words]
        if self.full_text:
            in_names = [[MarkedPrefixes("name:", v) for v in spellings] for spellings in variants]
            query = reduce(and_, (reduce(or_, word) for word in in_names))
            return SearchDocument.objects.filter(document=EvaluatedOnce(query)).values("trial_id")
        every_word = reduce(and_, (_contains_any(TRIAL_NAME_FIELDS, v) for v in variants))
        return Trial.objects.filter(every_word).values("pk")


def with_facet(marker: str, values) -> "TsQuery":
    """A query of the search documents whose trials have any of `values` in a facet, by
    the facet's marked words (migration 0023): "status", "phase", "setting" (the disease
    setting) or "open_arm" ("yes")."""
    return TsQuery(" | ".join(_lexeme(f"{marker}:{value}") for value in sorted(values)))


def reads_each_document(page_end: int, matches: int) -> bool:
    """Whether a page of a broad search (`matches`, at least TRIALPORTAL_EXACT_COUNTS_UP_TO)
    read in an order other than best match, ending at result `page_end`, tests each trial
    it reads against that trial's own search document (Search.condition's
    `each_document`), rather than against every match hashed first (`per_row`). A broad
    search matches at least one trial in ten (10,000 of 100,000), so the first hundredth of
    its matches lies within the first 1,000 trials of the order: a lookup each (about
    20 µs), where hashing 56,000 matches took 60 ms whatever the page."""
    return page_end * 100 <= matches


def sampled_ids():
    """The ids of the trials in the sample of every search document (migration 0021)."""
    sample = TsQuery(_lexeme(SAMPLE_WORD))
    return SearchDocument.objects.filter(document=EvaluatedOnce(sample)).values("trial_id")


class BestMatchPages:
    """A broad search's results in best-match order (Search.relevance for many matches),
    read tier by tier so that a page reads little more than it shows.

    Sorting all 56,000 matches of "solid tumours" at 100,000 trials by relevance took 105
    ms, and most of them were the trials of a cancer type the text names, which rank alike
    (30) and are then listed open first. But every such trial is a match (the search takes
    in the cancer types the whole text names), and so is every trial of a tier above (its
    names and registry numbers are in its search document). So a page is each tier's
    trials in turn, each tier read in the finder's order (open first, then by name) and
    only as far as the page needs: the named types' trials from an index, with no text
    searched at all. Only a page past every tier reads the other matches, in the same
    order. tests/test_broad_search.py checks the pages against sorting every match."""

    def __init__(self, search: Search, others):
        self.search = search
        self.others = others  # the published trials every other filter lets through
        self.tiers = search._ranked_tiers()

    def __getitem__(self, page: slice) -> list:
        offset, stop = page.start or 0, page.stop
        branches, higher = [], Q(pk__in=[])
        for relevance, condition, ids in self.tiers:
            # A set of ids is read first (among_ids): as `id IN (...)`, PostgreSQL could walk
            # the trials in order testing each against the documents (0.7 s for an empty
            # tier). The higher tiers are left out by their condition (a hashed set).
            tier = self.others.filter(condition if ids is None else among_ids(ids))
            tier = tier.exclude(higher)
            branches.append(_in_order(tier.annotate(relevance=Value(relevance)))[:stop])
            higher |= condition
        ranked = branches[0].union(*branches[1:], all=True)
        order = ranked.order_by("-relevance", "open_rank", "short_name", "id")
        ids = [pk for pk, *_ in order[offset:stop]]
        if len(ids) == stop - offset:
            return ids
        # Past every tier: the other matches, open first.
        skip = max(0, offset - self.others.filter(higher).count())
        rest = self.others.filter(self.search.condition(per_row=True)).exclude(higher)
        rest = _in_order(rest.annotate(relevance=Value(0.0)))
        return ids + [pk for pk, *_ in rest[skip : skip + stop - offset - len(ids)]]


def _in_order(trials):
    """`trials` (annotated with `relevance`) as the rows BestMatchPages sorts by, in the
    finder's best-match order."""
    trials = trials.annotate(open_rank=open_first_rank())
    ordered = trials.order_by("-relevance", "open_rank", "short_name", "pk")
    return ordered.values_list("id", "relevance", "open_rank", "short_name")


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
    if len(word) >= MIN_PARTIAL_REGISTRY_SEARCH and registry_numbers_in(word):
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


def _word_query(word: str, vocabulary: Vocabulary):
    """With full-text search (PostgreSQL): the query of the search documents for the trials
    with `word` (or one of its spellings) somewhere: in their texts, stemmed; as a word of
    their names, arms' names, drugs or targets, or the start of one; in the name of their
    sponsor, network or an investigator, in part; in the names of a cancer type they count
    for; for a word long enough, as the start of a registry number (migration 0019)."""
    variants = vocabulary.variants(word)
    query = _full_text_query(word, vocabulary)
    for variant in variants:
        query = query | MarkedPrefixes("name:", variant) | MarkedPrefixes("arm:", variant)
    query = query | NamedQuery(variants)
    if named := vocabulary.cancer_types_named(variants):
        query = query | with_cancer_types(named, vocabulary)
    numbers = sorted(number.lower() for number in registry_numbers_in(word))
    if len(word) >= MIN_PARTIAL_REGISTRY_SEARCH and numbers:
        query = query | TsQuery(" | ".join(f"{_lexeme(f'number:{n}')}:*" for n in numbers))
    return query


def with_cancer_types(cancer_types, vocabulary: Vocabulary):
    """The query of the search documents for the trials of any of `cancer_types`, by the
    hierarchy rule (as the finder's cancer-type filter chooses them), from the ids of
    their tags."""
    tags = sorted(tag_ids_counting_for(cancer_types, vocabulary.cancer_types))
    return TsQuery(" | ".join(_lexeme(f"tag:{tag}") for tag in tags))


def _lexeme(text: str) -> str:
    """`text` as one lexeme of a tsquery, taken as it is (Django's Lexeme would turn the
    colon of "tag:3" into a space)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


class DocumentQuery(SearchQueryCombinable, Func):
    """A part of a query of the search documents, combined with `|` and `&` as Django's
    SearchQuery is (which needs its `config`)."""

    output_field = SearchQueryField()
    config = None


class TsQuery(DocumentQuery):
    """A tsquery written out ("'tag:3' | 'tag:9'"), its lexemes taken as they are."""

    template = "%(expressions)s::tsquery"

    def __init__(self, text: str):
        super().__init__(Value(text))


class MarkedPrefixes(DocumentQuery):
    """Each word of `text` after `marker`, or a word starting with it ("name:ribo" finds
    name:ribociclib): split as the search document's words were (migration 0019)."""

    function = "trials_marked_prefixes"

    def __init__(self, marker: str, text: str):
        super().__init__(Value(marker), Value(text))


class NamedQuery(DocumentQuery):
    """The sponsors, networks and investigators whose names hold one of `texts` (in any
    case), as a query of their ids in the search documents."""

    def __init__(self, texts: list[str]):
        super().__init__()
        self.texts = list(texts)

    def as_sql(self, compiler, connection, **extra_context):
        like = connection.ops.prep_for_like_query
        return "trials_named_query(%s)", ([f"%{like(text)}%" for text in self.texts],)


class EvaluatedOnce(SearchQuery):
    """`query` worked out once for the whole statement (a subquery, which PostgreSQL runs
    before the rest), not once per row if it ever reads the documents row by row."""

    template = "(SELECT %(expressions)s)"

    def __init__(self, query):
        Func.__init__(self, query, output_field=SearchQueryField())
        self.config = None
        self.invert = False


class MatchedPerRow(Func):
    """`condition` (trial ids IN a set) tested for each row the rest of the query reads,
    against the set hashed once, rather than joined to it. For the 56,000 matches of
    "solid tumours" at 100,000 trials, PostgreSQL otherwise looked each one up and sorted
    them all (125 ms); tested per row, it reads the published trials in the order of an
    index and stops at the page (70 ms: most of it the set itself). "IS TRUE" is what keeps
    the planner from turning the test into a join."""

    template = "(%(expressions)s) IS TRUE"
    output_field = models.BooleanField()

    def __init__(self, condition: Q):
        super().__init__(ExpressionWrapper(condition, output_field=models.BooleanField()))


def among_ids(ids) -> Q:
    """The trial is among `ids` (a query of trial ids: a tier of best match), as
    `id = ANY(ARRAY(ids))` on PostgreSQL: the set is read first, once, and each trial
    looked up by its id. As `id IN (ids)` PostgreSQL could instead walk the trials in the
    page's order and test each against the search documents: 700 ms at 100,000 trials
    for a tier with no trial in it, once the order's index held the filter columns. Only
    for looking trials up: as a test of rows read otherwise, each row is compared with
    every id in turn."""
    if connections[ids.db].vendor != "postgresql":
        return Q(pk__in=ids)
    # Unordered: a union's default order (the trials' name) is no column of its own.
    return Q(_IdAmong(F("pk"), Subquery(ids.order_by())))


class _IdAmong(Func):
    output_field = models.BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        pk, ids = self.get_source_expressions()
        pk_sql, pk_params = compiler.compile(pk)
        ids_sql, ids_params = compiler.compile(ids)
        return f"{pk_sql} = ANY(ARRAY{ids_sql})", (*pk_params, *ids_params)


def registry_numbers_in(text: str) -> set[str]:
    """What `text` may be as a stored registry number (registry_number_candidates), if
    anything: every registry number has digits, so "relapsed" or "isrctn" names none."""
    return {
        candidate
        for candidate in registry_number_candidates(text)
        if any(char.isdigit() for char in candidate)
    }


def _registry_number_ids(text: str) -> tuple:
    """The ids of trials carrying the registry number `text` names, exactly and in part
    (None: `text` names none). Without one, the search's set of ids is the documents'
    alone, which PostgreSQL then joins with the trials in order, without first removing
    duplicates (11 ms less for each of the finder's queries at 15,000 matches)."""
    candidates = registry_numbers_in(text)
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
