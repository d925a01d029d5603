"""Staff admin, one module per concern; importing registers every ModelAdmin."""

from . import centre, content, trial  # noqa: F401
