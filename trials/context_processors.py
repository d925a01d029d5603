from django.conf import settings


def centre(request):
    """The centre's name, for the header, footer and disclaimer."""
    return {
        "centre_name": settings.TRIALPORTAL_CENTRE_NAME,
        "centre_country": settings.TRIALPORTAL_CENTRE_COUNTRY,
    }
