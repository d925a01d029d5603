"""The one search used everywhere: names, titles, summary, cancer types, registry numbers,
and on PostgreSQL full text."""

from django.db import connections, models
from django.db.models import Case, F, Q, Value, When

from .models import CancerType, RegistryNumber

# Searching for part of a registry number needs at least this many characters: "0" or
# "nct" would match every registered trial.
MIN_PARTIAL_REGISTRY_SEARCH = 5


def search_trials(trials, text: str):
    """Trials matching every word of `text` in their names, titles, summary or cancer
    types, or carrying it as a registry number; annotated with `relevance` for
    sorting by best match.

    On PostgreSQL full-text search adds stemming ("leukaemias" finds "leukaemia");
    SQLite has no such thing, so there every word must appear as typed.
    """
    text = " ".join(text.split())
    if not text:
        return trials
    # Subqueries below are uncorrelated: the database runs each once, not per trial.
    compact = text.replace(" ", "")
    numbers = RegistryNumber.objects.values("trial_id")
    exact_number = Q(pk__in=numbers.filter(value__iexact=compact))
    # Part of a number only once it is long enough to mean something ("NCT0281").
    partial_number = (
        Q(pk__in=numbers.filter(value__icontains=compact))
        if len(compact) >= MIN_PARTIAL_REGISTRY_SEARCH
        else Q(pk__in=[])
    )
    tags = CancerType.trials.through.objects.values("trial_id")

    def in_cancer_type_names(word):
        named = CancerType.objects.filter(
            Q(name__icontains=word) | Q(parent__name__icontains=word)
        ).values("pk")
        return Q(pk__in=tags.filter(cancertype_id__in=named))

    every_word = Q()
    for word in text.split()[:12]:
        every_word &= (
            Q(short_name__icontains=word)
            | Q(subtitle__icontains=word)
            | Q(official_title__icontains=word)
            | Q(summary__icontains=word)
            | in_cancer_type_names(word)
        )
    relevance = Case(
        When(Q(short_name__iexact=text) | exact_number, then=Value(100.0)),
        When(short_name__icontains=text, then=Value(50.0)),
        When(partial_number, then=Value(40.0)),
        When(in_cancer_type_names(text), then=Value(30.0)),
        When(Q(subtitle__icontains=text) | Q(official_title__icontains=text), then=Value(20.0)),
        When(summary__icontains=text, then=Value(10.0)),
        default=Value(0.0),
        output_field=models.FloatField(),
    )
    matches = every_word | exact_number | partial_number
    if connections[trials.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        # search_document is kept up to date by a trigger (migration 0006).
        query = SearchQuery(text, search_type="websearch", config="english")
        return trials.annotate(
            relevance=relevance + SearchRank(F("search_document"), query) * 10
        ).filter(matches | Q(search_document=query))
    return trials.annotate(relevance=relevance).filter(matches)
