"""Four eyes on what families read: changes to a published trial wait for a Publisher.

An Editor's save of a published trial (its fields or any inline) is validated as any save,
but the live rows stay as they are: the version the save would have written is stored as
changes awaiting approval, a ChangeRequest pointing at a django-reversion Revision that holds
the trial and its inline rows, like any other version in its history. A Publisher approves it
(approve_change: it goes live, as a new revision) or sends it back with a comment.

The working copy. A trial with an open change (waiting, or sent back) is edited as that
version: the edit form, a save posted from it and a restore all run on the live rows with the
open change applied (versions.apply_snapshot), inside a transaction that is rolled back unless
the save goes live (run_on_working_copy). What a waiting save recorded is captured from
django-reversion before the rollback and stored afterwards (store_change); the inline rows it
added get negative ids, so no id handed out inside the rolled-back transaction (which SQLite
may hand out again) is ever stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from reversion.models import Revision, Version
from reversion.signals import post_revision_commit

from .models import OPEN_CHANGE_STATES, ChangeRequest, ChangeState, Trial
from .signals import announce_public_change
from .versions import INLINE_MODELS, Snapshot, apply_snapshot, snapshots_for, trial_version_in

PUBLISH_PERMISSION = "trials.publish_trial"

_captured_revisions: ContextVar[list | None] = ContextVar("captured_revisions", default=None)


@receiver(post_revision_commit)
def _capture_revision(sender, revision, versions, **kwargs):
    """Keeps the revisions saved inside run_on_working_copy(), before they are rolled back."""
    captured = _captured_revisions.get()
    if captured is not None:
        captured.append((revision, list(versions)))


class ChangeNotOpen(Exception):
    """The change was approved, sent back or replaced meanwhile."""


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def live_version(trial: Trial) -> Version | None:
    """The newest version of the trial that went live (None when none was recorded)."""
    versions = Version.objects.get_for_object(trial)
    return versions.filter(revision__change_request__isnull=True).first()


def working_version(trial: Trial) -> Version | None:
    """The stored version that the trial's working copy is: that of its open change, or
    else its newest live version."""
    change = trial.change_requests.open().first()
    if change is None:
        return live_version(trial)
    return Version.objects.get_for_object(trial).filter(revision_id=change.revision_id).first()


def snapshot_of(change: ChangeRequest) -> Snapshot:
    version = trial_version_in(change.revision_id, change.trial_id)
    return snapshots_for([version])[version.pk]


@dataclass
class StagedVersion:
    """What a save on the working copy recorded, kept through the rollback."""

    comment: str
    versions: list[dict]


@dataclass
class WorkingCopyRun:
    result: object
    staged: StagedVersion | None = None
    notes: list[str] = field(default_factory=list)  # what the source named that is gone


class _Undo(Exception):
    def __init__(self, run: WorkingCopyRun):
        self.run = run


def run_on_working_copy(
    *,
    trial: Trial | None,
    run: Callable[[list[str]], object],
    source: Snapshot | None = None,
    with_review: bool = True,
    goes_live: Callable[[object], bool] = lambda result: False,
    keep: Callable[[WorkingCopyRun], None] | None = None,
) -> WorkingCopyRun:
    """Run `run(notes)` on the trial's rows as `source` has them (None: as they are; with
    no trial, `source` recreates a deleted one); `notes` say what `source` names that has
    gone since. What run() did stays when goes_live(result); otherwise everything is
    undone, and the version of the trial it saved, if any, is handed to keep() (to store
    it: store_change) while the trial is still locked, so that a colleague's save waits
    and then meets it as an edit conflict."""
    if reversion.is_active():
        # Its versions would join the outer revision, live, instead of being captured.
        raise RuntimeError("run_on_working_copy() cannot run inside a django-reversion revision")
    captured = []
    token = _captured_revisions.set(captured)
    try:
        with transaction.atomic():
            if trial is not None:
                # Saves of one trial wait for each other (PostgreSQL), as edits conflict.
                Trial.objects.select_for_update().filter(pk=trial.pk).exists()
            try:
                with transaction.atomic():
                    notes = []
                    if source is not None:
                        trial, notes = apply_snapshot(
                            source, trial=trial, with_review=with_review, keep_new_row_ids=True
                        )
                    rows_before = _row_ids(trial)
                    outcome = WorkingCopyRun(result=run(notes), notes=notes)
                    if goes_live(outcome.result):
                        return outcome
                    outcome.staged = _staged_version(trial, captured, rows_before)
                    raise _Undo(outcome)
            except _Undo as undo:
                outcome = undo.run
            if keep is not None and outcome.staged is not None:
                keep(outcome)
            return outcome
    finally:
        _captured_revisions.reset(token)


def _row_ids(trial: Trial) -> dict:
    return {
        model: set(model.objects.filter(trial=trial).values_list("pk", flat=True))
        for model in INLINE_MODELS
    }


def _staged_version(trial: Trial, captured: list, rows_before: dict) -> StagedVersion | None:
    trial_type = ContentType.objects.get_for_model(Trial)
    saved = [
        (revision, versions)
        for revision, versions in captured
        if any(
            v.content_type_id == trial_type.pk and v.object_id == str(trial.pk) for v in versions
        )
    ]
    if not saved:
        return None
    revision, versions = saved[-1]
    next_id = _lowest_new_row_id(trial) - 1
    stored = []
    for version in versions:
        model = ContentType.objects.get_for_id(version.content_type_id).model_class()
        object_id, data = version.object_id, version.serialized_data
        if model in rows_before and int(object_id) not in rows_before[model]:
            # Added by this save: an id no live row has, now or ever.
            object_id, next_id = str(next_id), next_id - 1
            records = json.loads(data)
            records[0]["pk"] = int(object_id)
            data = json.dumps(records)
        stored.append(
            {
                "content_type_id": version.content_type_id,
                "object_id": object_id,
                "db": version.db,
                "format": version.format,
                "serialized_data": data,
                "object_repr": version.object_repr,
            }
        )
    return StagedVersion(comment=revision.comment, versions=stored)


def _lowest_new_row_id(trial: Trial) -> int:
    """The lowest id any version of this trial's changes gave a new row (0 if none), so
    that a row added later never takes the id of one added, and removed, before."""
    ids = Version.objects.filter(
        revision__change_request__trial=trial, object_id__startswith="-"
    ).values_list("object_id", flat=True)
    return min((int(object_id) for object_id in ids), default=0)


def store_change(*, trial: Trial, user, staged: StagedVersion) -> ChangeRequest:
    """Store a staged version as the trial's changes awaiting approval, replacing any open
    change (which the staged version was edited from, so it holds that change too)."""
    with transaction.atomic():
        previous = ChangeRequest.objects.select_for_update().open().filter(trial=trial).first()
        # The live version all of it was edited from, through any earlier versions.
        based_on = previous.based_on if previous else live_version(trial)
        if based_on is None and previous is None:
            based_on = _record_live_version(trial)
        revision = Revision.objects.create(
            date_created=timezone.now(), user=user, comment=staged.comment
        )
        Version.objects.bulk_create(
            Version(revision=revision, **values) for values in staged.versions
        )
        if previous is not None:
            previous.close(ChangeState.SUPERSEDED, user=user)
        change = ChangeRequest.objects.create(
            trial=trial, revision=revision, based_on=based_on, submitted_by=user
        )
    trial.audit("submit_for_approval", user=user, change_id=change.pk)
    return change


def _record_live_version(trial: Trial) -> Version:
    """A live trial with no stored version yet (created outside the admin): record it
    first, so the changes can be compared with what they change."""
    with reversion.create_revision():
        reversion.set_comment(gettext("The published version, as first recorded."))
        reversion.add_to_revision(trial)
    return live_version(trial)


def submit_change(*, trial: Trial, user, edit: Callable[[Trial], None], comment: str = ""):
    """Make `edit` (which changes and saves the trial, or its rows) to the trial's working
    copy, and store the result as changes awaiting approval; nothing public changes. For
    code outside the admin (an import): returns the ChangeRequest, or None if `edit`
    saved nothing."""
    open_change = trial.change_requests.open().first()

    def run(notes):
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(comment)
            edit(Trial.objects.get(pk=trial.pk))

    stored = []
    run_on_working_copy(
        trial=trial,
        run=run,
        source=snapshot_of(open_change) if open_change else None,
        keep=lambda outcome: stored.append(
            store_change(trial=trial, user=user, staged=outcome.staged)
        ),
    )
    return stored[0] if stored else None


def _open_for_decision(change: ChangeRequest, *, states) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update(of=("self",)).select_related("submitted_by")
    change = locked.get(pk=change.pk)
    if change.state not in states:
        raise ChangeNotOpen(
            gettext("These changes are no longer waiting: they were %(state)s.")
            % {"state": change.get_state_display().lower()}
        )
    return change


def approve_change(*, change: ChangeRequest, user) -> list[str]:
    """Put the waiting version live, in one transaction, as a new revision recorded with
    who approved it. Returns notes on what the version named that has gone since (left
    out). Raises PermissionDenied, ChangeNotOpen or ValidationError (nothing changes)."""
    if not can_publish(user):
        raise PermissionDenied
    with transaction.atomic():
        trial = Trial.objects.select_for_update().get(pk=change.trial_id)
        change = _open_for_decision(change, states={ChangeState.WAITING})
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(
                gettext("Approved the changes %(who)s submitted on %(when)s.")
                % {
                    "who": change.submitted_by or gettext("someone"),
                    "when": date_format(timezone.localtime(change.submitted_at), "DATETIME_FORMAT"),
                }
            )
            trial, notes = apply_snapshot(snapshot_of(change), trial=trial, with_review=True)
            trial.full_clean()
            reversion.add_to_revision(trial)
        change.close(ChangeState.APPROVED, user=user)
        if trial.is_public:
            announce_public_change(trial.pk, reason="changed")
        trial.audit("approve", user=user, change_id=change.pk)
    return notes


def send_back_change(*, change: ChangeRequest, user, comment: str) -> None:
    """Return the waiting version to its Editor with a comment they see on the form."""
    if not can_publish(user):
        raise PermissionDenied
    with transaction.atomic():
        change = _open_for_decision(change, states={ChangeState.WAITING})
        change.close(ChangeState.SENT_BACK, user=user, comment=comment)
        change.trial.audit("send_back", user=user, change_id=change.pk)


def discard_change(*, change: ChangeRequest, user) -> None:
    """Drop an open change: the trial's working copy is its live rows again. Its author
    or a Publisher may."""
    if not (can_publish(user) or change.submitted_by_id == user.pk):
        raise PermissionDenied
    with transaction.atomic():
        change = _open_for_decision(change, states=set(OPEN_CHANGE_STATES))
        change.close(ChangeState.DISCARDED, user=user)
        change.trial.audit("discard_changes", user=user, change_id=change.pk)


def conclude_open_change(trial: Trial, *, user, included: bool) -> None:
    """After a save that went live from the working copy: the open change is approved if
    its content is now public (`included`, and the trial is published), else superseded."""
    change = trial.change_requests.open().first()
    if change is None:
        return
    state = ChangeState.APPROVED if included and trial.is_public else ChangeState.SUPERSEDED
    change.close(state, user=user)
    if state == ChangeState.APPROVED:
        trial.audit("approve", user=user, change_id=change.pk)
