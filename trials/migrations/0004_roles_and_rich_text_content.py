"""Editor and Publisher groups, and existing plain texts stored as sanitised HTML."""

import re

import nh3
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils.html import escape, linebreaks

# Editors create and edit trials and everything they contain; publishers also publish and
# withdraw. Nobody but a superuser deletes a trial: withdrawing keeps it.
CONTENT_MODELS = ["arm", "approval", "registrynumber", "trialinvestigator"]
SHARED_MODELS = ["investigator", "organisation", "cancertype"]
EDITOR_PERMISSIONS = (
    ["add_trial", "change_trial", "view_trial"]
    + [f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "delete", "view")]
    + [f"{action}_{model}" for model in SHARED_MODELS for action in ("add", "change", "view")]
    + ["change_glossaryterm", "view_glossaryterm"]
)
PUBLISHER_PERMISSIONS = [*EDITOR_PERMISSIONS, "publish_trial"]

RICH_TEXT = {
    "trial": ["eligibility", "goal", "background", "arms_intro"],
    "approval": ["note"],
    "cancertype": ["description"],
    "glossaryterm": ["explanation"],
}


# The sanitizer as it was when this migration was written, frozen here so that changing the
# app's rich-text rules never changes what this migration does.
_CLEANER = nh3.Cleaner(
    tags={"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"},
    attributes={"a": {"href", "title"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_BETWEEN_BLOCKS = re.compile(r"(</(?:p|ul|ol|li)>|<(?:ul|ol)>)\s+")
_EMPTY_PARAGRAPH = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")


def sanitize_html(value):
    if not value:
        return ""
    if not _LOOKS_LIKE_HTML.search(value):
        value = linebreaks(escape(value.strip()))
    cleaned = _BETWEEN_BLOCKS.sub(r"\1", _CLEANER.clean(value).strip())
    return "" if _EMPTY_PARAGRAPH.match(cleaned) else cleaned


def create_groups(apps, schema_editor):
    app_config = apps.get_app_config("trials")
    app_config.models_module = True  # create_permissions skips apps without models
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in [("Editor", EDITOR_PERMISSIONS), ("Publisher", PUBLISHER_PERMISSIONS)]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="trials", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Publisher"]).delete()


def texts_to_html(apps, schema_editor):
    for model_name, fields in RICH_TEXT.items():
        model = apps.get_model("trials", model_name)
        for instance in model.objects.all():
            for field in fields:
                setattr(instance, field, sanitize_html(getattr(instance, field)))
            instance.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("trials", "0003_publishing_review_rich_text"),
    ]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
        migrations.RunPython(texts_to_html, migrations.RunPython.noop),
    ]
