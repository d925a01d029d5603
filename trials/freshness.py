"""Conditional GET for the public pages, feeds and API: an ETag and Last-Modified that cost
one small query, so a client that already has the current answer gets a 304.

They are site-wide: any write to public content (a trial, its arms, approvals, numbers,
people or cancer types, a cancer type, a glossary word, the centre's settings, a spelling
variant, an old address; models.content_version lists the tables), however it was made, a
new release of the code or a new day (review notices) changes every page's validators.
Coarse, but never stale, and one primary-key read per request. The same version
keys the page cache (trials.page_cache), so a 304 and a cached page agree."""

import datetime
import hashlib
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.db.models import DateTimeField
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from .models import ContentVersion
from .page_cache import answer_fingerprint, cached_page

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


# Only our model's own table and column names go into the text (quoted as both databases do).
VERSION_SQL = (
    f'SELECT "counter", "changed_at" FROM "{ContentVersion._meta.db_table}" WHERE "id" = 1'  # noqa: S608
)


@dataclass(frozen=True)
class ContentStamp:
    fingerprint: str
    last_modified: datetime.datetime


def _as_datetime(value) -> datetime.datetime | None:
    # PostgreSQL gives aware datetimes; SQLite text or a naive datetime, in UTC.
    if value is None:
        return None
    parsed = value if isinstance(value, datetime.datetime) else DateTimeField().to_python(value)
    return timezone.make_aware(parsed, datetime.UTC) if timezone.is_naive(parsed) else parsed


def _read_version_row():
    # Plain SQL: on a page-cache hit this is most of the work, and the ORM took 0.5 ms to
    # build the statement against 0.2 ms for the read itself.
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        return cursor.fetchone()


def _version_row():
    """The version row, read as the request's first query and so as its connection's
    health check too (settings: conn_health_checks). Django would first send its own
    check (SELECT 1): a second round trip to the database on every page-cache hit. A
    connection that died while idle (the database restarted) fails this read instead,
    and is replaced as Django's check would replace it."""
    checks_pending = (
        connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    )
    if not checks_pending:
        return _read_version_row()
    connection.health_check_done = True  # this read is the check
    try:
        return _read_version_row()
    except (OperationalError, InterfaceError):
        connection.close()
        return _read_version_row()


def content_stamp(request=None) -> ContentStamp:
    """The state of all public content, read once per request: the one row the database's
    own triggers move on every write to a public table (models.content_version)."""
    cached = getattr(request, "_content_stamp", None)
    if cached is not None:
        return cached
    counter, changed_at = _version_row() or (0, None)
    changed_at = _as_datetime(changed_at)
    newest = max(RELEASED_AT, changed_at) if changed_at else RELEASED_AT
    stamp = ContentStamp(fingerprint=f"{counter}|{changed_at}", last_modified=newest)
    if request is not None:
        request._content_stamp = stamp
    return stamp


def public_version(request, *args, **kwargs) -> str:
    """The version of everything public: the release, the content and the day."""
    return "\n".join(
        [CODE_FINGERPRINT, content_stamp(request).fingerprint, timezone.localdate().isoformat()]
    )


def public_etag(request, *args, **kwargs) -> str:
    return answer_fingerprint(request, public_version(request))


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
