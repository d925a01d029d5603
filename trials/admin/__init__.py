"""Staff admin, one module per concern; importing registers every ModelAdmin."""

from . import centre, content, registry, trial  # noqa: F401
