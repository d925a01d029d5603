"""A trial's history as staff read it: who changed what, when, field by field.

django-reversion stores each save of a trial, with its arms, approvals, registry numbers
and investigator roles, as one revision. This module turns revisions into readable
differences, for the history page and for the two-editors conflict message.
"""

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from .models import Approval, Arm, CancerType, RegistryNumber, Trial, TrialInvestigator

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
}
INLINE_MODELS = (Arm, Approval, RegistryNumber, TrialInvestigator)
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
class Snapshot:
    """The trial's fields and its inline rows as one revision stored them."""

    trial: dict
    inlines: dict  # model -> {pk: field dict}


@dataclass
class HistoryEntry:
    version: Version
    changes: list[FieldChange]
    inline_changes: list[InlineChange]

    @property
    def revision(self):
        return self.version.revision

    @property
    def is_first(self) -> bool:
        return not self.changes and not self.inline_changes


def latest_version_token(trial: Trial) -> str:
    """Identifies the newest stored revision of `trial`: what an editor loaded."""
    pk = Version.objects.get_for_object(trial).values_list("pk", flat=True).first()
    return str(pk or "")


def snapshots_for(versions: list[Version]) -> dict[int, Snapshot]:
    """Snapshots of the given trial versions, keyed by version pk, in one query."""
    by_revision = {version.revision_id: version for version in versions}
    snapshots = {version.pk: Snapshot(trial=version.field_dict, inlines={}) for version in versions}
    related = Version.objects.filter(revision_id__in=by_revision).select_related("content_type")
    for version in related:
        model = version.content_type.model_class()
        if model not in INLINE_MODELS:
            continue
        trial_version = by_revision[version.revision_id]
        fields = version.field_dict
        if fields.get("trial_id") != trial_version.field_dict.get("id"):
            continue
        inlines = snapshots[trial_version.pk].inlines
        inlines.setdefault(model, {})[int(version.object_id)] = fields
    return snapshots


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
        investigator_model = apps.get_model("trials", "Investigator")
        self.investigators = {
            investigator.pk: str(investigator)
            for investigator in investigator_model.objects.filter(pk__in=investigator_ids)
        }
        organisation_ids = {
            snapshot.trial.get(name)
            for snapshot in snapshots
            for name in ("sponsor_id", "network_id")
            if snapshot.trial.get(name)
        }
        self.organisations = {
            organisation.pk: str(organisation)
            for organisation in apps.get_model("trials", "Organisation").objects.filter(
                pk__in=organisation_ids
            )
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
        return str(row.get("name", ""))


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
        if before == after or same_text(before, after):
            continue
        changes.append(
            FieldChange(
                label=str(model_field.verbose_name).capitalize(),
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


def trial_history(trial: Trial) -> list[HistoryEntry]:
    """Every stored revision of `trial`, newest first, each with what it changed."""
    versions = list(
        Version.objects.get_for_object(trial).select_related("revision__user").order_by("pk")
    )
    snapshots = snapshots_for(versions)
    describer = Describer(snapshots.values())
    entries = []
    previous = None
    for version in versions:
        current = snapshots[version.pk]
        if previous is None:
            changes, inline_changes = [], []
        else:
            changes, inline_changes = diff_snapshots(previous, current, describer)
        entries.append(HistoryEntry(version, changes, inline_changes))
        previous = current
    return entries[::-1]


def changes_since(trial: Trial, token: str):
    """What was saved after the revision `token` (see latest_version_token), and by whom:
    for telling an editor what someone else changed while they were editing."""
    versions = list(Version.objects.get_for_object(trial).select_related("revision__user"))
    latest = versions[0] if versions else None
    loaded = next((version for version in versions if str(version.pk) == token), None)
    if latest is None or loaded is None:
        return latest, [], []
    snapshots = snapshots_for([loaded, latest])
    describer = Describer(snapshots.values())
    changes, inline_changes = diff_snapshots(snapshots[loaded.pk], snapshots[latest.pk], describer)
    return latest, changes, inline_changes
