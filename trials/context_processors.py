from django.utils.functional import SimpleLazyObject

from .models import SiteSettings


def centre(request):
    """The centre's settings row (`site`: name, contact details, look), read once per
    request and only if the page uses it; `centre_name` and `centre_country` from it."""
    site = SimpleLazyObject(SiteSettings.load)
    return {
        "site": site,
        "centre_name": SimpleLazyObject(lambda: site.centre_name),
        "centre_country": SimpleLazyObject(lambda: site.centre_country),
    }
