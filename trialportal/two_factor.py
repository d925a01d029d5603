"""Two-factor sign-in for staff, with django-otp: a code from an authenticator app
(TOTP), and single-use recovery codes for a lost phone.

Who must: superusers and everyone who can publish (`trials.publish_trial`), when
TRIALPORTAL_REQUIRE_2FA is on (production). Anyone else may turn it on, and is then
asked for a code at every sign-in too. Until the second step is done the admin, every
one of its URLs and the staff preview treat the person as not signed in to the admin
(TrialportalAdminSite.has_permission); the only pages open to them are these.
"""

import base64
import logging
from functools import wraps

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import logout as auth_logout
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

audit = logging.getLogger("trialportal.audit")

# Set at sign-in: whether this person had an authenticator app then (one query per
# sign-in rather than one per admin page).
ENROLLED_SESSION_KEY = "two_factor_enrolled"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


# Who must, who has, who did ----------------------------------------------------------


def is_required(user) -> bool:
    return settings.TRIALPORTAL_REQUIRE_2FA and (
        user.is_superuser or user.has_perm("trials.publish_trial")
    )


def has_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def note_enrolment_at_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: remember whether this person must give a code."""
    if hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = has_app(user)


def needs_verification(request) -> bool:
    """Signed in with a password, but the second step is still to do."""
    user = request.user
    # is_verified() comes from django-otp's middleware; a request built without it
    # (a test's RequestFactory) counts as not verified.
    if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
        return False
    session = getattr(request, "session", {})
    return is_required(user) or session.get(ENROLLED_SESSION_KEY, False)


def step_url(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


def safe_next_url(request) -> str:
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


# Devices -------------------------------------------------------------------------------


def pending_app(user) -> TOTPDevice:
    """The authenticator app being set up: the same key until it is confirmed, so
    reloading the page does not invalidate a code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with fresh ones, shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def remove_devices(user) -> int:
    """Forget every second factor of `user` (lost phone, or turned off). Returns how many."""
    deleted = 0
    for model in (TOTPDevice, StaticDevice):
        deleted += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return deleted


def qr_code_svg(url: str) -> str:
    """The otpauth:// address as an inline SVG QR code (drawn here: nothing is fetched)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8)
    return image.to_string(encoding="unicode")


def readable_key(device: TOTPDevice) -> str:
    """The secret for typing into an app by hand, in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def audit_event(event: str, *, request, user) -> None:
    audit.info(
        event,
        extra={
            "event": event,
            "user_id": request.user.pk if request.user.is_authenticated else None,
            "object_type": "user",
            "object_id": user.pk,
        },
    )


# Forms -------------------------------------------------------------------------------


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("Code"),
            max_length=20,
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "autocapitalize": "none",
                    "spellcheck": "false",
                    "autofocus": True,
                }
            ),
            **kwargs,
        )

    def clean(self, value):
        return "".join(super().clean(value).split()).lower()


class VerifyForm(forms.Form):
    code = CodeField(
        help_text=gettext_lazy(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        )
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"]
        # Digits are an app's code; anything else can only be a recovery code. Trying
        # each only where it can match keeps a right code from counting as a wrong one.
        model = TOTPDevice if code.isdigit() else StaticDevice
        devices = list(model.objects.filter(user=self.user, confirmed=True))
        if any(not device.verify_is_allowed()[0] for device in devices):
            raise forms.ValidationError(
                _("Too many wrong codes in a row. Wait a minute, then try again."),
                code="throttled",
            )
        with transaction.atomic():
            for device in devices:
                if device.verify_token(code):
                    self.device = device
                    return code
        raise forms.ValidationError(
            _("That code is not right. Codes change every 30 seconds: type the one shown now."),
            code="invalid",
        )


class SetupForm(forms.Form):
    code = CodeField(
        help_text=gettext_lazy("The 6-digit code the app shows after adding the account.")
    )

    def __init__(self, device, *args, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                _(
                    "That code is not right. Check that the phone's clock is set "
                    "automatically, then type the code shown now."
                ),
                code="invalid",
            )
        return code


# Views -------------------------------------------------------------------------------


def signed_in_staff_view(view):
    """For the steps between password and admin: signed in as active staff is enough."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect(reverse("admin:login"))
        return view(request, *args, **kwargs)

    return never_cache(csrf_protect(sensitive_post_parameters("code")(wrapped)))


def _page(request, template_name: str, context: dict):
    context = {**admin.site.each_context(request), **context}
    return TemplateResponse(request, template_name, context)


@signed_in_staff_view
def verify(request):
    next_url = safe_next_url(request)
    if not needs_verification(request):
        return HttpResponseRedirect(next_url)
    if not has_app(request.user):
        if is_required(request.user):
            return redirect(step_url("admin:two_factor_setup", next_url))
        # Turned on once, since reset by an administrator: nothing to ask for.
        request.session[ENROLLED_SESSION_KEY] = False
        return HttpResponseRedirect(next_url)
    form = VerifyForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        request.session.cycle_key()  # a new session id for the stronger sign-in
        if isinstance(form.device, StaticDevice):
            left = StaticToken.objects.filter(device=form.device).count()
            audit_event("recovery_code_used", request=request, user=request.user)
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code; %(left)d are left. If your phone "
                    "is lost, set up the app again and make new recovery codes."
                )
                % {"left": left},
            )
        return HttpResponseRedirect(next_url)
    return _page(
        request,
        "two_factor/verify.html",
        {"title": _("Two-factor authentication"), "form": form, "next": next_url},
    )


@signed_in_staff_view
def setup(request):
    next_url = safe_next_url(request)
    if has_app(request.user):
        return HttpResponseRedirect(next_url)
    device = pending_app(request.user)
    form = SetupForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            codes = new_recovery_codes(request.user)
        otp_login(request, device)
        request.session[ENROLLED_SESSION_KEY] = True
        request.session.cycle_key()
        audit_event("two_factor_enrolled", request=request, user=request.user)
        # Shown in this response only: no page shows them again.
        return _page(
            request,
            "two_factor/recovery_codes.html",
            {"title": _("Your recovery codes"), "codes": codes, "next": next_url},
        )
    return _page(
        request,
        "two_factor/setup.html",
        {
            "title": _("Set up two-factor authentication"),
            "form": form,
            "next": next_url,
            "qr_code": mark_safe(qr_code_svg(device.config_url)),  # noqa: S308 - drawn by qrcode
            "key": readable_key(device),
            "required": is_required(request.user),
        },
    )


def account(request):
    """Status, new recovery codes, and turning it off where it is not required."""
    user = request.user
    if request.method == "POST" and has_app(user):
        if "new_codes" in request.POST:
            codes = new_recovery_codes(user)
            audit_event("recovery_codes_renewed", request=request, user=user)
            return _page(
                request,
                "two_factor/recovery_codes.html",
                {"title": _("Your recovery codes"), "codes": codes, "next": reverse("admin:index")},
            )
        if "turn_off" in request.POST and not is_required(user):
            remove_devices(user)
            request.session[ENROLLED_SESSION_KEY] = False
            audit_event("two_factor_removed", request=request, user=user)
            messages.success(request, _("Two-factor authentication is off for your account."))
            return redirect(reverse("admin:two_factor"))
    return _page(
        request,
        "two_factor/account.html",
        {
            "title": _("Two-factor authentication"),
            "enrolled": has_app(user),
            "required": is_required(user),
            "codes_left": StaticToken.objects.filter(device__user=user).count(),
        },
    )


@require_POST
@csrf_protect
def sign_out(request):
    """Log out from the second step, where the admin's own logout is not open yet."""
    auth_logout(request)
    return redirect(reverse("admin:login"))
