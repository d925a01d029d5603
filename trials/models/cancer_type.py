"""Cancer types in two levels (groups and types), and the one rule for which trials
belong to a cancer type."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from ..rich_text import EDITOR_CONFIG, sanitize_html


class CancerTypeQuerySet(models.QuerySet):
    def groups(self):
        return self.filter(parent__isnull=True)

    def tree(self, trials) -> list["CancerType"]:
        """Groups in name order, each with `.types` (its cancer types), all with
        `trial_count` against `trials`. Two queries: the types and the trials' tags."""
        cancer_types = list(self.order_by("name"))
        count_trials_by_cancer_type(cancer_types, trials)
        return arrange_in_groups(cancer_types)


def count_trials_by_cancer_type(cancer_types: list["CancerType"], trials) -> None:
    """Set `trial_count` on each of `cancer_types` (all of them, groups and types): how
    many of `trials` the finder shows for it (TrialQuerySet.in_cancer_types). One query,
    for the (trial, type) tags of the trials, whatever the number of types."""
    tags = CancerType.trials.through.objects.filter(trial_id__in=trials.values("pk"))
    tagged_with = defaultdict(set)  # cancer type id -> ids of the trials tagged with it
    for trial_id, cancer_type_id in tags.values_list("trial_id", "cancertype_id"):
        tagged_with[cancer_type_id].add(trial_id)
    types_in_group = defaultdict(list)
    for cancer_type in cancer_types:
        if cancer_type.parent_id:
            types_in_group[cancer_type.parent_id].append(cancer_type.pk)
    for cancer_type in cancer_types:
        found = set(tagged_with[cancer_type.pk])
        if cancer_type.parent_id is None:
            # A group: its own trials and those of each of its types.
            for type_id in types_in_group[cancer_type.pk]:
                found |= tagged_with[type_id]
        else:
            # A type: its own trials and those for its whole group.
            found |= tagged_with[cancer_type.parent_id]
        cancer_type.trial_count = len(found)


def arrange_in_groups(cancer_types: list["CancerType"]) -> list["CancerType"]:
    """The groups among `cancer_types`, in the order given, each with `.types`."""
    groups = {cancer_type.pk: cancer_type for cancer_type in cancer_types if cancer_type.is_group}
    for group in groups.values():
        group.types = []
    for cancer_type in cancer_types:
        if cancer_type.parent_id in groups:
            groups[cancer_type.parent_id].types.append(cancer_type)
    return list(groups.values())


class CancerType(models.Model):
    """A group ("Solid tumors") or, under a group, a specific type ("Neuroblastoma")."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
        help_text=_("Leave empty for a group; choose the group for a specific cancer type."),
    )
    description = ProseEditorField(
        _("description"),
        blank=True,
        max_length=5000,
        config=EDITOR_CONFIG,
        sanitize=sanitize_html,
        help_text=_("A short plain-language description for families."),
    )
    # When the page's own text last changed: sitemaps and conditional GET read it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CancerTypeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cancer type")
        verbose_name_plural = _("cancer types")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="cancer_type_not_its_own_parent"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("trials:cancer_type", kwargs={"slug": self.slug})

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent_id == self.pk or self.parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("Choose a group (a cancer type without a group of its own).")}
            )
        if self.pk and self.children.exists():
            raise ValidationError(
                {"parent": _("This is a group with cancer types under it; it cannot have a group.")}
            )

    @property
    def is_group(self) -> bool:
        return self.parent_id is None
