import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import is_valid_path
from django.utils import translation
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _

from .languages import visitor_language
from .logs import request_id_var

access_log = logging.getLogger("trialportal.access")

# An id from the proxy in front is kept, so its log and ours can be joined; anything
# else (too long, odd characters that could forge log lines) is replaced by our own.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}", re.ASCII)


class RequestIDMiddleware:
    """Give each request an id (X-Request-ID, sent back in the response) that every log
    line written while handling it carries, and write one access-log line per request:
    method, path without the query string, status and duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class SlidingSessionMiddleware:
    """A staff session ends SESSION_COOKIE_AGE after its last use, not after login.

    Each request that uses the session moves the end forward, but the session is saved
    for that at most every few minutes, so the admin does not write on every click.
    """

    REFRESH_AFTER_SECONDS = 5 * 60
    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        if time.time() - session.get(self.KEY, 0) >= min(
            self.REFRESH_AFTER_SECONDS, settings.SESSION_COOKIE_AGE
        ):
            mark_session_used(session)  # modified: SessionMiddleware saves it, resends the cookie
        return response


def mark_session_used(session) -> None:
    session[SlidingSessionMiddleware.KEY] = int(time.time())


def mark_session_used_at_login(sender, request, user, **kwargs) -> None:
    """Signing in is a use: the session is being saved anyway (user_logged_in receiver)."""
    if hasattr(request, "session"):
        mark_session_used(request.session)


class RejectNulCharactersMiddleware:
    """Answer 400 to a query string holding a NUL character.

    PostgreSQL cannot store or compare text containing NUL, so such a value reaching a
    query (an admin filter, an autocomplete term) would end in a 500. No real link holds
    one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in value for values in request.GET.lists() for value in values[1]
        ):
            message = _("This address contains a character we cannot read.")
            if request.path.startswith("/api/"):  # the API answers in JSON, always
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(
                message,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (an address without a language redirects, keeping its
    query string, to the same page under /nl/ or /en/), with two differences:

    - the visitor's language for such a redirect is the one they read the site in last
      time, else their browser's, else TRIALPORTAL_DEFAULT_LANGUAGE (Dutch), not
      LANGUAGE_CODE (what machines get from the admin and the API);
    - a page read in a language remembers it (the language cookie), so `/` and printed
      addresses lead there next time. Only a change sets the cookie.
    """

    def process_request(self, request):
        super().process_request(request)
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if get_language_from_path(request.path_info) is None and not is_valid_path(
            request.path_info, urlconf
        ):
            translation.activate(visitor_language(request))
            request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        language = get_language_from_path(request.path_info)
        if (
            language
            and response.status_code < 400
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language
        ):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
