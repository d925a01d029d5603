"""Error pages in the site's look, and the "database unavailable" answer.

Each renders without touching the database, so it can be shown while the database is
the thing that failed.
"""

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

TOO_MUCH = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
# How long a visitor (or a proxy) is told to wait before trying again when the
# database is down or too slow to answer.
RETRY_AFTER_SECONDS = 30


def _render(request, template_name: str, status: int, context: dict | None = None):
    context = {
        "centre_name": settings.TRIALPORTAL_CENTRE_NAME,
        "status": status,
        **(context or {}),
    }
    try:
        # Without the request: no context processor can fail a second time.
        body = loader.render_to_string(template_name, context)
    except Exception:
        logger.exception("The %s page could not be rendered", status)
        body = f"<!DOCTYPE html><title>{status}</title><h1>{status}</h1>"
    return HttpResponse(body, status=status)


def bad_request(request, exception):
    if isinstance(exception, RequestDataTooBig):
        # A pasted document or image far larger than any field: 413 Content Too Large.
        return _render(request, "413.html", 413, {"reason": "size"})
    if isinstance(exception, TOO_MUCH):
        return _render(request, "413.html", 400, {"reason": "fields"})
    return _render(request, "400.html", 400)


def permission_denied(request, exception):
    return _render(request, "403.html", 403)


def csrf_failure(request, reason=""):
    return _render(request, "403_csrf.html", 403)


def server_error(request):
    """500, or 503 with Retry-After when the database is down, hanging or refusing."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = _render(request, "503.html", 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _render(request, "500.html", 500)
