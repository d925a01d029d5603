"""Dates as precisely as they are known: a registry may give only a month or a year."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html

from ..models import DatePrecision

register = template.Library()

FORMATS = {
    DatePrecision.DAY: ("Y-m-d", "DATE_FORMAT"),
    DatePrecision.MONTH: ("Y-m", "YEAR_MONTH_FORMAT"),
    DatePrecision.YEAR: ("Y", "Y"),
}


@register.simple_tag
def known_date(date, precision=DatePrecision.DAY):
    """<time datetime="2018-04">April 2018</time> for a month, the full date for a day."""
    if not date:
        return ""
    machine, shown = FORMATS.get(precision, FORMATS[DatePrecision.DAY])
    return format_html(
        '<time datetime="{}">{}</time>', date_format(date, machine), date_format(date, shown)
    )
