"""Export and import all of the trials app's content, for backups and moving between
databases (SQLite to PostgreSQL and back).

Generic over the app: every model of `trials` is included, in dependency order, so a
model added later is exported without anyone remembering to list it. With history,
django-reversion's revisions and versions come too. The file is Django's JSON
serialization (loaddata can read it); users and content types are named by their
natural keys (username, app and model), never by database ids, because those differ
between databases.
"""

import datetime
import json
import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .models import SiteSettings
from .signals import announce_public_site_change

audit = logging.getLogger("trialportal.audit")

APP_LABEL = "trials"
HISTORY_MODELS = ("reversion.Revision", "reversion.Version")
# Kept by the database itself (its triggers write them on every write, an import
# included): restoring an old version of public content could make a cached page look
# current, and the search documents are written again as the trials are restored.
NOT_EXPORTED = ("trials.ContentVersion", "trials.SearchDocument")
# Fields earlier releases exported that this one keeps elsewhere: a trial's search document
# moved to trials.SearchDocument (migration 0017), which the database writes on import.
RETIRED_FIELDS = {"trials.trial": ("search_document",)}


def content_models(*, history: bool = False) -> list:
    """The models to export, each after every model it refers to. A model that refers to
    the history (changes awaiting approval are revisions) is history itself."""
    history_models = [apps.get_model(label) for label in HISTORY_MODELS]
    models = [
        model
        for model in apps.get_app_config(APP_LABEL).get_models()
        if model._meta.label not in NOT_EXPORTED
    ]
    if history:
        models += history_models
    else:
        models = [model for model in models if not _refers_to(model, history_models)]
    return in_dependency_order(models)


def _refers_to(model, others) -> bool:
    return any(field.related_model in others for field in model._meta.fields if field.is_relation)


def in_dependency_order(models: list) -> list:
    """Models sorted so that each comes after the models its foreign keys (and its
    many-to-many fields) point to, among `models`; ties keep their order."""
    remaining = list(models)
    ordered = []
    while remaining:
        for model in remaining:
            needs = {
                field.related_model
                for field in [*model._meta.fields, *model._meta.many_to_many]
                if field.is_relation and field.related_model is not model
            }
            if not (needs & set(remaining)):
                ordered.append(model)
                remaining.remove(model)
                break
        else:
            raise ValueError(f"circular references between {remaining}")
    return ordered


def export_data(*, history: bool = False) -> list[dict]:
    objects = []
    for model in content_models(history=history):
        objects += serializers.serialize(
            "python", model._default_manager.order_by("pk"), use_natural_foreign_keys=True
        )
    return objects


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times to the microsecond (it rounds to milliseconds), so a
    restore is identical."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def export_json(*, history: bool = False) -> str:
    return json.dumps(export_data(history=history), cls=ExactJSONEncoder, indent=1)


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=dict)
    missing_users: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class ImportRefused(Exception):
    pass


def import_data(
    objects: list[dict], *, replace: bool = False, dry_run: bool = False
) -> ImportResult:
    """Load exported objects into a database without trial content (or, with `replace`,
    whose trial content and history are deleted first, in the same transaction).

    References to users that do not exist here are left empty (and reported), so a
    backup restores into a fresh installation whose staff accounts are made anew.
    """
    labels = {obj.get("model", "") for obj in objects}
    unknown = {label for label in labels if not _is_content_label(label)}
    if unknown:
        raise ImportRefused(
            f"The file holds objects this command does not import: {', '.join(sorted(unknown))}."
        )
    # History counts as content even when the file has none: old versions would
    # otherwise be shown as the history of the imported trials that reuse their ids.
    models = content_models(history=True)
    present = {
        model._meta.label: model._default_manager.count()
        for model in models
        if model._default_manager.exists()
    }
    if present and not replace:
        found = ", ".join(f"{count} {label}" for label, count in sorted(present.items()))
        raise ImportRefused(
            f"This database already has content ({found}; a new installation has glossary "
            "terms from its migrations). Import into an empty database, or pass --replace "
            "to delete this content and history first."
        )
    result = ImportResult()
    objects = _without_missing_users(_without_retired_fields(objects), result)
    with transaction.atomic():
        if present:
            _delete_all(models)
        for deserialized in serializers.deserialize("python", objects):
            deserialized.save()
            label = deserialized.object._meta.label
            result.counts[label] = result.counts.get(label, 0) + 1
        _reset_sequences(models)
        # The rows keep the times in the file, yet what every page shows may have changed:
        # a new version of the centre's settings gives every page new validators and
        # cached copies, and new addresses for its stylesheet, logo and font (which
        # browsers keep for a year).
        SiteSettings.objects.update(updated_at=timezone.now())
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        # Any page may have changed: cached pages and their validators start again.
        announce_public_site_change(reason="import")
        audit.info(
            "import",
            extra={"event": "import", "user_id": None, "object_type": APP_LABEL,
                   "object_id": None, "count": result.total, "replaced": bool(present)},
        )  # fmt: skip
    return result


def _delete_all(models) -> None:
    """Empty the tables, each before those it refers to. Plain DELETEs: the foreign keys
    are checked at commit, when the imported rows are in place."""
    # Rows the database derives from the content (search documents) go first; they are
    # written again as the imported trials are inserted.
    derived = [apps.get_model(label) for label in NOT_EXPORTED]
    tables = [model._meta.db_table for model in derived if _refers_to(model, models)]
    tables += [through._meta.db_table for through in _auto_created_links(models)]
    tables += [model._meta.db_table for model in reversed(models)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a model's own table


def _auto_created_links(models) -> list:
    return [
        field.remote_field.through
        for model in models
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]


def _is_content_label(label: str) -> bool:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return model._meta.app_label == APP_LABEL or model._meta.label in HISTORY_MODELS


def _without_retired_fields(objects: list[dict]) -> list[dict]:
    """Backups written by earlier releases, without the fields those releases exported and
    this one keeps elsewhere (RETIRED_FIELDS): derived data, written again on import."""
    cleaned = []
    for obj in objects:
        retired = RETIRED_FIELDS.get(obj.get("model", ""), ())
        if any(name in obj.get("fields", {}) for name in retired):
            fields = {k: v for k, v in obj["fields"].items() if k not in retired}
            obj = {**obj, "fields": fields}
        cleaned.append(obj)
    return cleaned


def _without_missing_users(objects: list[dict], result: ImportResult) -> list[dict]:
    """Empty the (nullable) references to usernames this database does not have."""
    User = get_user_model()
    user_fields = {}
    for label in {obj["model"] for obj in objects}:
        model = apps.get_model(label)
        user_fields[label] = [
            f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is User
        ]
    named = {
        tuple(obj["fields"][name])
        for obj in objects
        for name in user_fields[obj["model"]]
        if isinstance(obj["fields"].get(name), list)
    }
    existing = {
        (username,)
        for username in User._default_manager.filter(
            **{f"{User.USERNAME_FIELD}__in": [key[0] for key in named]}
        ).values_list(User.USERNAME_FIELD, flat=True)
    }
    missing = named - existing
    result.missing_users = {key[0] for key in missing}
    if not missing:
        return objects
    cleaned = []
    for obj in objects:
        fields = dict(obj["fields"])
        for name in user_fields[obj["model"]]:
            value = fields.get(name)
            if isinstance(value, list) and tuple(value) in missing:
                fields[name] = None
        cleaned.append({**obj, "fields": fields})
    return cleaned


def _reset_sequences(models) -> None:
    """Make the next id of each table follow the imported ones (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
