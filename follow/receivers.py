"""Follow listens to the trials app; the trials app never imports follow."""

import datetime

from django.dispatch import receiver
from django.utils import timezone

from trials.signals import trial_events_recorded

# Changes made together (a trial and its arms opened in a few saves) arrive in one email.
GATHER_CHANGES_FOR = datetime.timedelta(minutes=10)


@receiver(trial_events_recorded, dispatch_uid="follow.schedule_digests")
def schedule_digests(sender, events, **kwargs):
    from .tasks import send_digests

    send_digests.using(run_after=timezone.now() + GATHER_CHANGES_FOR).enqueue()
