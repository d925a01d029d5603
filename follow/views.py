from functools import wraps

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from trialportal.languages import visitor_language
from trials.models import CancerType, Trial

from .forms import FollowForm
from .models import CONFIRM_SALT, CONFIRMATION_WINDOW, UNSUBSCRIBE_SALT, Subscription
from .subscribe import request_subscription, too_many_requests_from


def refuse_cross_site_posts(view):
    """Browsers say where a post comes from (Sec-Fetch-Site, sent by every current browser):
    a form on another site posting here is refused, without a token in the page."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method == "POST" and request.headers.get("Sec-Fetch-Site") == "cross-site":
            raise PermissionDenied("Cross-site post to the follow form.")
        return view(request, *args, **kwargs)

    return checked


# No CSRF token: it protects what a visitor's cookies allow, and this form needs none. A
# forged post could only ask for a confirmation email, which anyone may do directly (and
# which is rate-limited per address), and browsers' cross-site posts are refused anyway.
# Without a token, the trial and cancer-type pages that carry the form are the same for
# everyone, so they can be served from the page cache.
@csrf_exempt
@refuse_cross_site_posts
@require_http_methods(["GET", "POST"])
def follow_trial(request, slug):
    return _follow(request, get_object_or_404(Trial.objects.published(), slug=slug))


@csrf_exempt
@refuse_cross_site_posts
@require_http_methods(["GET", "POST"])
def follow_cancer_type(request, slug):
    return _follow(request, get_object_or_404(CancerType, slug=slug))


def _follow(request, target):
    """The form on trial and cancer-type pages posts here. Every accepted request ends on
    the same "check your inbox" page: new, already subscribed, a bot or too many emails
    for that address look alike."""
    form = FollowForm(request.POST or None)
    if request.method == "POST":
        if too_many_requests_from(request.META.get("REMOTE_ADDR", "")):
            return render(request, "follow/too_many_requests.html", status=429)
        if form.is_valid():
            if not form.is_from_a_bot:
                request_subscription(
                    email=form.cleaned_data["email"], target=target, language=get_language()
                )
            return redirect("follow:check_inbox")
    status = 400 if form.is_bound else 200
    context = {"form": form, "target": target, "is_trial": isinstance(target, Trial)}
    return render(request, "follow/follow.html", context, status=status)


def check_inbox(request):
    return render(request, "follow/check_inbox.html", {"days": CONFIRMATION_WINDOW.days})


def _link_invalid(request):
    return render(request, "follow/link_invalid.html", status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link in the confirmation email. GET asks (mail scanners open links too);
    the button confirms."""
    try:
        subscription, _scope = Subscription.from_token(
            token, salt=CONFIRM_SALT, max_age=CONFIRMATION_WINDOW
        )
    except (signing.BadSignature, Subscription.DoesNotExist):
        return _link_invalid(request)
    if request.method == "POST":
        subscription.confirm()
        return render(request, "follow/confirmed.html", {"subscription": subscription})
    return render(request, "follow/confirm.html", {"subscription": subscription})


@never_cache
@csrf_exempt  # the signed link is the credential; mail programs POST here (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        subscription, scope = Subscription.from_token(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return _link_invalid(request)
    except Subscription.DoesNotExist:
        # Already gone: the address is no longer stored; say so again.
        return render(request, "follow/unsubscribed.html")
    everything = scope == "all"
    if request.method == "POST":
        if everything:
            Subscription.objects.filter(email=subscription.email).delete()
        else:
            subscription.delete()
        return render(request, "follow/unsubscribed.html", {"everything": everything})
    context = {"subscription": subscription, "everything": everything}
    return render(request, "follow/unsubscribe.html", context)


@csrf_exempt  # as unsubscribe()
@require_http_methods(["GET", "POST"])
def unsubscribe_without_language(request, token):
    """The unsubscribe link of an email sent before the pages had a language in their
    address. A person's browser is sent to it in their language, as for every old
    address; a mail program's one-click POST (RFC 8058) cannot follow a redirect, so it
    is answered here, in the language of the subscription."""
    if request.method != "POST":
        return redirect(f"/{visitor_language(request)}{request.get_full_path()}")
    try:
        subscription, _scope = Subscription.from_token(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, Subscription.DoesNotExist):
        return unsubscribe(request, token)
    with translation.override(subscription.language):
        response = unsubscribe(request, token)
    response["Content-Language"] = subscription.language
    return response
