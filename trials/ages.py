"""Ages as the model stores them (months) and as families say them."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Oldest age, in months, that the age fields and the age filter accept (120 years).
MAX_AGE_MONTHS = 120 * 12


def format_age(months: int) -> str:
    """An age as families say it: '6 months', '18 years', '2 years and 6 months'."""
    years, rest = divmod(months, 12)
    if years == 0 or (years < 2 and rest):
        return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
    year_text = ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    if not rest:
        return year_text
    month_text = ngettext("%(n)d month", "%(n)d months", rest) % {"n": rest}
    return _("%(years)s and %(months)s") % {"years": year_text, "months": month_text}


def describe_age_range(minimum: int | None, maximum: int | None) -> str:
    """'up to 18 years', '6 months to 21 years', 'from 12 years', 'all ages'."""
    if not minimum and maximum is None:
        return _("all ages")
    if not minimum:
        return _("up to %(max)s") % {"max": format_age(maximum)}
    if maximum is None:
        return _("from %(min)s") % {"min": format_age(minimum)}
    return _("%(min)s to %(max)s") % {"min": format_age(minimum), "max": format_age(maximum)}
