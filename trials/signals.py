"""Signals other parts of the site listen to, so that nothing needs to know who changed what.

`public_trial_changed` is sent, once the transaction commits, whenever what the public sees of
a trial may have changed: it was published or withdrawn, a live trial was saved with its
changes going live (a publisher's save, an approval of waiting changes, a restore), or it was
deleted. Listeners (page caches, feeds, "email me when this changes") read the trial's
current public state themselves; the signal only says which trial to look at.

Keyword arguments: `trial_id` (int) and `reason` (a short code: "published", "withdrawn",
"changed", "deleted").
"""

from django.db import transaction
from django.dispatch import Signal

public_trial_changed = Signal()


def announce_public_change(trial_id: int, *, reason: str) -> None:
    """Send `public_trial_changed` after the current transaction commits (at once outside
    one), so listeners never act on a change that is rolled back."""
    transaction.on_commit(
        lambda: public_trial_changed.send(sender=None, trial_id=trial_id, reason=reason)
    )


# Sent after commit when trials.events recorded TrialEvents for a public change (a trial
# published, opened or closed for inclusion; an arm opened or closed). Keyword argument:
# `events`, the new TrialEvent rows. Listeners: "email me when this changes".
trial_events_recorded = Signal()


# Sent, after commit, when something every public page shows changed (the centre's name,
# contact details or look; an import of a backup): page caches listen. Nothing about any one
# trial changed, so `public_trial_changed` (and the emails it may lead to) is not sent.
# Keyword: `reason`.
public_site_changed = Signal()


def announce_public_site_change(*, reason: str) -> None:
    transaction.on_commit(lambda: public_site_changed.send(sender=None, reason=reason))
