"""Background work, run by `manage.py db_worker` (django-tasks-db): nothing here is sent
inside a request."""

import datetime
from collections import defaultdict

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from trials.models import Trial, TrialEvent, TrialEventKind

from . import emails
from .models import DIGEST_INTERVAL, Subscription

# What a cancer type's followers hear about: a new trial, or a trial opening again.
CANCER_TYPE_EVENT_KINDS = {TrialEventKind.PUBLISHED, TrialEventKind.OPENED}


@task
def send_confirmation(subscription_id: int) -> None:
    subscription = (
        Subscription.objects.select_related("trial", "cancer_type")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is not None:  # gone if unsubscribed or expired meanwhile
        emails.send_confirmation(subscription)


@task
def delete_unconfirmed_subscriptions() -> None:
    """Addresses nobody confirmed within the confirmation window are not kept."""
    Subscription.objects.unconfirmed_expired().delete()


@task
def send_digests() -> None:
    """One email per address with everything new it follows, at most once per
    DIGEST_INTERVAL; an address that had its email too recently is tried again then."""
    Subscription.objects.unconfirmed_expired().delete()
    now = timezone.now()
    confirmed = list(Subscription.objects.confirmed().select_related("trial", "cancer_type"))
    if not confirmed:
        return
    events = list(
        TrialEvent.objects.public()
        .filter(pk__gt=min(s.last_event_id for s in confirmed))
        .select_related("trial")
        .order_by("pk")
    )
    if not events:
        return
    in_cancer_type = _trials_by_followed_cancer_type(confirmed, events)
    by_address = defaultdict(list)
    for subscription in confirmed:
        by_address[subscription.email].append(subscription)

    try_again_at = None
    for subscriptions in by_address.values():
        due_at = _send_digest_if_due(subscriptions, events, in_cancer_type, now)
        if due_at is not None:
            try_again_at = min(try_again_at or due_at, due_at)
    if try_again_at is not None:
        send_digests.using(run_after=try_again_at).enqueue()


def _trials_by_followed_cancer_type(subscriptions, events) -> dict[int, set[int]]:
    """For each followed cancer type, which of the events' trials belong to it, by the
    site's one rule (a group includes its types): one query per followed cancer type."""
    trial_ids = {event.trial_id for event in events}
    followed = {s.cancer_type_id: s.cancer_type for s in subscriptions if s.cancer_type_id}
    return {
        pk: set(
            Trial.objects.published()
            .in_cancer_types([cancer_type])
            .filter(pk__in=trial_ids)
            .values_list("pk", flat=True)
        )
        for pk, cancer_type in followed.items()
    }


def _relevant(subscription, event, in_cancer_type) -> bool:
    if event.pk <= subscription.last_event_id:
        return False
    if subscription.trial_id:
        return event.trial_id == subscription.trial_id
    return (
        event.kind in CANCER_TYPE_EVENT_KINDS
        and event.trial_id in in_cancer_type[subscription.cancer_type_id]
    )


def _send_digest_if_due(subscriptions, events, in_cancer_type, now) -> datetime.datetime | None:
    """Send one address its digest; return when to try again if it is not due yet."""
    sections = []
    for subscription in subscriptions:
        news = [event for event in events if _relevant(subscription, event, in_cancer_type)]
        if news:
            sections.append((subscription, news))
    if not sections:
        return None
    with transaction.atomic():
        # Locked and read again: two workers must not both send this address its email
        # (the second one finds it sent just now, and tries again when it would be due).
        ids = [s.pk for s in subscriptions]
        locked = list(Subscription.objects.select_for_update().filter(pk__in=ids))
        last_sent = max((s.last_digest_at for s in locked if s.last_digest_at), default=None)
        if last_sent is not None and now - last_sent < DIGEST_INTERVAL:
            return last_sent + DIGEST_INTERVAL
        emails.send_digest(sections)
        Subscription.objects.filter(pk__in=ids).update(
            last_event_id=events[-1].pk, last_digest_at=now
        )
    return None
