"""Cancer types in two levels (groups and types), the words families use for them, and the
one rule for which trials belong to a cancer type."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from ..rich_text import RichTextField
from .address import KeepsOldAddresses
from .translated import Translated
from .translated import content_languages as languages


def tags_counting_for(cancer_types) -> Q:
    """THE cancer-type hierarchy rule, the one place it is written.

    A trial belongs to a cancer type when it is tagged with that type; with its group (a
    trial for all solid tumours is a trial for neuroblastoma too); or, for a group, with
    one of the group's types. As a condition on a trial's cancer-type tags
    (Trial.cancer_types.through) for any of `cancer_types`. The finder's filter and its
    counts, search, the cancer-type pages, related trials and the admin's filter all call
    this, through TrialQuerySet.in_cancer_types() and count_trials_by_cancer_type().
    """
    ids = {cancer_type.pk for cancer_type in cancer_types}
    groups = {cancer_type.parent_id for cancer_type in cancer_types} - {None}
    return Q(cancertype_id__in=ids | groups) | Q(cancertype__parent_id__in=ids)


class CancerTypeQuerySet(models.QuerySet):
    def groups(self):
        return self.filter(parent__isnull=True)

    def at_address(self, slug: str):
        """The cancer type whose current or earlier address is `slug`."""
        return self.filter(addresses__slug=slug)

    def tree(self, trials) -> list["CancerType"]:
        """Groups in name order, each with `.types` (its cancer types), all with
        `trial_count` against `trials`. Two queries: the types and the counts."""
        return self.tree_and_total(trials)[0]

    def tree_and_total(self, trials) -> tuple[list["CancerType"], int]:
        """tree(), and how many `trials` there are, from the same two queries."""
        cancer_types = list(self.order_by("name"))
        total = count_trials_by_cancer_type(cancer_types, trials)
        return arrange_in_groups(cancer_types), total


def tag_ids_counting_for(cancer_types, every_cancer_type) -> set[int]:
    """The ids of the tags through which a trial belongs to any of `cancer_types`: the rule
    above, as ids, for conditions on Trial.cancer_type_key and for counting trials by the
    tags in their keys. `every_cancer_type`: all of them, already read."""
    ids = {cancer_type.pk for cancer_type in cancer_types}
    own_and_groups = ids | {cancer_type.parent_id for cancer_type in cancer_types}
    return {tag.pk for tag in every_cancer_type if tag.pk in own_and_groups or tag.parent_id in ids}


def tags_in_key(key: str) -> frozenset[int]:
    """The tag ids a Trial.cancer_type_key holds: ",2,9," -> {2, 9}."""
    return frozenset(int(pk) for pk in key.split(",") if pk)


def by_cancer_type(rows, cancer_types):
    """(cancer type, value) for each (Trial.cancer_type_key, value) of `rows` and each of
    `cancer_types` its trials belong to by the hierarchy rule. `cancer_types`: every cancer
    type (a group's trials include those tagged with its types)."""
    counting = {
        cancer_type: frozenset(tag_ids_counting_for([cancer_type], cancer_types))
        for cancer_type in cancer_types
    }
    for key, value in rows:
        tagged = tags_in_key(key)
        for cancer_type, tags in counting.items():
            if tagged & tags:
                yield cancer_type, value


def count_trials_by_cancer_type(cancer_types: list["CancerType"], trials) -> int:
    """Set `trial_count` on each of `cancer_types` (groups and types): how many of `trials`
    belong to it by the hierarchy rule. One query, whatever the number of types: the
    trials grouped by the ids of their tags (Trial.cancer_type_key, which the database
    keeps), a few hundred combinations even for 100,000 trials, the rule applied to each.
    `cancer_types`: every cancer type (a group's count needs the ids of its types).
    Returns how many `trials` there are (each is in one combination), for free."""
    rows = list(trials.order_by().values_list("cancer_type_key").annotate(n=Count("pk")))
    set_trial_counts(cancer_types, rows)
    return sum(n for _key, n in rows)


def set_trial_counts(cancer_types: list["CancerType"], rows) -> None:
    """Set `trial_count` on each of `cancer_types` (every one) from (cancer_type_key,
    number of trials) rows, by the hierarchy rule."""
    for cancer_type in cancer_types:
        cancer_type.trial_count = 0
    for cancer_type, n in by_cancer_type(rows, cancer_types):
        cancer_type.trial_count += n


def arrange_in_groups(cancer_types: list["CancerType"]) -> list["CancerType"]:
    """The groups among `cancer_types`, in the order given, each with `.types`."""
    groups = {cancer_type.pk: cancer_type for cancer_type in cancer_types if cancer_type.is_group}
    for group in groups.values():
        group.types = []
    for cancer_type in cancer_types:
        if cancer_type.parent_id in groups:
            groups[cancer_type.parent_id].types.append(cancer_type)
    return list(groups.values())


class CancerType(Translated, KeepsOldAddresses, models.Model):
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
    description = RichTextField(
        _("description"),
        blank=True,
        max_length=5000,
        help_text=_("A short plain-language description for families."),
    )
    lay_name = models.CharField(
        _("everyday name"),
        max_length=120,
        blank=True,
        help_text=_(
            "The words families use, shown beside the medical name where it helps, "
            "e.g. 'blood cancers: leukaemia and lymphoma' or 'kidney cancer'. Search finds it."
        ),
    )
    other_names = models.TextField(
        _("other names"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Other names families or doctors may search for, one per line, e.g. "
            "'nephroblastoma' or 'bone cancer'. Not shown; search finds them. British and "
            "American spellings are matched by the spelling variants, so one spelling is enough."
        ),
    )
    # When the page's own text last changed: sitemaps and conditional GET read it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    address_url_name = "trials:cancer_type"

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
        return self.address_url(self.slug)

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

    @property
    def search_names(self) -> list[str]:
        """Every name search matches this type by: medical, everyday and other names."""
        names = [
            *(self.text_in(name, code) for name in ("name", "lay_name") for code in languages()),
            *self.other_names.splitlines(),
        ]
        return [name.strip() for name in names if name.strip()]
