"""Turn `public_trial_changed` into TrialEvents: compare what the public sees of a trial now
with what we recorded last time. Only the signal (sent for publishing, withdrawing, live
saves and approvals, never for changes awaiting approval) leads here."""

from django.db import transaction
from django.dispatch import receiver

from .models import ArmStatus, PublicTrialState, Status, Trial, TrialEvent, TrialEventKind
from .signals import public_trial_changed, trial_events_recorded


def _is_open(status: str) -> bool:
    return status in Status.values and Status(status).is_open


def record_public_change(trial_id: int, *, reason: str = "changed") -> list[TrialEvent]:
    """Record the trial's public state and return the events that tell what changed."""
    with transaction.atomic():
        trial = Trial.objects.filter(pk=trial_id).prefetch_related("arms").first()
        if trial is None:
            return []  # deleted: its events and recorded state went with it
        previous = PublicTrialState.objects.select_for_update().filter(trial=trial).first()
        open_arms = {
            str(arm.pk): arm.name for arm in trial.arms.all() if arm.status == ArmStatus.OPEN
        }
        events = []
        if trial.is_public:
            if previous is not None and previous.is_public:
                events = _changes_while_public(trial, previous, open_arms)
            elif previous is not None or reason == "published":
                events = [TrialEvent(trial=trial, kind=TrialEventKind.PUBLISHED)]
            # else: public before we kept records (demo content, older data): nothing new.
        PublicTrialState.objects.update_or_create(
            trial=trial,
            defaults={"is_public": trial.is_public, "status": trial.status, "open_arms": open_arms},
        )
        for event in events:
            event.status = trial.status
        TrialEvent.objects.bulk_create(events)
        if events:
            transaction.on_commit(
                lambda: trial_events_recorded.send(sender=TrialEvent, events=events)
            )
    return events


def _changes_while_public(trial, previous, open_arms) -> list[TrialEvent]:
    events = []
    if _is_open(trial.status) != _is_open(previous.status):
        kind = TrialEventKind.OPENED if trial.is_open else TrialEventKind.CLOSED
        events.append(TrialEvent(trial=trial, kind=kind))
    for arm_id, name in previous.open_arms.items():
        if arm_id not in open_arms:
            events.append(TrialEvent(trial=trial, kind=TrialEventKind.ARM_CLOSED, arm_name=name))
    for arm_id, name in open_arms.items():
        if arm_id not in previous.open_arms:
            events.append(TrialEvent(trial=trial, kind=TrialEventKind.ARM_OPENED, arm_name=name))
    return events


@receiver(public_trial_changed, dispatch_uid="trials.record_public_change")
def on_public_trial_changed(sender, trial_id, reason, **kwargs):
    record_public_change(trial_id, reason=reason)
