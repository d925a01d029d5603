"""Two editors, one trial: merging what someone else saved into the form of whoever saves second.

The trial form carries the version it was loaded from (history.working_version_token). When
someone else saved in the meantime, the save is refused, and the form comes back as a
three-way merge of the loaded version (what the editor started from), the version saved since
(theirs) and what the editor typed (mine): fields and inline rows only they changed now hold
their values, fields only the editor changed keep the editor's, and fields both changed keep
the editor's and are named. Saving the form again then keeps both people's work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import models
from django.http import QueryDict
from reversion.models import Version

from ..history import changes_since, same_text
from ..models import Trial
from ..moderation import working_version
from ..rich_text import RichTextField, sanitize_html
from ..versions import INLINE_RELATIONS, content_fields, snapshots_for


@dataclass
class Conflict:
    """Someone else's save since the form was loaded, and the form merged with it."""

    current: Version  # the version saved since
    data: QueryDict  # the posted form, merged; it names `current` as the version loaded
    changes: list  # history.FieldChange: what they changed
    inline_changes: list  # history.InlineChange
    merged: bool  # False when the loaded version is unknown: the form is left as typed
    taken: list[str] = field(default_factory=list)  # what of theirs is now in the form
    both: list[str] = field(default_factory=list)  # changed by both: the editor's kept


def find_conflict(trial: Trial, post: QueryDict) -> Conflict | None:
    """The conflict a save of `trial` posting `post` meets, or None."""
    current = working_version(trial)
    loaded = post.get("loaded_version", "")
    if current is None or loaded == str(current.pk):
        return None
    current, changes, inline_changes = changes_since(trial, loaded)
    data = post.copy()
    data["loaded_version"] = str(current.pk)
    conflict = Conflict(current, data, changes, inline_changes, merged=False)
    base = (
        Version.objects.get_for_object(trial).filter(pk=loaded).first()
        if loaded.isdigit()
        else None
    )
    if base is not None:
        snapshots = snapshots_for([base, current])
        _merge(conflict, trial, snapshots[base.pk], snapshots[current.pk])
        conflict.merged = True
    return conflict


def _form_fields() -> list[models.Field]:
    names = set(content_fields(with_review=False))
    concrete = [f for f in Trial._meta.concrete_fields if f.attname in names and f.editable]
    return [*concrete, Trial._meta.get_field("cancer_types")]


def _row_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name != "trial"
    ]


TAKEN, BOTH = "taken", "both"


def _merge(conflict: Conflict, trial: Trial, base, theirs) -> None:
    for model_field in _form_fields():
        outcome = _merge_value(
            conflict.data,
            model_field,
            model_field.name,
            base.trial.get(model_field.attname),
            theirs.trial.get(model_field.attname),
        )
        _note(conflict, outcome, str(model_field.verbose_name))
    for model, prefix in INLINE_RELATIONS.items():
        _merge_rows(conflict, trial, model, prefix, base.rows(model), theirs.rows(model))


def _note(conflict: Conflict, outcome: str | None, label: str) -> None:
    if outcome == TAKEN:
        conflict.taken.append(label)
    elif outcome == BOTH:
        conflict.both.append(label)


def _merge_value(data: QueryDict, model_field, key: str, old, new) -> str | None:
    """Three-way merge of the value posted under `key`: TAKEN when theirs (`new`) is now
    in the form, BOTH when the editor changed it too (theirs is left out)."""
    if _same(model_field, old, new):
        return None
    if not _typed_differs(data, model_field, key, old):
        _put(data, model_field, key, new)
        return TAKEN
    if _typed_differs(data, model_field, key, new):
        return BOTH
    return None


def _same(model_field, old, new) -> bool:
    if isinstance(old, list) and isinstance(new, list):
        return sorted(old) == sorted(new)
    return old == new or (isinstance(model_field, RichTextField) and same_text(old, new))


def _typed_differs(data: QueryDict, model_field, key: str, value) -> bool:
    """Whether what is posted under `key` differs from the stored `value`."""
    if isinstance(model_field, models.ManyToManyField):
        return sorted(data.getlist(key)) != sorted(str(pk) for pk in value or [])
    typed = data.get(key)
    if isinstance(model_field, RichTextField):
        return not same_text(sanitize_html(typed or ""), value or "")
    return model_field.formfield().has_changed(value, typed)


def _put(data: QueryDict, model_field, key: str, value) -> None:
    """Write a stored value into the form data as the form would post it."""
    if isinstance(model_field, models.ManyToManyField):
        data.setlist(key, [str(pk) for pk in value or []])
    elif value is None:
        data[key] = ""
    elif hasattr(value, "isoformat"):
        data[key] = value.isoformat()
    else:
        data[key] = str(value)


def _merge_rows(conflict, trial, model, prefix, base_rows: dict, their_rows: dict) -> None:
    """Merge one inline formset's posted rows with theirs, matched by id."""
    data, fields = conflict.data, _row_fields(model)
    verbose = str(model._meta.verbose_name)
    posted = [
        _posted_row(data, prefix, index, fields)
        for index in range(_int(data.get(f"{prefix}-TOTAL_FORMS")))
    ]
    kept, added = [], []
    for row in posted:
        row_id = _int(row["id"]) if row["id"] else None
        base = base_rows.get(row_id)
        if row_id is None:
            added.append(row)
        elif row_id not in their_rows:
            # They removed it: gone, unless the editor changed it (then kept as a new row).
            if base is not None and not row["DELETE"] and _row_edited(row, fields, base):
                row["id"] = ""
                added.append(row)
                conflict.both.append(f"{verbose} “{_row_label(base)}”")
        else:
            if base is not None:
                theirs = their_rows[row_id]
                outcomes = {
                    _merge_value(row["data"], f, f.name, base.get(f.attname), theirs.get(f.attname))
                    for f in fields
                }
                for outcome in outcomes - {None}:
                    _note(conflict, outcome, f"{verbose} “{_row_label(theirs)}”")
            kept.append(row)
    posted_ids = {row["id"] for row in posted}
    for row_id, values in their_rows.items():
        if row_id not in base_rows and str(row_id) not in posted_ids:
            kept.append(_row_from_values(row_id, values, fields))
            conflict.taken.append(f"{verbose} “{_row_label(values)}”")
    _write_rows(data, prefix, trial, kept + added, initial=len(kept))


def _row_label(values: dict) -> str:
    return next((str(values[name]) for name in ("name", "body", "value") if values.get(name)), "")


def _posted_row(data, prefix, index, fields) -> dict:
    key = f"{prefix}-{index}-"
    values = QueryDict(mutable=True)
    for model_field in fields:
        if isinstance(model_field, models.ManyToManyField):
            values.setlist(model_field.name, data.getlist(key + model_field.name))
        elif key + model_field.name in data:
            values[model_field.name] = data[key + model_field.name]
    return {"id": data.get(key + "id", ""), "DELETE": key + "DELETE" in data, "data": values}


def _row_edited(row, fields, base) -> bool:
    return any(_typed_differs(row["data"], f, f.name, base.get(f.attname)) for f in fields)


def _row_from_values(row_id, values, fields) -> dict:
    data = QueryDict(mutable=True)
    for model_field in fields:
        _put(data, model_field, model_field.name, values.get(model_field.attname))
    return {"id": str(row_id), "DELETE": False, "data": data}


def _write_rows(data, prefix, trial, rows, *, initial: int) -> None:
    """Replace a formset's posted rows: the existing ones first, as a formset expects."""
    row_key = re.compile(rf"^{re.escape(prefix)}-\d+-")
    for key in [key for key in data if row_key.match(key)]:
        del data[key]
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(initial)
    for index, row in enumerate(rows):
        key = f"{prefix}-{index}-"
        data[key + "id"] = row["id"]
        data[key + "trial"] = str(trial.pk)
        if row["DELETE"]:
            data[key + "DELETE"] = "on"
        for name, values in row["data"].lists():
            data.setlist(key + name, values)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
