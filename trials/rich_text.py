"""Rich text for long texts: what staff may write, and the server-side allow-list.

Staff edit paragraphs, lists, links and emphasis in the admin's prose editor. The allow-list
is derived from the editor's own configuration (EDITOR_EXTENSIONS), so the two cannot drift
apart. Whatever arrives, from the editor, an import or the shell, is cleaned with nh3 when it
is saved (RichTextField) and again when it is shown: scripts, event handlers, javascript:
links, styles and iframes never reach a family's screen.
"""

import functools
import re

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django_prose_editor.config import allowlist_from_extensions
from django_prose_editor.fields import ProseEditorField

# What the admin's editor offers; the sanitizer allows exactly the HTML these produce.
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
# Every link a family follows leaves our site without passing on who they are.
LINK_REL = "noopener noreferrer nofollow"

_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
# Whitespace between blocks means nothing in HTML; dropping it stores what the editor
# sends back, so opening and saving a trial changes nothing.
_BETWEEN_BLOCKS = re.compile(r"(</(?:p|ul|ol|li)>|<(?:ul|ol)>)\s+")
_EMPTY_PARAGRAPH = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")
# A link whose address was unsafe (javascript:) loses its href; what is left is not a link.
_LINK_WITHOUT_ADDRESS = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """Built on first use: the editor's configuration reads Django's settings."""
    allowed = allowlist_from_extensions(EDITOR_EXTENSIONS)
    # rel is set by the cleaner on every link, never taken from the input.
    attributes = {tag: set(names) - {"rel"} for tag, names in allowed["attributes"].items()}
    return nh3.Cleaner(
        tags=allowed["tags"],
        attributes=attributes,
        url_schemes=allowed.get("url_schemes", set()),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def sanitize_html(value: str) -> str:
    """Allow-listed HTML. Plain text (older content, imports) becomes paragraphs first."""
    if not value:
        return ""
    if not _LOOKS_LIKE_HTML.search(value):
        value = linebreaks(escape(value.strip()))
    cleaned = _LINK_WITHOUT_ADDRESS.sub(r"\1", _cleaner().clean(value).strip())
    cleaned = _BETWEEN_BLOCKS.sub(r"\1", cleaned)
    return "" if _EMPTY_PARAGRAPH.match(cleaned) else cleaned


def render_rich_text(value: str) -> SafeString:
    """For templates: cleaned again on the way out, so nothing stored unsafely can show."""
    return mark_safe(sanitize_html(value))  # noqa: S308 - sanitized just above


class RichTextField(ProseEditorField):
    """A long text edited with the prose editor and cleaned on every save, whatever saves
    it (the admin, an import, a script), so the database only holds allow-listed HTML."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", EDITOR_CONFIG)
        kwargs.setdefault("sanitize", sanitize_html)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        if not _is_translated_original(model_instance, self.attname):
            setattr(model_instance, self.attname, value)
        return value


def _is_translated_original(model_instance, attname: str) -> bool:
    """Whether `attname` is a text written per language (trials/translation.py) whose
    original column only echoes the active language: setting it would write the text shown
    (perhaps another language's, as a fallback) into the active language's column. Each
    language's column (summary_nl) is a RichTextField of its own and is cleaned itself."""
    from modeltranslation.fields import TranslationFieldDescriptor

    return isinstance(getattr(type(model_instance), attname, None), TranslationFieldDescriptor)
