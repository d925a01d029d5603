"""Staff admin, one module per concern; importing registers every ModelAdmin."""

from . import content, trial  # noqa: F401
