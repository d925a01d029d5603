"""What machines read in a page's head: the canonical address, link previews and JSON-LD."""

import json
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_from_path, to_locale

from trialportal.languages import in_language, without_language

from ..structured_data import medical_trial

register = template.Library()

# As django.utils.html.json_script: inside <script>, "<", ">" and "&" must not appear raw.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# The finder's defaults, left out of its canonical address.
FINDER_DEFAULTS = {"age_unit": "years", "sort": "relevance"}


@register.filter
def json_ld(value) -> str:
    """A JSON-LD data block. Not executed by browsers (fine under a strict CSP)."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    block = '<script type="application/ld+json">{}</script>'
    return format_html(block, mark_safe(text))  # noqa: S308 - <, > and & escaped above


@register.simple_tag(takes_context=True)
def trial_structured_data(context, trial) -> str:
    request = context["request"]
    return json_ld(medical_trial(trial, absolute_uri=request.build_absolute_uri))


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's address without what does not change it: the finder keeps only its
    valid, non-default filters (in a fixed order); every list keeps its page number."""
    return context["request"].build_absolute_uri(canonical_path(context))


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[dict]:
    """[{hreflang, href}]: the canonical address of this page in each language, and the
    address without a language (x-default), which sends each visitor to theirs. Empty
    outside the language-prefixed pages."""
    request = context["request"]
    if get_language_from_path(request.path_info) is None:
        return []
    path = canonical_path(context)
    alternates = [
        {"hreflang": code, "href": request.build_absolute_uri(in_language(path, code))}
        for code, _name in settings.LANGUAGES
    ]
    alternates.append(
        {"hreflang": "x-default", "href": request.build_absolute_uri(without_language(path))}
    )
    return alternates


def canonical_path(context) -> str:
    request = context["request"]
    query = []
    filterset = context.get("filter")
    if filterset is not None:
        values = filterset.valid_values()
        for name in filterset.Meta.fields:
            value = values.get(name)
            if name == "age_unit" and values.get("age") is None:
                continue
            items = value if isinstance(value, list) else [value]
            for item in sorted(str(item) for item in items if item not in (None, "")):
                if FINDER_DEFAULTS.get(name) != item:
                    query.append((name, item.strip() if name == "q" else item))
        query = [(name, item) for name, item in query if item]
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        query.append(("page", str(page_obj.number)))
    path = request.path
    if query:
        path += "?" + urlencode(query)
    return path


@register.filter
def locale_name(language_code: str) -> str:
    """ "en" or "pt-br" as OpenGraph writes it ("en", "pt_BR")."""
    return to_locale(language_code or "")
