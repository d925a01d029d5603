"""Rich text for long trial texts: what staff may write, and the server-side allow-list.

Staff edit paragraphs, lists, links and emphasis in the admin's prose editor. Whatever
arrives, from the editor, an import or the shell, is cleaned with nh3 before it is stored
and again when it is shown: scripts, event handlers, javascript: links, styles and iframes
never reach a family's screen.
"""

import re

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

# What the admin's editor offers; the sanitizer allows exactly the tags these produce.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}
EDITOR_CONFIG = {"extensions": EDITOR_EXTENSIONS}

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
# Whitespace between blocks means nothing in HTML; dropping it stores what the editor
# sends back, so opening and saving a trial changes nothing.
_BETWEEN_BLOCKS = re.compile(r"(</(?:p|ul|ol|li)>|<(?:ul|ol)>)\s+")
_EMPTY_PARAGRAPH = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")


def sanitize_html(value: str) -> str:
    """Allow-listed HTML. Plain text (older content, imports) becomes paragraphs first."""
    if not value:
        return ""
    if not _LOOKS_LIKE_HTML.search(value):
        value = linebreaks(escape(value.strip()))
    cleaned = _BETWEEN_BLOCKS.sub(r"\1", _cleaner.clean(value).strip())
    return "" if _EMPTY_PARAGRAPH.match(cleaned) else cleaned


def render_rich_text(value: str) -> SafeString:
    """For templates: cleaned again on the way out, so nothing stored unsafely can show."""
    return mark_safe(sanitize_html(value))  # noqa: S308 - sanitized just above
