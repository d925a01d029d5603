"""Conditional GET for the public pages, feeds and API: an ETag and Last-Modified that cost
one small query, so a client that already has the current answer gets a 304.

They are site-wide: any change to public content (a trial, its arms or approvals through
the trial form, a cancer type, a glossary word, an organisation, an investigator, the
centre's settings, a spelling variant), a deleted row (the counts), a new release of the
code or a new day (review notices) changes every page's validators.
Coarse, but never stale, and cheap enough to compute on every request. The same version
keys the page cache (trials.page_cache), so a 304 and a cached page agree."""

import datetime
import hashlib
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from .models import (
    CancerType,
    GlossaryTerm,
    Investigator,
    Organisation,
    Publication,
    SiteSettings,
    SpellingVariant,
    Trial,
    TrialEvent,
)
from .page_cache import VARIES_WITH, cached_page

# Pages change when the code does: a restart (a release) starts new validators.
RELEASED_AT = timezone.now().replace(microsecond=0)
# What the answers are made with (code, templates, translations, the static files'
# manifest), for the validators and cache keys: the same in every worker process and on
# every app server running one release, unlike the moment each one started.
CODE_FOLDERS = ("trialportal", "trials", "follow", "templates", "locale")
CODE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".css", ".mo"}


def code_fingerprint() -> str:
    digest = hashlib.blake2b(digest_size=16)
    base = Path(settings.BASE_DIR)
    files = [Path(settings.STATIC_ROOT) / "staticfiles.json"]
    for folder in CODE_FOLDERS:
        files += [path for path in (base / folder).rglob("*") if path.suffix in CODE_SUFFIXES]
    for path in sorted(files):
        if path.is_file():
            digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


CODE_FINGERPRINT = code_fingerprint()
# The centre's settings too (every page shows its name, contact details and look), and the
# spelling variants (search results, in the API too, change with them).
STAMPED_MODELS = (
    Trial,
    CancerType,
    GlossaryTerm,
    Organisation,
    Investigator,
    SiteSettings,
    SpellingVariant,
)


@dataclass(frozen=True)
class ContentStamp:
    fingerprint: str
    last_modified: datetime.datetime


def _stamp_sql() -> tuple[str, list]:
    # Only our models' own table and column names go into the text; values are parameters.
    quote = connection.ops.quote_name
    parts = []
    for model in STAMPED_MODELS:
        table = quote(model._meta.db_table)
        parts.append(f"(SELECT MAX({quote('updated_at')}) FROM {table})")  # noqa: S608
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
    trials = quote(Trial._meta.db_table)
    # The changes feed's rows, added (never changed) after a trial's change is committed.
    events = quote(TrialEvent._meta.db_table)
    parts.append(f"(SELECT MAX({quote('id')}) FROM {events})")  # noqa: S608
    parts.append(f"(SELECT COUNT(*) FROM {trials} WHERE {quote('publication')} = %s)")  # noqa: S608
    return "SELECT " + ", ".join(parts), [Publication.PUBLISHED]


def _as_datetime(value) -> datetime.datetime | None:
    # PostgreSQL gives aware datetimes; SQLite gives text in UTC.
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = DateTimeField().to_python(value)
    return timezone.make_aware(parsed, datetime.UTC) if timezone.is_naive(parsed) else parsed


def content_stamp(request=None) -> ContentStamp:
    """The state of all public content, read once per request (one query)."""
    cached = getattr(request, "_content_stamp", None)
    if cached is not None:
        return cached
    sql, params = _stamp_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    changed = [_as_datetime(value) for value in row[0 : 2 * len(STAMPED_MODELS) : 2]]
    newest = max([RELEASED_AT, *(value for value in changed if value is not None)])
    stamp = ContentStamp(fingerprint="|".join(str(value) for value in row), last_modified=newest)
    if request is not None:
        request._content_stamp = stamp
    return stamp


def public_version(request, *args, **kwargs) -> str:
    """The version of everything public: the release, the content and the day."""
    return "\n".join(
        [CODE_FINGERPRINT, content_stamp(request).fingerprint, timezone.localdate().isoformat()]
    )


def public_etag(request, *args, **kwargs) -> str:
    """Same version, same language, same address, same kind of answer: same ETag. (Public
    pages carry no CSRF token, so nothing about the visitor goes into it.)"""
    parts = [
        public_version(request),
        translation.get_language() or "",
        request.get_full_path(),
        *(request.headers.get(header, "") for header in VARIES_WITH),
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def public_last_modified(request, *args, **kwargs) -> datetime.datetime:
    return content_stamp(request).last_modified


_conditional = condition(etag_func=public_etag, last_modified_func=public_last_modified)


def conditional_public(view):
    """Answer 304 Not Modified when the client's copy is current, else from the page
    cache when it can (trials.page_cache). `no-cache`: clients always ask again
    (cheaply), rather than guess a freshness from Last-Modified."""
    conditional_view = _conditional(cached_page(view, version=public_version))

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = conditional_view(request, *args, **kwargs)
        patch_cache_control(response, no_cache=True)
        return response

    return wrapped
