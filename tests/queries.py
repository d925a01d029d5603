"""What the number of a page's queries depends on, for the tests that pin it."""

from django.db import connection

# With full-text search (PostgreSQL) the finder first counts a search's matches in the
# search documents' sample, to know whether it is broad (trials.filters.FacetCounts).
SEARCH_SAMPLE = 1 if connection.vendor == "postgresql" else 0
