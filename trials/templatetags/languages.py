"""The language switch: this same page (same trial, same filters) in the other languages."""

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_from_path, get_language_info

from trialportal.languages import in_language

register = template.Library()


@register.simple_tag(takes_context=True)
def other_languages(context) -> list[dict]:
    """[{code, name (in that language), url}] for each language this page is not shown
    in; empty outside the language-prefixed pages (the admin, the API's docs, error pages
    rendered without a request), which follow the browser's language instead."""
    request = context.get("request")
    if request is None or get_language_from_path(request.path_info) is None:
        return []
    here = request.get_full_path()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": in_language(here, code),
        }
        for code, _name in settings.LANGUAGES
        if code != get_language()
    ]
