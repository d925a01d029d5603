from django import template

from trials.models import Contact, StatusGroup

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_for(context, trial=None):
    """{% contact_for trial as contact %}: whom a family asks about `trial` (its own contact
    where it has one, else the trial office), or about trials in general without one.
    Error pages render without the centre's settings (the database may be what failed):
    no contact then, and the pages send families to their doctor."""
    site = context.get("site")
    if site is None:
        return Contact(phone="", email="")
    return trial.contact(site) if trial is not None else site.contact()


@register.simple_tag
def status_groups():
    """{% status_groups as groups %}: the six kinds of status, for the legend."""
    return list(StatusGroup)
