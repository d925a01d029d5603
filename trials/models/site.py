"""The centre's own settings, edited by staff in the admin: how families reach the trial
office, and the centre's name and look. One row."""

import re
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from ..contrast import (
    CONTROL_CONTRAST,
    HEX_COLOUR,
    TEXT_CONTRAST,
    contrast_ratio,
    darken,
    format_ratio,
    readable_text_on,
)
from ..rich_text import EDITOR_CONFIG, sanitize_html
from .choices import FontScope
from .fields import phone_number
from .translated import Translated

# The page colours the brand colours must stand out against (static/css/site.css).
PAGE_BACKGROUND = "#fbfaf7"
SURFACE = "#ffffff"
TEXT = "#1d2733"
WHITE = "#ffffff"
DEFAULT_BRAND_COLOUR = "#1f5f8b"
DEFAULT_HEADER_COLOUR = "#ffffff"

SETTINGS_PK = 1

colour_validator = RegexValidator(
    HEX_COLOUR, _("Enter a colour as # and six hexadecimal digits, e.g. #1f5f8b.")
)


def colour(verbose_name, *, default: str, help_text) -> models.CharField:
    """One of the centre's colours, as # and six hexadecimal digits."""
    return models.CharField(
        verbose_name,
        max_length=7,
        default=default,
        validators=[colour_validator],
        help_text=help_text,
    )


def tel_href(phone: str) -> str:
    """ "+31 (0)88 972 72 72" -> "tel:+31889727272": what a phone dials."""
    phone = phone.replace("(0)", "") if phone.strip().startswith("+") else phone
    digits = re.sub(r"[^0-9]", "", phone)
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}" if digits else ""


@dataclass(frozen=True)
class Contact:
    """Whom a family asks: the trial office, or a trial's own research nurse."""

    phone: str
    email: str
    name: str = ""
    opening_hours: str = ""
    subject: str = ""

    @property
    def tel_href(self) -> str:
        return tel_href(self.phone)

    @property
    def mailto_href(self) -> str:
        if not self.email:
            return ""
        query = (
            f"?{urllib.parse.urlencode({'subject': self.subject}, quote_via=urllib.parse.quote)}"
        )
        return f"mailto:{self.email}{query if self.subject else ''}"

    def __bool__(self) -> bool:
        return bool(self.phone or self.email)


def default_centre_name() -> str:
    return settings.TRIALPORTAL_CENTRE_NAME


def default_centre_country() -> str:
    return settings.TRIALPORTAL_CENTRE_COUNTRY


class SiteSettings(Translated, models.Model):
    """The centre: its name, how families reach the trial office, and its look.

    There is one row (primary key 1), created by a migration from TRIALPORTAL_CENTRE_NAME
    and TRIALPORTAL_CENTRE_COUNTRY; `SiteSettings.load()` reads it.
    """

    centre_name = models.CharField(_("centre name"), max_length=120, default=default_centre_name)
    centre_country = models.CharField(
        _("country"),
        max_length=80,
        default=default_centre_country,
        help_text=_("As in '25 are expected to participate in the Netherlands'."),
    )

    # How families reach the trial office
    phone = phone_number(_("trial office phone"))
    email = models.EmailField(_("trial office email"), max_length=120, blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 'Monday to Friday, 9:00 to 17:00'"),
    )
    how_to_take_part = ProseEditorField(
        _("how to take part"),
        max_length=4000,
        blank=True,
        config=EDITOR_CONFIG,
        sanitize=sanitize_html,
        help_text=_(
            "Shown with the contact details: talk to your child's doctor, referral and "
            "second opinion, what happens next. A few short paragraphs or a list."
        ),
    )
    international_patients = models.CharField(
        _("international patients"),
        max_length=300,
        blank=True,
        help_text=_("One line for families from abroad, e.g. who helps with a referral."),
    )
    international_patients_url = models.URLField(
        _("international patients page"), max_length=300, blank=True
    )

    # The centre's look
    logo = models.BinaryField(_("logo"), null=True, blank=True, editable=False)
    logo_content_type = models.CharField(max_length=40, blank=True, editable=False)
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_alt = models.CharField(
        _("logo text alternative"),
        max_length=150,
        blank=True,
        help_text=_("What the logo says, for people who cannot see it, e.g. the centre's name."),
    )
    brand_colour = colour(
        _("brand colour"),
        default=DEFAULT_BRAND_COLOUR,
        help_text=_(
            "Links, buttons and selected options. It must stand out from the page "
            "(4.5:1, WCAG 2.2 AA), with white text readable on it."
        ),
    )
    header_colour = colour(
        _("header colour"),
        default=DEFAULT_HEADER_COLOUR,
        help_text=_(
            "The band at the top of every page; its text is white or dark, whichever reads best."
        ),
    )
    # Given its own family name in the generated stylesheet, so its real name is not needed.
    font = models.BinaryField(_("web font"), null=True, blank=True, editable=False)
    font_scope = models.CharField(
        _("use the font for"), max_length=20, choices=FontScope, default=FontScope.HEADINGS
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("centre settings")
        verbose_name_plural = _("centre settings")
        constraints = [models.CheckConstraint(condition=Q(pk=SETTINGS_PK), name="one_settings_row")]

    def __str__(self):
        return gettext("Settings of %(centre)s") % {"centre": self.centre_name}

    def save(self, *args, **kwargs):
        self.pk = SETTINGS_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "SiteSettings":
        """The row, or (before it exists, or in a flushed test database) the defaults."""
        return cls.objects.filter(pk=SETTINGS_PK).first() or cls(pk=SETTINGS_PK)

    def clean(self):
        errors = {}
        for name, problem in [
            ("brand_colour", self.brand_colour_problem()),
            ("header_colour", self.header_colour_problem()),
        ]:
            if problem:
                errors[name] = problem
        if errors:
            raise ValidationError(errors)

    def brand_colour_problem(self) -> str:
        """Why the brand colour would make text or controls hard to see, or ""."""
        if not HEX_COLOUR.match(self.brand_colour or ""):
            return ""
        checks = [
            (PAGE_BACKGROUND, _("links on the page background"), TEXT_CONTRAST),
            (WHITE, _("white text on buttons"), TEXT_CONTRAST),
            (SURFACE, _("checkboxes and borders on white"), CONTROL_CONTRAST),
        ]
        for other, use, needed in checks:
            ratio = contrast_ratio(self.brand_colour, other)
            if ratio < needed:
                return gettext(
                    "%(colour)s has a contrast of %(ratio)s for %(use)s; WCAG 2.2 AA needs at "
                    "least %(needed)s. Choose a darker shade."
                ) % {
                    "colour": self.brand_colour,
                    "ratio": format_ratio(ratio),
                    "use": use,
                    "needed": format_ratio(needed),
                }
        return ""

    def header_colour_problem(self) -> str:
        if not HEX_COLOUR.match(self.header_colour or ""):
            return ""
        ratio = contrast_ratio(self.header_text_colour, self.header_colour)
        if ratio < TEXT_CONTRAST:
            return gettext(
                "%(colour)s has a contrast of at most %(ratio)s with white or dark text; WCAG "
                "2.2 AA needs at least %(needed)s. Choose a lighter or a darker shade."
            ) % {
                "colour": self.header_colour,
                "ratio": format_ratio(ratio),
                "needed": format_ratio(TEXT_CONTRAST),
            }
        return ""

    # The look, as the generated stylesheet uses it ---------------------------------

    def css_colours(self) -> dict[str, str]:
        """The colours the generated stylesheet sets; a stored value that is not a colour
        (written around the admin's checks) falls back to the default."""
        brand = self.brand_colour if HEX_COLOUR.match(self.brand_colour or "") else None
        header = self.header_colour if HEX_COLOUR.match(self.header_colour or "") else None
        brand = brand or DEFAULT_BRAND_COLOUR
        header = header or DEFAULT_HEADER_COLOUR
        return {
            "accent": brand,
            "accent_dark": darken(brand, 0.25),
            "header_background": header,
            "header_text": readable_text_on(header, (WHITE, TEXT)),
        }

    @property
    def header_text_colour(self) -> str:
        return readable_text_on(self.header_colour, (WHITE, TEXT))

    @property
    def version(self) -> str:
        """Changes whenever the row is saved: the stylesheet, logo and font addresses carry
        it, so browsers may cache them for a year and still see every change at once."""
        return str(int(self.updated_at.timestamp())) if self.updated_at else "0"

    @property
    def logo_extension(self) -> str:
        return {"image/png": "png", "image/svg+xml": "svg"}.get(self.logo_content_type, "")

    @property
    def has_logo(self) -> bool:
        return bool(self.logo) and bool(self.logo_extension)

    # Contact ----------------------------------------------------------------------

    def contact(self, *, subject: str = "") -> Contact:
        return Contact(
            phone=self.phone, email=self.email, opening_hours=self.opening_hours, subject=subject
        )
