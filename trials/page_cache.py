"""Whole public answers (pages, feeds, the sitemap, the API) from Django's cache, for
visitors without a session: a repeat visit costs the one query that reads the version of
public content (trials.freshness) and one cache read, instead of rendering the page.

Never stale: the key holds that version, read from the database on every request, so every
app server and process sees a change the moment it is committed, however it was made (the
admin, a script, an import). On top of that, a generation kept in the cache is replaced
whenever the site announces a public change (trials.signals), so with a shared cache
(REDIS_URL) a change also ends what other processes were rendering at that moment.

Never personal: requests with a session (staff) or a pending message neither read nor fill
the cache, and an answer is kept only when it is a plain 200 that set no cookie, used no
CSRF token, CSP nonce or session. Security headers are not stored: the middleware adds
them to every answer, cached or not (public pages carry no nonce, so the header is the same).
"""

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from .signals import public_site_changed, public_trial_changed, trial_events_recorded

# How long an answer is kept: it can never be served stale (the key holds the version of
# public content), so this only bounds the memory that rarely visited addresses take.
PAGE_SECONDS = 10 * 60
GENERATION_KEY = "public-pages:generation"
# Request headers a public answer depends on, besides the address and the language: the
# finder renders only its results fragment when static/js/finder.js asks with this one.
VARIES_WITH = ("X-Finder-Partial",)
# The messages framework's cookie: a page shown with a pending message is that visitor's.
MESSAGES_COOKIE = "messages"


def new_generation(**kwargs) -> None:
    """Start a new generation: answers kept before it are not served again."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


# Every change the public can see is announced with one of these (after commit).
public_trial_changed.connect(new_generation, dispatch_uid="trials.page_cache.trial")
public_site_changed.connect(new_generation, dispatch_uid="trials.page_cache.site")
# The changes feed gets its rows only after the trial's change was announced.
trial_events_recorded.connect(new_generation, dispatch_uid="trials.page_cache.events")


def _current_generation(found: dict) -> str:
    generation = found.get(GENERATION_KEY)
    if generation is None:  # never set, or evicted: start one (the first writer wins)
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY, "")
    return generation


def may_use_cache(request) -> bool:
    """Anonymous GET or HEAD: staff (who have a session) always get a fresh page."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def may_keep(request, response) -> bool:
    """Only what is the same for everyone: a complete 200 that set no cookie and used no
    CSRF token (tied to a cookie), CSP nonce (new for every answer) or session."""
    session = getattr(request, "session", None)
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "_csp_nonce", None)
        and not (session is not None and session.accessed)
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def answer_fingerprint(request, version: str) -> str:
    """Same version, same language, same address, same kind of answer: the same answer.
    For the page cache's key and the ETag (trials.freshness). Nothing about the visitor
    goes into it: public pages carry no CSRF token."""
    parts = [
        version,
        translation.get_language() or "",
        # Scheme and host too: canonical links and feeds name the full address.
        request.build_absolute_uri(),
        *(request.headers.get(header, "") for header in VARIES_WITH),
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=20).hexdigest()


def page_key(request, version: str) -> str:
    return "public-page:" + answer_fingerprint(request, version)


def cached_page(view, *, version: Callable[..., str]):
    """Serve `view`'s answer from the cache while `version(request)` (the version of public
    content) and the generation are unchanged; see the module's docstring."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_use_cache(request):
            return view(request, *args, **kwargs)
        # Both read before rendering, so what is rendered is at least this fresh.
        key = page_key(request, version(request, *args, **kwargs))
        found = cache.get_many([GENERATION_KEY, key])
        generation = _current_generation(found)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return entry[1]
        response = view(request, *args, **kwargs)

        def keep(response):
            if may_keep(request, response):
                cache.set(key, (generation, response), PAGE_SECONDS)

        if callable(getattr(response, "add_post_render_callback", None)):
            response.add_post_render_callback(keep)  # a TemplateResponse (the sitemap)
        else:
            keep(response)
        return response

    return wrapped
