"""The registry watch: how a trial's page differs from its registry record, and what staff
do about each difference.

A difference is recorded (a PendingRegistryChange) when the registry has moved since the
record we last compared (or on the first comparison of a trial typed in by hand) and its
new value is not what our page says. A value the registry does not give (a trimmed record
without a status) is never a difference. Nothing on the page changes until staff accept;
a deliberate difference that staff dismiss is not raised again until the registry moves
once more.
"""

from __future__ import annotations

import datetime

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..ages import format_age
from ..models import (
    STATUS_REGISTRY_TERMS,
    Arm,
    ArmStatus,
    DatePrecision,
    Organisation,
    PendingRegistryChange,
    Phase,
    Registry,
    RegistryChangeKind,
    RegistryChangeState,
    RegistryNumber,
    Status,
    Trial,
)
from ..models.registry_watch import DISPLAY_MAX
from ..moderation import can_publish, submit_change
from ..signals import announce_public_change
from .ctgov import Study

# The page's fields that come from the registry, in the order staff read them.
# The language of ClinicalTrials.gov's records: their texts are the English ones on our side.
REGISTRY_LANGUAGE = "en"

REGISTRY_FIELDS = {
    "status": _("status"),
    "official_title": _("official title"),
    "phase": _("phase"),
    "start_date": _("start date"),
    "end_date": _("end date"),
    "max_patients_total": _("maximum number of patients"),
    "min_age_months": _("minimum age"),
    "max_age_months": _("maximum age"),
    "sponsor": _("sponsor"),
}


def arm_status_for(status: str | None) -> ArmStatus:
    """An arm the registry lists, with the trial's overall status: the registry gives no
    arm status, so open trials' arms are open, finished ones' closed, others planned."""
    if status in {Status.RECRUITING, Status.ENROLLING_BY_INVITATION}:
        return ArmStatus.OPEN
    if status in {None, Status.NOT_YET_RECRUITING, Status.UNKNOWN}:
        return ArmStatus.PLANNED
    return ArmStatus.CLOSED


def _dated(date: datetime.date | None, precision: str) -> list | None:
    return [date.isoformat(), str(precision)] if date else None


def registry_values(study: Study) -> dict:
    """The registry-owned fields as `study` has them, JSON-safe (None: not given)."""
    return {
        "status": study.status.value if study.status else None,
        "official_title": study.official_title,
        "phase": study.phase.value,
        "start_date": _dated(study.start_date, study.start_date_precision),
        "end_date": _dated(study.end_date, study.end_date_precision),
        "max_patients_total": study.enrollment,
        "min_age_months": study.min_age_months,
        "max_age_months": study.max_age_months,
        "sponsor": study.sponsor or None,
    }


def page_values(trial: Trial) -> dict:
    """The same fields as our page has them."""
    return {
        "status": trial.status,
        "official_title": trial.official_title,
        "phase": trial.phase,
        "start_date": _dated(trial.start_date, trial.start_date_precision),
        "end_date": _dated(trial.end_date, trial.end_date_precision),
        "max_patients_total": trial.max_patients_total,
        "min_age_months": trial.min_age_months,
        "max_age_months": trial.max_age_months,
        "sponsor": trial.sponsor.name if trial.sponsor_id else None,
    }


def display(key: str, value) -> str:
    """A value as staff read it in a difference: registry words for statuses."""
    if value is None or value == "":
        return "—"
    if key == "status":
        return str(STATUS_REGISTRY_TERMS[Status(value)])
    if key == "phase":
        return str(Phase(value).label)
    if key in {"start_date", "end_date"}:
        date, precision = datetime.date.fromisoformat(value[0]), value[1]
        if precision == DatePrecision.YEAR:
            return str(date.year)
        fmt = "YEAR_MONTH_FORMAT" if precision == DatePrecision.MONTH else "DATE_FORMAT"
        return date_format(date, fmt)
    if key in {"min_age_months", "max_age_months"}:
        return format_age(value)
    return str(value)


def describe_change(change: PendingRegistryChange) -> str:
    """'status (Active, not recruiting → Completed)', 'arm "Arm M" added'."""
    if change.kind == RegistryChangeKind.ARM_ADDED:
        return gettext("arm “%(name)s” added") % {"name": change.key}
    if change.kind == RegistryChangeKind.ARM_REMOVED:
        return gettext("arm “%(name)s” removed") % {"name": change.key}
    if change.kind == RegistryChangeKind.NUMBER_ADDED:
        return gettext("%(registry)s %(value)s added") % {
            "registry": change.label,
            "value": change.theirs,
        }
    return f"{change.label} ({change.ours} → {change.theirs})"


def compare(
    trial: Trial, study: Study, *, previous: Study | None, now: datetime.datetime
) -> list[PendingRegistryChange]:
    """Record how `study` differs from the page where the registry moved since `previous`
    (every difference when there is none). Returns the changes recorded or updated."""
    recorded = []
    pending = {(c.kind, c.key): c for c in trial.registry_changes.pending()}

    def record(kind, key, *, label, ours, theirs, value):
        change = pending.get((kind, key))
        if change is not None and change.value == value:
            return
        if change is None:
            change = PendingRegistryChange(trial=trial, kind=kind, key=key, since=now)
        change.label, change.value = label[:200], value
        change.ours = Truncator(ours).chars(DISPLAY_MAX)
        change.theirs = Truncator(theirs).chars(DISPLAY_MAX)
        change.registry_updated = study.last_update_posted
        change.save()
        recorded.append(change)

    def settle(kind, key):
        change = pending.get((kind, key))
        if change is not None:
            change.state, change.decided_at = RegistryChangeState.SETTLED, now
            change.save(update_fields=["state", "decided_at"])

    theirs, ours = registry_values(study), page_values(trial)
    before = registry_values(previous) if previous else None
    for key, label in REGISTRY_FIELDS.items():
        new = theirs[key]
        if new is None:
            continue
        if ours[key] == new:
            settle(RegistryChangeKind.FIELD, key)
            continue
        if before is not None and before[key] == new:
            continue
        record(
            RegistryChangeKind.FIELD,
            key,
            label=str(label),
            ours=display(key, ours[key]),
            theirs=display(key, new),
            value=new,
        )

    # Registry records are in English: they are compared with the English arm names.
    our_arms = set(trial.arms.values_list("name_en", flat=True))
    arms_before = {arm.name for arm in previous.arms} if previous else None
    for arm in study.arms:
        if arm.name in our_arms or (arms_before is not None and arm.name in arms_before):
            continue
        value = {"name": arm.name, "intervention": arm.intervention, "description": arm.description}
        record(
            RegistryChangeKind.ARM_ADDED, arm.name, label=gettext("arm"), ours="", theirs="",
            value=value,
        )  # fmt: skip
    if arms_before is not None:
        for name in sorted(arms_before - {arm.name for arm in study.arms}):
            if name in our_arms:
                record(
                    RegistryChangeKind.ARM_REMOVED, name, label=gettext("arm"), ours=name,
                    theirs="", value=None,
                )  # fmt: skip

    our_numbers = dict(trial.registry_numbers.values_list("registry", "value"))
    numbers_before = set(previous.registry_numbers) if previous else None
    for registry, value in study.registry_numbers:
        if registry in our_numbers or (
            numbers_before is not None and (registry, value) in numbers_before
        ):
            continue
        record(
            RegistryChangeKind.NUMBER_ADDED,
            registry,
            label=str(Registry(registry).label),
            ours="",
            theirs=value,
            value=value,
        )
    return recorded


# ---------------------------------------------------------------------------------------------
# Accepting and dismissing
# ---------------------------------------------------------------------------------------------


class ChangeDecided(Exception):
    """The change was accepted, dismissed or settled meanwhile."""


def apply_change(trial: Trial, change: PendingRegistryChange) -> None:
    """Write the registry's value to the trial (or its arms and numbers) and save."""
    if change.kind == RegistryChangeKind.FIELD:
        key, value = change.key, change.value
        if key == "sponsor":
            trial.sponsor, _created = Organisation.objects.get_or_create(name=value)
        elif key in {"start_date", "end_date"}:
            setattr(trial, key, datetime.date.fromisoformat(value[0]))
            setattr(trial, f"{key}_precision", value[1])
        else:
            setattr(trial, key, value)
        trial.full_clean()
        trial.save()
    elif change.kind == RegistryChangeKind.ARM_ADDED:
        last = trial.arms.order_by("-order").values_list("order", flat=True).first()
        with translation.override(REGISTRY_LANGUAGE):  # the record's texts are English
            arm = Arm(
                trial=trial,
                name=change.value["name"][:200],
                intervention=change.value["intervention"][:300],
                description=change.value["description"][:2000],
                status=arm_status_for(trial.status),
                order=0 if last is None else last + 1,
            )
            arm.full_clean()
            arm.save()
    elif change.kind == RegistryChangeKind.ARM_REMOVED:
        trial.arms.filter(name_en=change.key).delete()
    elif change.kind == RegistryChangeKind.NUMBER_ADDED:
        number = RegistryNumber(trial=trial, registry=change.key, value=change.value)
        number.full_clean()
        number.save()
    reversion.add_to_revision(trial)


def _decide(change: PendingRegistryChange, state: str, user) -> PendingRegistryChange:
    locked = PendingRegistryChange.objects.select_for_update().get(pk=change.pk)
    if locked.state != RegistryChangeState.PENDING:
        raise ChangeDecided(
            gettext("This registry change was already %(state)s.")
            % {"state": locked.get_state_display()}
        )
    locked.state, locked.decided_at, locked.decided_by = state, timezone.now(), user
    locked.save(update_fields=["state", "decided_at", "decided_by"])
    return locked


def accept_change(*, change: PendingRegistryChange, user) -> bool:
    """Write the registry's value, recorded in the trial's history. A published trial
    that the user may not publish (or that has changes awaiting approval) gets the value
    as changes awaiting approval: returns True when it waits, False when it is live.
    Raises PermissionDenied, ChangeDecided or ValidationError (nothing changes)."""
    if not user.has_perm("trials.change_trial"):
        raise PermissionDenied
    trial = change.trial
    comment = gettext("Accepted the registry's %(change)s.") % {"change": describe_change(change)}
    waits = trial.is_public and (not can_publish(user) or trial.change_requests.open().exists())
    if waits:
        with transaction.atomic():
            _decide(change, RegistryChangeState.ACCEPTED, user)
            submit_change(
                trial=trial, user=user, edit=lambda t: apply_change(t, change), comment=comment
            )
        return True
    with transaction.atomic():
        _decide(change, RegistryChangeState.ACCEPTED, user)
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(comment)
            locked = Trial.objects.select_for_update().get(pk=trial.pk)
            apply_change(locked, change)
        if locked.is_public:
            announce_public_change(locked.pk, reason="changed")
    return False


def dismiss_change(*, change: PendingRegistryChange, user) -> None:
    """Keep our page as it is; the same registry value is not raised again."""
    if not user.has_perm("trials.change_trial"):
        raise PermissionDenied
    with transaction.atomic():
        _decide(change, RegistryChangeState.DISMISSED, user)
