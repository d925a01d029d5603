"""Files staff upload for the centre's look (a logo, a web font), checked before they are kept.

They are stored in the database and served by the site itself (trials.views.centre_file):
production has no media server, and a logo is small. An SVG is a document that can carry
scripts, so one is refused unless it is a plain drawing (no scripts, event handlers,
embedded documents, animations or links outside the file), parsed with defusedxml (no
entity tricks); it is then shown only as an <img> and served with a sandboxing
Content-Security-Policy, so even a file that slipped through could not run anything.
"""

import re
import struct
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_LOGO_BYTES = 100 * 1024
MAX_FONT_BYTES = 300 * 1024

PNG = "image/png"
SVG = "image/svg+xml"
WOFF2 = "font/woff2"

SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
# Elements that run code, embed other documents or change the drawing after it loads.
FORBIDDEN_SVG_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "audio",
    "video",
    "handler",
    "listener",
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
    "animatecolor",
    "discard",
}
# A link may point inside the file (#gradient) or hold an embedded bitmap, nothing else.
SAFE_HREF = re.compile(r"^(#[\w.:-]+|data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+)$")
LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$")


@dataclass(frozen=True)
class Logo:
    data: bytes
    content_type: str
    width: int | None
    height: int | None


def check_logo_size(size: int) -> None:
    if size > MAX_LOGO_BYTES:
        raise ValidationError(
            _("The logo is %(size)s; keep it under %(limit)s (a logo rarely needs more).")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_LOGO_BYTES)}
        )


def check_font_size(size: int) -> None:
    if size > MAX_FONT_BYTES:
        raise ValidationError(
            _("The font is %(size)s; use a file under %(limit)s (one weight, Latin characters).")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_FONT_BYTES)}
        )


def read_logo(data: bytes) -> Logo:
    """A PNG or a plain SVG drawing, with its size if it states one; ValidationError if not."""
    check_logo_size(len(data))
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _read_png(data)
    if b"<svg" in data[:4096]:
        return _read_svg(data)
    raise ValidationError(_("Upload the logo as a PNG or an SVG file."))


def _read_png(data: bytes) -> Logo:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ValidationError(_("This PNG file is damaged: open it and save it again."))
    width, height = struct.unpack(">II", data[16:24])
    return Logo(data=data, content_type=PNG, width=width, height=height)


def _read_svg(data: bytes) -> Logo:
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise ValidationError(
            _(
                "This SVG file cannot be read safely (it is damaged, or declares a DTD or "
                "entities). Export it again as a plain SVG."
            )
        ) from None
    if root.tag != f"{SVG_NAMESPACE}svg":
        raise ValidationError(_("This file is not an SVG drawing."))
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if name in FORBIDDEN_SVG_ELEMENTS:
            raise ValidationError(
                _(
                    "The SVG contains a <%(element)s> element, which a logo does not need and "
                    "which could run code. Export it again without scripts, animations or "
                    "embedded content."
                )
                % {"element": name}
            )
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise ValidationError(
                    _("The SVG contains an event handler (%(attribute)s); remove it.")
                    % {"attribute": local}
                )
            if local == "href" and not SAFE_HREF.match(value.strip()):
                raise ValidationError(
                    _(
                        "The SVG links to something outside the file (%(href)s); a logo must "
                        "be self-contained."
                    )
                    % {"href": value.strip()[:60]}
                )
    width, height = _svg_size(root)
    return Logo(data=data, content_type=SVG, width=width, height=height)


def _svg_size(root) -> tuple[int | None, int | None]:
    """Width and height in pixels, from the attributes or else the viewBox."""
    width, height = (LENGTH.match(root.get(name, "")) for name in ("width", "height"))
    if width and height:
        return round(float(width[1])), round(float(height[1]))
    parts = root.get("viewBox", "").replace(",", " ").split()
    try:
        view_width, view_height = float(parts[2]), float(parts[3])
    except (IndexError, ValueError):
        return None, None
    if view_width <= 0 or view_height <= 0:
        return None, None
    return round(view_width), round(view_height)


def read_font(data: bytes) -> bytes:
    """A WOFF2 web font; ValidationError if the file is anything else or too large."""
    if not data.startswith(b"wOF2"):
        raise ValidationError(
            _("Upload the font as a WOFF2 file (the web font format every browser reads).")
        )
    check_font_size(len(data))
    return data
