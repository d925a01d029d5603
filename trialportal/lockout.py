"""Brute-force protection around django-axes: who the client is, what a locked-out
person sees, and the audit event for each refused sign-in."""

import ipaddress
import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

audit = logging.getLogger("trialportal.audit")


def _is_trusted_proxy(address) -> bool:
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.TRIALPORTAL_TRUSTED_PROXIES
    )


def client_ip(request) -> str:
    """The address the request came from. X-Forwarded-For is read only as far as it was
    written by TRIALPORTAL_TRUSTED_PROXIES: walking back from the connection, each hop
    that is a trusted proxy hands over to the address it says it forwarded for."""
    current = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed([hop.strip() for hop in forwarded if hop.strip()]):
        try:
            if not _is_trusted_proxy(ipaddress.ip_address(current)):
                break
            current = str(ipaddress.ip_address(hop))
        except ValueError:
            break  # not an address: nothing further along the header can be believed
    return current


def cooloff_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The admin's sign-in page again, saying why the password was not even checked."""
    form = AdminAuthenticationForm(
        request, initial={"username": (credentials or {}).get("username")}
    )
    minutes = cooloff_minutes()
    message = ngettext(
        "Too many failed sign-ins for this account from your network. For your safety it "
        "is locked for %(minutes)d minute; please try again then. If you have forgotten "
        "your password, ask an administrator.",
        "Too many failed sign-ins for this account from your network. For your safety it "
        "is locked for %(minutes)d minutes; please try again then. If you have forgotten "
        "your password, ask an administrator.",
        minutes,
    ) % {"minutes": minutes}
    context = {
        **admin.site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": request.get_full_path(),
        "form": form,
        "lockout_message": message,
        REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME, ""),
    }
    response = render(request, "admin/login.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs):
    """An audit event naming the account by id only: never the username or address."""
    User = get_user_model()
    account_id = (
        User._default_manager.filter(**{User.USERNAME_FIELD: username})
        .values_list("pk", flat=True)
        .first()
    )
    audit.info(
        "lockout",
        extra={
            "event": "lockout",
            "user_id": None,
            "object_type": "user",
            "object_id": account_id,
        },
    )
