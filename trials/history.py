"""A trial's history as staff read it: who changed what, when, field by field.

django-reversion stores each save of a trial, with its arms, approvals, registry numbers
and investigator roles, as one revision (trials.versions reads them back as snapshots).
This module turns two snapshots into readable differences: for the history page, the
two-editors conflict message and the comparison of changes awaiting approval with the live
page. It is the one differ.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from .models import (
    Approval,
    CancerType,
    ChangeRequest,
    Investigator,
    Organisation,
    RegistryNumber,
    Trial,
    TrialInvestigator,
)
from .models.translated import text_in_row
from .moderation import working_version
from .versions import INLINE_MODELS, Snapshot, snapshots_for

# Bookkeeping that changes with every save and tells staff nothing.
IGNORED_FIELDS = {
    "id",
    "trial",
    "created_at",
    "updated_at",
    "published_at",
    "published_by",
    "withdrawn_at",
    "withdrawn_by",
    "last_reviewed_by",
    # Whether translations agree (models/translated.py): their texts show as changes.
    "translation_checks",
}
INLINE_CHANGE_LABELS = {"added": _("added"), "removed": _("removed"), "changed": _("changed")}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class InlineChange:
    kind: str  # "added", "removed" or "changed"
    model_label: str
    name: str
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(INLINE_CHANGE_LABELS[self.kind])


@dataclass
class HistoryEntry:
    version: Version
    changes: list[FieldChange]
    inline_changes: list[InlineChange]
    is_current: bool = False  # the version the edit form shows

    @property
    def revision(self):
        return self.version.revision

    @property
    def change(self) -> ChangeRequest | None:
        """The changes awaiting approval this version was stored as, if it was."""
        return getattr(self.revision, "change_request", None)

    @property
    def is_first(self) -> bool:
        return not self.changes and not self.inline_changes


def working_version_token(trial: Trial) -> str:
    """Identifies the version an editor opening the trial loads (moderation.working_version):
    a save from a form loaded from another version meets someone else's save."""
    version = working_version(trial)
    return str(version.pk) if version else ""


class Describer:
    """Turns stored values into words: choice labels, names instead of ids."""

    def __init__(self, snapshots):
        cancer_type_ids = set()
        investigator_ids = set()
        for snapshot in snapshots:
            cancer_type_ids.update(snapshot.trial.get("cancer_types") or [])
            for row in snapshot.inlines.get(TrialInvestigator, {}).values():
                investigator_ids.add(row.get("investigator_id"))
        self.cancer_types = dict(
            CancerType.objects.filter(pk__in=cancer_type_ids).values_list("pk", "name")
        )
        self.investigators = {
            investigator.pk: str(investigator)
            for investigator in Investigator.objects.filter(pk__in=investigator_ids)
        }
        organisation_ids = {
            snapshot.trial.get(name)
            for snapshot in snapshots
            for name in ("sponsor_id", "network_id")
            if snapshot.trial.get(name)
        }
        self.organisations = {
            organisation.pk: str(organisation)
            for organisation in Organisation.objects.filter(pk__in=organisation_ids)
        }

    def value(self, model_field, value) -> str:
        if value in (None, "", []):
            return "—"
        name = model_field.name
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if name == "cancer_types":
            return ", ".join(sorted(self.cancer_types.get(pk, f"#{pk}") for pk in value))
        if name == "investigator":
            return self.investigators.get(value, f"#{value}")
        if name in {"sponsor", "network"}:
            return self.organisations.get(value, f"#{value}")
        if model_field.is_relation:
            return f"#{value}"
        text = strip_tags(str(value)).strip()
        return Truncator(text).chars(160)

    def row_name(self, model, row) -> str:
        if model is TrialInvestigator:
            return self.investigators.get(row.get("investigator_id"), "?")
        if model is RegistryNumber:
            return str(row.get("value", ""))
        if model is Approval:
            return str(row.get("body", ""))
        return text_in_row(row, "name")


def _empty(value) -> bool:
    """No text: a language's text never written (None) or emptied ("")."""
    return value is None or value == ""


def same_text(before, after) -> bool:
    """Texts that differ only in whitespace (a browser's line endings, the space between
    HTML blocks) read the same, so they are not listed as a change."""
    if not isinstance(before, str) or not isinstance(after, str):
        return False
    return _words(before) == _words(after)


def _words(text: str) -> list[str]:
    return re.sub(r">\s+<", "><", text).split()


def diff_fields(model, old: dict, new: dict, describer: Describer) -> list[FieldChange]:
    changes = []
    for model_field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        key = model_field.attname
        if model_field.name in IGNORED_FIELDS or (key not in new and key not in old):
            continue
        before, after = old.get(key), new.get(key)
        if isinstance(before, list) and isinstance(after, list):
            before, after = sorted(before), sorted(after)
        if before == after or same_text(before, after) or (_empty(before) and _empty(after)):
            continue
        changes.append(
            FieldChange(
                label=capfirst(str(model_field.verbose_name)),
                old=describer.value(model_field, before),
                new=describer.value(model_field, after),
            )
        )
    return changes


def diff_snapshots(old: Snapshot, new: Snapshot, describer: Describer):
    changes = diff_fields(Trial, old.trial, new.trial, describer)
    inline_changes = []
    for model in INLINE_MODELS:
        before, after = old.inlines.get(model, {}), new.inlines.get(model, {})
        label = str(model._meta.verbose_name)
        for pk in after.keys() - before.keys():
            name = describer.row_name(model, after[pk])
            inline_changes.append(InlineChange(kind="added", model_label=label, name=name))
        for pk in before.keys() - after.keys():
            name = describer.row_name(model, before[pk])
            inline_changes.append(InlineChange(kind="removed", model_label=label, name=name))
        for pk in before.keys() & after.keys():
            fields = diff_fields(model, before[pk], after[pk], describer)
            if fields:
                name = describer.row_name(model, after[pk])
                inline_changes.append(
                    InlineChange(kind="changed", model_label=label, name=name, fields=fields)
                )
    return changes, inline_changes


def compare(old: Snapshot, new: Snapshot) -> tuple[list[FieldChange], list[InlineChange]]:
    """What changed from `old` to `new`, in words."""
    return diff_snapshots(old, new, Describer([old, new]))


def trial_history(trial: Trial) -> list[HistoryEntry]:
    """Every stored version of `trial`, newest first, each with what it changed: a live
    version against the live version before it, changes awaiting approval against the
    live version they were edited from (so each shows all it would change)."""
    versions = list(
        Version.objects.get_for_object(trial)
        .select_related(
            "revision__user",
            "revision__change_request__submitted_by",
            "revision__change_request__decided_by",
        )
        .order_by("pk")
    )
    snapshots = snapshots_for(versions)
    describer = Describer(snapshots.values())
    current = working_version(trial)
    entries = []
    previous_live = None
    for version in versions:
        entry = HistoryEntry(version, [], [], is_current=current is not None and version == current)
        change = entry.change
        base = previous_live
        if change is not None and change.based_on_id in snapshots:
            base = change.based_on_id
        if base is not None:
            entry.changes, entry.inline_changes = diff_snapshots(
                snapshots[base], snapshots[version.pk], describer
            )
        if change is None:
            previous_live = version.pk
        entries.append(entry)
    return entries[::-1]


def changes_since(trial: Trial, token: str):
    """The trial's working version now, and what it changed since the version `token`
    (see working_version_token): for telling an editor what someone else saved while they
    were editing. No changes are listed when the loaded version is unknown."""
    current = working_version(trial)
    loaded = None
    if token.isdigit():
        loaded = Version.objects.get_for_object(trial).filter(pk=int(token)).first()
    if current is None or loaded is None:
        return current, [], []
    current = Version.objects.select_related("revision__user").get(pk=current.pk)
    snapshots = snapshots_for([loaded, current])
    changes, inline_changes = compare(snapshots[loaded.pk], snapshots[current.pk])
    return current, changes, inline_changes
