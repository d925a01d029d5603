"""A trial's stored versions: what one holds, and putting one back into the live rows.

django-reversion stores each save of a trial, with its arms, approvals, registry numbers and
investigator roles, as one revision (see the registration on Trial). A Snapshot is one such
version read back: the trial's fields and its inline rows, keyed by id.

Restoring an old version, recovering a deleted trial, approving changes awaiting approval and
opening a waiting version in the edit form all go through apply_snapshot(). It writes content
only, never whether the trial is public; it matches inline rows by id within the trial; and it
leaves out, with a note saying so, whatever the version names that has been deleted or taken
by another trial since.

Inline rows that a waiting version adds have no row of their own until the version is
approved, so their ids in the stored version are negative (see moderation.py): they can never
match another trial's row, on SQLite (which may hand out a rolled-back id again) or PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext, ngettext
from reversion.models import Version

from .models import (
    Approval,
    Arm,
    CancerType,
    Investigator,
    Organisation,
    RegistryNumber,
    Trial,
    TrialAddress,
    TrialInvestigator,
)
from .models.translated import TRANSLATED_FIELDS
from .models.trial import NOT_VERSIONED

# The rows a trial version follows, each with its relation name on Trial.
INLINE_RELATIONS = {
    TrialInvestigator: "investigator_roles",
    Arm: "arms",
    Approval: "approvals",
    RegistryNumber: "registry_numbers",
}
INLINE_MODELS = tuple(INLINE_RELATIONS)

# Whether and when the trial is public belongs to the trial, not to a version of its
# content: no restore or approval ever changes it (publishing has its own permission).
PUBLICATION_FIELDS = (
    "publication",
    "published_at",
    "published_by_id",
    "withdrawn_at",
    "withdrawn_by_id",
)
# Who last checked the page against the protocol: carried by changes awaiting approval (an
# Editor's "mark as reviewed" on a live trial waits too), but not by a restore of old content.
REVIEW_FIELDS = ("last_reviewed", "last_reviewed_by_id")


def content_fields(*, with_review: bool) -> list[str]:
    """The attnames of Trial that a version writes back to the live trial."""
    skipped = {"id", "created_at", *NOT_VERSIONED, *PUBLICATION_FIELDS}
    if not with_review:
        skipped.update(REVIEW_FIELDS)
    return [f.attname for f in Trial._meta.concrete_fields if f.attname not in skipped]


@dataclass
class Snapshot:
    """The trial's fields and its inline rows as one version holds them."""

    trial: dict
    inlines: dict = field(default_factory=dict)  # model -> {row id: field dict}
    labels: dict = field(default_factory=dict)  # (model, row id) -> the row's name then

    @property
    def trial_id(self) -> int:
        return self.trial["id"]

    def rows(self, model) -> dict:
        return self.inlines.get(model, {})

    @classmethod
    def of_trial(cls, trial: Trial) -> Snapshot:
        """The live rows, read the way a version stores them (one query per relation)."""
        values = {f.attname: getattr(trial, f.attname) for f in Trial._meta.concrete_fields}
        values["cancer_types"] = list(trial.cancer_types.values_list("pk", flat=True))
        snapshot = cls(trial={k: v for k, v in values.items() if k not in NOT_VERSIONED})
        for model, relation in INLINE_RELATIONS.items():
            rows = getattr(trial, relation).all()
            if model is TrialInvestigator:
                rows = rows.select_related("investigator")
            for row in rows:
                snapshot.inlines.setdefault(model, {})[row.pk] = {
                    f.attname: getattr(row, f.attname)
                    for f in model._meta.concrete_fields
                    if f.attname not in TRANSLATED_FIELDS.get(model.__name__, ())
                }
                snapshot.labels[model, row.pk] = str(row)
        return snapshot

    def checked(self) -> tuple[Snapshot, list[str]]:
        """This snapshot without what it names that is gone or taken since, and a note
        for each thing left out or changed, saying what happens without it."""
        return _check_references(self)

    def as_trial(self) -> Trial:
        """An unsaved Trial showing this version, its relations filled in as
        Trial.objects.with_detail_relations() would: for rendering without touching the
        live rows. Three queries (cancer types, organisations, investigators)."""
        snapshot, _notes = self.checked()
        names = {f.attname for f in Trial._meta.concrete_fields}
        trial = Trial(**{k: v for k, v in snapshot.trial.items() if k in names})
        trial._state.adding = False
        organisations = Organisation.objects.in_bulk({trial.sponsor_id, trial.network_id} - {None})
        trial.sponsor = organisations.get(trial.sponsor_id)
        trial.network = organisations.get(trial.network_id)
        cancer_types = CancerType.objects.filter(pk__in=snapshot.trial.get("cancer_types", []))
        _fill_prefetch_cache(trial, "cancer_types", CancerType, list(cancer_types.order_by("name")))
        roles = snapshot.rows(TrialInvestigator)
        investigators = Investigator.objects.in_bulk(
            {row["investigator_id"] for row in roles.values()}
        )
        for model, relation in INLINE_RELATIONS.items():
            rows = [model(**values) for values in snapshot.rows(model).values()]
            for row in rows:
                if model is TrialInvestigator:
                    row.investigator = investigators[row.investigator_id]
            ordering = model._meta.ordering
            rows.sort(key=lambda row, ordering=ordering: _sort_key(row, ordering))
            _fill_prefetch_cache(trial, relation, model, rows)
        return trial


def _sort_key(row, ordering):
    values = (getattr(row, name) for name in ordering)
    return tuple((value is None, value) for value in values)


def _fill_prefetch_cache(trial: Trial, relation: str, model, objects: list) -> None:
    """What prefetch_related() leaves behind, so `trial.<relation>.all()` runs no query."""
    queryset = model._default_manager.none()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(trial, "_prefetched_objects_cache"):
        trial._prefetched_objects_cache = {}
    trial._prefetched_objects_cache[relation] = queryset


def trial_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Trial)


def snapshots_for(versions: list[Version]) -> dict[int, Snapshot]:
    """Snapshots of the given trial versions, keyed by version pk, in one query."""
    by_revision = {version.revision_id: version for version in versions}
    snapshots = {version.pk: Snapshot(trial=version.field_dict) for version in versions}
    related = Version.objects.filter(revision_id__in=by_revision).select_related("content_type")
    for version in related:
        model = version.content_type.model_class()
        if model not in INLINE_RELATIONS:
            continue
        trial_version = by_revision[version.revision_id]
        fields = version.field_dict
        if fields.get("trial_id") != trial_version.field_dict.get("id"):
            continue
        snapshot = snapshots[trial_version.pk]
        row_id = int(version.object_id)
        snapshot.inlines.setdefault(model, {})[row_id] = fields
        snapshot.labels[model, row_id] = version.object_repr
    return snapshots


def trial_version_in(revision_id: int, trial_id: int) -> Version:
    """The trial's own version in a revision."""
    return Version.objects.get(
        revision_id=revision_id, content_type=trial_content_type(), object_id=str(trial_id)
    )


def _check_references(snapshot: Snapshot) -> tuple[Snapshot, list[str]]:
    trial = dict(snapshot.trial)
    inlines = {model: dict(rows) for model, rows in snapshot.inlines.items()}
    notes = []

    wanted = trial.get("cancer_types") or []
    existing = set(CancerType.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if missing := [pk for pk in wanted if pk not in existing]:
        trial["cancer_types"] = [pk for pk in wanted if pk in existing]
        notes.append(
            ngettext(
                "A cancer type in this version has been deleted since; the trial is kept "
                "without it.",
                "%(count)d cancer types in this version have been deleted since; the trial "
                "is kept without them.",
                len(missing),
            )
            % {"count": len(missing)}
        )

    organisation_ids = {trial.get(name) for name in ("sponsor_id", "network_id")} - {None}
    organisations = set(
        Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", flat=True)
    )
    for name, label in [("sponsor_id", gettext("sponsor")), ("network_id", gettext("network"))]:
        if trial.get(name) is not None and trial[name] not in organisations:
            trial[name] = None
            notes.append(
                gettext(
                    "The %(what)s in this version has been deleted since; the %(what)s is "
                    "left empty."
                )
                % {"what": label}
            )

    roles = inlines.get(TrialInvestigator, {})
    investigator_ids = {row["investigator_id"] for row in roles.values()}
    investigators = set(
        Investigator.objects.filter(pk__in=investigator_ids).values_list("pk", flat=True)
    )
    for row_id, row in list(roles.items()):
        if row["investigator_id"] not in investigators:
            del roles[row_id]
            notes.append(
                gettext(
                    "The investigator of “%(role)s” has been deleted since; that role is left out."
                )
                % {"role": snapshot.labels.get((TrialInvestigator, row_id), row_id)}
            )

    numbers = inlines.get(RegistryNumber, {})
    taken = {
        (number.registry, number.value): number
        for number in RegistryNumber.objects.filter(
            value__in=[row["value"] for row in numbers.values()]
        ).exclude(trial_id=snapshot.trial_id)
    }
    for row_id, row in list(numbers.items()):
        if other := taken.get((row["registry"], row["value"])):
            del numbers[row_id]
            notes.append(
                gettext(
                    "%(number)s is now the number of another trial (“%(trial)s”); it is left out."
                )
                % {"number": row["value"], "trial": other.trial}
            )

    slug = trial.get("slug")
    holder = (
        TrialAddress.objects.filter(slug=slug)
        .exclude(trial_id=snapshot.trial_id)
        .select_related("trial")
        .first()
    )
    if holder is not None:
        current = Trial.objects.filter(pk=snapshot.trial_id).values_list("slug", flat=True)
        trial["slug"] = current.first() or _free_slug(slug)
        notes.append(
            gettext(
                "The address /trials/%(old)s/ of this version now leads to “%(trial)s”; the "
                "trial keeps the address /trials/%(new)s/."
            )
            % {"old": slug, "trial": holder.trial, "new": trial["slug"]}
        )
    return replace(snapshot, trial=trial, inlines=inlines), notes


def _free_slug(slug: str) -> str:
    for number in range(2, 1000):
        candidate = f"{slug[:70]}-{number}"
        if not TrialAddress.objects.filter(slug=candidate).exists():
            return candidate
    raise ValueError(f"No free address like {slug}")


def apply_snapshot(
    snapshot: Snapshot,
    *,
    trial: Trial | None = None,
    with_review: bool = False,
    keep_new_row_ids: bool = False,
) -> tuple[Trial, list[str]]:
    """Write `snapshot` into the live rows of `trial` (or, with no trial, recreate the
    deleted trial it is a version of, as a draft). Returns the trial and the notes of
    checked(). Call inside a transaction.

    Rows the version adds (negative ids) get a new id, or keep theirs with
    `keep_new_row_ids` (a working copy that is rolled back, so that the edit form and the
    save posted from it name the same rows)."""
    snapshot, notes = snapshot.checked()
    recovering = trial is None
    if recovering:
        trial = Trial(pk=snapshot.trial_id)
    for name in content_fields(with_review=with_review):
        if name in snapshot.trial:
            setattr(trial, name, snapshot.trial[name])
    trial.save(force_insert=recovering)
    trial.cancer_types.set(snapshot.trial.get("cancer_types", []))
    for model in INLINE_MODELS:
        _apply_rows(trial, model, snapshot.rows(model), keep_new_row_ids=keep_new_row_ids)
    return trial, notes


def _apply_rows(trial: Trial, model, rows: dict, *, keep_new_row_ids: bool) -> None:
    current = {row.pk: row for row in model.objects.filter(trial=trial)}
    model.objects.filter(pk__in=current.keys() - rows.keys()).delete()
    elsewhere = set(
        model.objects.filter(pk__in=rows.keys() - current.keys()).values_list("pk", flat=True)
    )
    for row_id, values in rows.items():
        row = current.get(row_id) or model()
        for name, value in values.items():
            if name != "id":
                setattr(row, name, value)
        row.trial = trial
        if row_id in current:
            row.save()
        elif row_id in elsewhere or (row_id < 0 and not keep_new_row_ids):
            row.pk = None
            row.save()
        else:
            # Back with its old id: a row deleted since, or one a waiting version adds.
            row.pk = row_id
            row.save(force_insert=True)


def settle_new_rows(trial: Trial) -> None:
    """Give the rows a waiting version added (negative ids) an id of their own, when the
    working copy they came in with is saved for real."""
    for model in INLINE_MODELS:
        for row in model.objects.filter(trial=trial, pk__lt=0):
            old_id = row.pk
            row.pk = None
            model.objects.filter(pk=old_id).delete()
            row.save(force_insert=True)
