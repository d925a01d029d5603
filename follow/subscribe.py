"""Asking to follow a trial or a cancer type: the one place the public form's rules live
(rate limits, one row per address and target, a confirmation email sent in the background)."""

import hashlib

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from trials.models import Trial

from .models import CONFIRMATION_WINDOW, Subscription, normalise_email

# Requests a visitor's connection may make per hour; more get a "try again later" page.
REQUESTS_PER_IP_PER_HOUR = 20
# Confirmation emails one address may receive per hour; more requests are dropped
# silently, so that nobody can flood someone else's inbox (or learn anything from it).
EMAILS_PER_ADDRESS_PER_HOUR = 3
HOUR = 60 * 60


def _over_limit(key: str, limit: int, seconds: int = HOUR) -> bool:
    """Count one more request under `key` in Django's cache; True once over `limit`."""
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, seconds)
        count = 1
    return count > limit


def too_many_requests_from(ip_address: str) -> bool:
    return _over_limit(f"follow:ip:{ip_address}", REQUESTS_PER_IP_PER_HOUR)


def request_subscription(*, email: str, target, language: str) -> None:
    """Record that `email` asked to follow `target` and send (in the background) a link to
    confirm it. Whatever the address's history, the visitor sees the same thing and the
    address receives the same email: nothing tells whether it was already subscribed."""
    email = normalise_email(email)
    address_key = hashlib.blake2b(email.encode(), digest_size=16).hexdigest()
    if _over_limit(f"follow:address:{address_key}", EMAILS_PER_ADDRESS_PER_HOUR):
        return
    from .tasks import delete_unconfirmed_subscriptions, send_confirmation

    now = timezone.now()
    is_trial = isinstance(target, Trial)
    with transaction.atomic():
        subscription, created = Subscription.objects.for_target(target).get_or_create(
            email=email,
            defaults={
                "language": language,
                "trial": target if is_trial else None,
                "cancer_type": None if is_trial else target,
                "requested_at": now,
            },
        )
        if not created and not subscription.is_confirmed:
            # A new link is valid for another CONFIRMATION_WINDOW: keep the row as long.
            subscription.requested_at = now
            subscription.language = language
            subscription.save(update_fields=["requested_at", "language"])
        transaction.on_commit(lambda: send_confirmation.enqueue(subscription.pk))
        if not subscription.is_confirmed:
            expiry = now + CONFIRMATION_WINDOW
            transaction.on_commit(
                lambda: delete_unconfirmed_subscriptions.using(run_after=expiry).enqueue()
            )
