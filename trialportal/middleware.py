from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNulCharactersMiddleware:
    """Answer 400 to a query string holding a NUL character.

    PostgreSQL cannot store or compare text containing NUL, so such a value reaching a
    query (an admin filter, an autocomplete term) would end in a 500. No real link holds
    one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in value for values in request.GET.lists() for value in values[1]
        ):
            return HttpResponseBadRequest(
                _("This address contains a character we cannot read."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
