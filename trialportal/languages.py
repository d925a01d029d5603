"""Which language a visitor reads the site in, and the same page in another language.

Public pages live under a language prefix (`/nl/…`, `/en/…`, Django's `i18n_patterns`);
their addresses are otherwise the same in every language (same slugs, same query), so the
other language's page is always found by its prefix alone.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import get_script_prefix, translate_url
from django.utils.translation import get_language_from_path, get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header


def chosen_language(request) -> str | None:
    """The language the visitor read the site in last time (cookie), else the first one
    their browser asks for that we have; None when neither says anything we speak."""
    saved = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    asked = [
        code
        for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", ""))
    ]
    for code in ([saved] if saved else []) + asked:
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def visitor_language(request) -> str:
    """Where to send a person who reached an address without a language."""
    return chosen_language(request) or settings.TRIALPORTAL_DEFAULT_LANGUAGE


def in_language(url: str, language: str) -> str:
    """The same page (`url`, a path or an absolute address, with its query string) in
    `language`; unchanged for an address outside the language-prefixed pages."""
    translated = translate_url(url, language)
    current = get_language_from_path(urlsplit(url).path)
    if translated == url and current and current != language:
        # Not a page we know (a 404): the same address under the other prefix.
        translated = _replace_prefix(url, current, language)
    return translated


def without_language(url: str) -> str:
    """The address without its language prefix: it sends each visitor to their own
    language (hreflang's x-default)."""
    current = get_language_from_path(urlsplit(url).path)
    return _replace_prefix(url, current, None) if current else url


def _replace_prefix(url: str, old: str, new: str | None) -> str:
    parts = urlsplit(url)
    prefix = get_script_prefix()
    rest = parts.path.removeprefix(f"{prefix}{old}/")
    path = f"{prefix}{new}/{rest}" if new else f"{prefix}{rest}"
    return urlunsplit(parts._replace(path=path))
