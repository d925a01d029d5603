"""The trial: what families read about it, and how staff publish and review it."""

import datetime
import logging
import re
from collections import Counter
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..ages import describe_age_range, format_age
from ..review import DUE_SOON_DAYS, add_months, latest_review_due_by, review_interval_months
from ..rich_text import RichTextField, sanitize_html
from ..signals import announce_public_change
from .address import KeepsOldAddresses
from .cancer_type import CancerType, tag_ids_counting_for, tags_counting_for
from .choices import (
    OPEN_STATUSES,
    STATUS_EXPLANATIONS,
    STATUS_GROUPS,
    STATUS_REGISTRY_TERMS,
    UNDER_REVIEW,
    ArmStatus,
    DatePrecision,
    DiseaseSetting,
    InvestigatorRole,
    Phase,
    Publication,
    RegistryChangeKind,
    Status,
    StatusGroup,
)
from .fields import age_limit, phone_number, staff_member
from .moderation import ChangeRequest
from .people import Organisation, TrialInvestigator
from .registry_watch import PendingRegistryChange
from .site import Contact, SiteSettings
from .translated import (
    TRANSLATED_FIELDS,
    Translated,
    TranslatedText,
    content_languages,
    localized,
)

# Left out of every stored version: the keys are derived (the database keeps them up to
# date), and the time of the save is the revision's own. Versioned, they would show as
# changes in the history and in edit-conflict messages. The texts written in two languages
# are stored per language (summary_en, summary_nl ...); their original column only echoes
# the language of the last save.
NOT_VERSIONED = (
    "cancer_type_key",
    "has_open_arm",
    "updated_at",
    *TRANSLATED_FIELDS["Trial"],
)
# What a stored version of a trial holds besides its own fields (see register_versions()).
VERSION_FOLLOWS = ("investigator_roles", "arms", "approvals", "registry_numbers")


def detail_prefetches() -> list:
    """The relations the trial page shows, for prefetch_related()."""
    return [
        Prefetch("cancer_types", queryset=CancerType.objects.order_by("name")),
        "arms",
        "approvals",
        "registry_numbers",
        Prefetch(
            "investigator_roles",
            queryset=TrialInvestigator.objects.select_related("investigator"),
        ),
    ]


# A trial with more arms shows their summary, the list folded behind it (ESMART has 18).
ARMS_SHOWN_UNFOLDED = 4


def in_cancer_types(cancer_types) -> Exists:
    """A condition: the trial belongs to one of `cancer_types` by the hierarchy rule."""
    tags = Trial.cancer_types.through.objects.filter(
        tags_counting_for(cancer_types), trial_id=OuterRef("pk")
    )
    return Exists(tags)


# The finder's conditions, shared by the QuerySet methods below and the finder's counts
# (trials.filters.FacetCounts), which need them as conditions on one query's rows.
OPEN_FOR_INCLUSION = Q(status__in=OPEN_STATUSES)
HAS_OPEN_ARM = Q(has_open_arm=True)


def for_disease_setting(setting: str) -> Q:
    """Trials for newly diagnosed (or relapsed) children, including those for both."""
    return Q(disease_setting__in=[setting, DiseaseSetting.BOTH])


# The columns the finder filters and counts published trials by, which its indexes hold.
FINDER_FILTER_COLUMNS = (
    "status",
    "phase",
    "disease_setting",
    "min_age_months",
    "max_age_months",
    "has_open_arm",
    "cancer_type_key",
)


def in_cancer_types_by_key(cancer_types, every_cancer_type) -> Q:
    """A condition: the trial belongs to one of `cancer_types` by the hierarchy rule, read
    from its cancer_type_key (see TrialQuerySet.in_cancer_types_among)."""
    ids = sorted(tag_ids_counting_for(cancer_types, every_cancer_type))
    if not ids:
        return Q(pk__in=[])
    return reduce(or_, (Q(cancer_type_key__contains=f",{pk},") for pk in ids))


def open_first_rank() -> Case:
    """0 for open trials, then by invitation, not yet open ... closed last (StatusGroup)."""
    ranks = {group: rank for rank, group in enumerate(StatusGroup)}
    return Case(
        *(When(status=status, then=Value(ranks[group])) for status, group in STATUS_GROUPS.items()),
        default=Value(len(ranks)),
        output_field=models.IntegerField(),
    )


audit_log = logging.getLogger("trialportal.audit")


def named_organisation(verbose_name, *, related_name: str, help_text="") -> models.ForeignKey:
    """An organisation the trial page names (its sponsor, its network), if any: kept as
    long as a trial names it."""
    return models.ForeignKey(
        Organisation,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


def above(value, limit) -> bool:
    """Whether `value` is above `limit`, when both are given (an empty one sets no limit)."""
    return value is not None and limit is not None and value > limit


def registry_closes_it():
    """Pending status changes of the trial (OuterRef) to a status not open for inclusion."""
    still_open = Q()
    for status in OPEN_STATUSES:
        still_open |= Q(value=status.value)
    return (
        PendingRegistryChange.objects.pending()
        .filter(trial=OuterRef("pk"), kind=RegistryChangeKind.FIELD, key="status")
        .exclude(still_open)
    )


class TrialQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

    def at_address(self, slug: str):
        """The trial whose current or earlier address is `slug` (see Trial.addresses)."""
        return self.filter(addresses__slug=slug)

    def in_cancer_types(self, cancer_types):
        """Trials for any of `cancer_types`, by the hierarchy rule (tags_counting_for)."""
        return self.filter(in_cancer_types(cancer_types))

    def in_cancer_types_among(self, cancer_types, every_cancer_type):
        """The same trials as in_cancer_types(), read from each trial's own
        cancer_type_key (no join with the tags), for callers that have every cancer type
        at hand: the finder's filter and counts, the cancer-type pages, search."""
        return self.filter(in_cancer_types_by_key(cancer_types, every_cancer_type))

    def for_age_months(self, youngest: int, oldest: int | None = None):
        """Trials whose age range overlaps a child's age, given in months.

        An age given in whole years covers twelve months (a child of "5" may be 5 years
        and 11 months), so callers pass the span; a trial that could fit is shown.
        """
        oldest = youngest if oldest is None else oldest
        return self.filter(
            Q(min_age_months__isnull=True) | Q(min_age_months__lte=oldest),
            Q(max_age_months__isnull=True) | Q(max_age_months__gte=youngest),
        )

    def open_for_inclusion(self):
        return self.filter(OPEN_FOR_INCLUSION)

    def for_disease_setting(self, setting: str):
        return self.filter(for_disease_setting(setting))

    def with_open_arm(self):
        return self.filter(HAS_OPEN_ARM)

    def search(self, text: str, *, vocabulary=None):
        """Trials matching `text`, annotated with `relevance`: see trials.search.
        `vocabulary`: a trials.search.Vocabulary already read, to save its queries."""
        return self.matching(text, vocabulary=vocabulary).with_relevance(
            text, vocabulary=vocabulary
        )

    def matching(self, text: str, *, vocabulary=None, **how):
        """Trials matching `text` (trials.search), in no particular order; for how the
        matches are read (`sampled`, `per_row`, `within`, `each_document`) see
        trials.search.Search.condition."""
        from ..search import Search

        return self.filter(Search(text, self.db, vocabulary).condition(**how))

    def with_relevance(self, text: str, *, vocabulary=None, every_word: bool = True):
        """Annotated with how well each trial matches `text` (`relevance`, best highest);
        `every_word`: see trials.search.Search.relevance."""
        from ..search import Search

        relevance = Search(text, self.db, vocabulary).relevance(every_word=every_word)
        return self.annotate(relevance=relevance)

    def in_order_of(self, ids: list) -> list:
        """These trials with the ids `ids`, in that order (a page whose order was chosen
        by reading ids alone: the finder, trials.paging.IdsFirstPaginator). An id no
        trial has any more is left out."""
        position = {pk: index for index, pk in enumerate(ids)}
        return sorted(self.filter(pk__in=ids), key=lambda trial: position[trial.pk])

    def with_listing_relations(self):
        """What a result card shows beside the trial's own fields, fetched up front."""
        return self.select_related("sponsor").prefetch_related(
            Prefetch("cancer_types", queryset=CancerType.objects.order_by("name"))
        )

    def with_detail_relations(self):
        """Everything the trial page shows, fetched up front: one query per relation."""
        return (
            self.select_related("sponsor", "network", "registry_record")
            .defer("registry_record__data")
            .prefetch_related(*detail_prefetches())
        )

    def for_detail(self):
        return self.published().with_detail_relations()

    def related_to(self, trial: "Trial", limit: int = 4):
        """Other public trials for the same cancer types (a group's types included), open
        ones first. Reads `trial.cancer_types` from its prefetch cache when it has one."""
        cancer_types = list(trial.cancer_types.all())
        if not cancer_types:
            return self.none()
        return (
            self.published()
            .in_cancer_types(cancer_types)
            .exclude(pk=trial.pk)
            .annotate(open_first=open_first_rank())
            .order_by("open_first", "short_name")[:limit]
        )

    def under_review(self):
        """Trials whose page is kept under the review cycle (choices.UNDER_REVIEW)."""
        return self.filter(publication__in=UNDER_REVIEW)

    def review_overdue(self, today: datetime.date | None = None):
        """Under review and never reviewed, or due for review (Trial.next_review_due)
        today or earlier."""
        today = today or timezone.localdate()
        return self.under_review().filter(
            Q(last_reviewed__isnull=True) | Q(last_reviewed__lte=latest_review_due_by(today))
        )

    def review_due_within(self, days: int = DUE_SOON_DAYS, today: datetime.date | None = None):
        """Under review, not overdue yet, but due within the next `days` days."""
        today = today or timezone.localdate()
        return self.under_review().filter(
            last_reviewed__gt=latest_review_due_by(today),
            last_reviewed__lte=latest_review_due_by(today + datetime.timedelta(days=days)),
        )

    def review_panel(self, *, user) -> dict:
        """What the admin index shows staff: trials overdue for review and those due
        soon, most urgent first. Two queries."""
        return {
            "overdue": list(
                self.review_overdue().order_by(
                    F("last_reviewed").asc(nulls_first=True), "short_name"
                )
            ),
            "due_soon": list(self.review_due_within().order_by("last_reviewed", "short_name")),
            "days": DUE_SOON_DAYS,
            "user_id": user.pk,
        }

    def with_open_change(self):
        """Annotated with the state, time and submitter of the trial's open change
        (changes awaiting approval or sent back), if it has one: no query per trial."""
        open_change = ChangeRequest.objects.open().filter(trial=OuterRef("pk"))
        return self.annotate(
            open_change_state=Subquery(open_change.values("state")[:1]),
            open_change_submitted_at=Subquery(open_change.values("submitted_at")[:1]),
            open_change_submitted_by=Subquery(open_change.values("submitted_by__username")[:1]),
        )

    def out_of_step_with_registry(self):
        """Trials with registry changes staff have not accepted or dismissed yet."""
        pending = PendingRegistryChange.objects.pending().filter(trial=OuterRef("pk"))
        return self.filter(Exists(pending))

    def closed_in_registry_open_here(self):
        """Our page says open for inclusion; a pending registry change says it is not."""
        return self.open_for_inclusion().filter(Exists(registry_closes_it()))

    def registry_panel(self) -> list:
        """What the admin index shows: trials out of step with their registry, those the
        registry says are closed while our page says open first, then the longest waiting;
        each with its pending changes (`pending_registry_changes`). Two queries."""
        return list(
            self.out_of_step_with_registry()
            .annotate(
                registry_closes=Case(
                    When(
                        Q(status__in=OPEN_STATUSES) & Exists(registry_closes_it()),
                        then=Value(True),
                    ),
                    default=Value(False),
                    output_field=models.BooleanField(),
                ),
                registry_since=Subquery(
                    PendingRegistryChange.objects.pending()
                    .filter(trial=OuterRef("pk"))
                    .order_by("since")
                    .values("since")[:1]
                ),
            )
            .prefetch_related(
                Prefetch(
                    "registry_changes",
                    queryset=PendingRegistryChange.objects.pending().order_by("since", "pk"),
                    to_attr="pending_registry_changes",
                )
            )
            .order_by("-registry_closes", "registry_since", "short_name")
        )

    def facet_counts(self, field: str) -> dict[str, int]:
        """How many of these trials have each value of `field` (phase, status ...)."""
        rows = self.order_by().values(field).annotate(n=Count("pk"))
        return {row[field]: row["n"] for row in rows}


class Trial(Translated, KeepsOldAddresses, models.Model):
    # Identity
    short_name = models.CharField(
        _("short name"), max_length=60, help_text=_("The name the trial is known by, e.g. ESMART.")
    )
    subtitle = models.CharField(
        _("subtitle"),
        max_length=120,
        blank=True,
        help_text=_("Shown beside the short name, e.g. 'different tumor types'."),
    )
    # Text limits: ClinicalTrials.gov's own where it has one (titles 600, summaries
    # 5,000, eligibility 20,000 and descriptions 32,000 characters), plus room for the
    # rich-text markup; enforced by every form, the admin's included.
    official_title = models.TextField(_("official title"), max_length=600)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("The end of the trial's web address: esmart gives /trials/esmart/."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=5000,
        help_text=_("One plain-language paragraph shown in the list of trials."),
    )

    # Who can enter
    eligibility = RichTextField(
        _("who can enter"),
        max_length=30000,
        help_text=_("In plain language: which children can take part."),
    )
    min_age_months = age_limit(
        _("minimum age (months)"),
        _("Leave empty for no lower limit. 6 months = 6, 2 years = 24."),
    )
    max_age_months = age_limit(
        _("maximum age (months)"), _("Leave empty for no upper limit. 18 years = 216.")
    )
    disease_setting = models.CharField(
        _("disease setting"),
        max_length=30,
        choices=DiseaseSetting,
        default=DiseaseSetting.OTHER,
    )

    # Goal and background
    goal = RichTextField(_("goal"), blank=True, max_length=10000)
    background = RichTextField(_("background"), blank=True, max_length=40000)
    arms_intro = RichTextField(
        _("introduction to the study arms"),
        max_length=5000,
        blank=True,
        help_text=_("Shown above the arms, e.g. 'The following arms have started ...'"),
    )

    # Study details
    cancer_types = models.ManyToManyField(
        CancerType, verbose_name=_("cancer types"), related_name="trials", blank=True
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase)
    design_note = models.CharField(
        _("design note"), max_length=120, blank=True, help_text=_("e.g. 'multi arm'")
    )
    max_patients_total = models.PositiveIntegerField(
        _("maximum number of patients"), null=True, blank=True
    )
    max_patients_local = models.PositiveIntegerField(
        _("patients expected at this centre"),
        null=True,
        blank=True,
        help_text=_("Of the maximum number, how many are expected to take part here."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_date_precision = models.CharField(
        _("start date known to the"),
        max_length=10,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text=_("A registry may give only a month: it is shown as 'April 2018'."),
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_date_precision = models.CharField(
        _("end date known to the"), max_length=10, choices=DatePrecision, default=DatePrecision.DAY
    )
    status = models.CharField(
        _("recruitment status"), max_length=30, choices=Status, default=Status.NOT_YET_RECRUITING
    )
    status_note = models.CharField(
        _("status note"),
        max_length=300,
        blank=True,
        help_text=_("Shown to families, e.g. 'This study is momentarily closed for inclusion.'"),
    )
    sponsor = named_organisation(_("sponsor"), related_name="sponsored_trials")
    network = named_organisation(
        _("initiating network"),
        related_name="initiated_trials",
        help_text=_("The collaboration that initiated the trial, e.g. ITCC."),
    )
    investigators = models.ManyToManyField(
        "Investigator",
        through="TrialInvestigator",
        verbose_name=_("investigators"),
        related_name="trials",
        blank=True,
    )

    # Whom families ask, when not the trial office (SiteSettings)
    contact_name = models.CharField(
        _("contact person"),
        max_length=120,
        blank=True,
        help_text=_(
            "e.g. 'J. Jansen, research nurse'. Leave the contact fields empty to show the "
            "trial office's phone and email."
        ),
    )
    contact_phone = phone_number(_("contact phone"))
    contact_email = models.EmailField(_("contact email"), max_length=120, blank=True)

    # Page upkeep
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When staff last checked this page against the protocol."),
    )
    last_reviewed_by = staff_member(_("last reviewed by"))
    publication = models.CharField(
        _("publication"), max_length=20, choices=Publication, default=Publication.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = staff_member(_("published by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = staff_member(_("withdrawn by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # PostgreSQL full-text search: names (weight A), titles (B) and summary (C), filled in
    # by a database trigger on every insert and update. Always empty on SQLite.
    # Kept by database triggers (migration 0016) from the trial's cancer-type tags and its
    # arms, however they are written, so the finder's counts are a grouped read of the
    # trials' own index instead of a join of every tag and arm (at a registry's scale).
    cancer_type_key = models.CharField(max_length=200, default="", editable=False)
    has_open_arm = models.BooleanField(default=False, editable=False)

    address_url_name = "trials:detail"

    objects = TrialQuerySet.as_manager()

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("trial")
        verbose_name_plural = _("trials")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age_months__isnull=True)
                | Q(max_age_months__isnull=True)
                | Q(min_age_months__lte=F("max_age_months")),
                name="trial_min_age_not_above_max_age",
            ),
            models.CheckConstraint(
                condition=Q(max_patients_local__isnull=True)
                | Q(max_patients_total__isnull=True)
                | Q(max_patients_local__lte=F("max_patients_total")),
                name="trial_local_patients_within_total",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="trial_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["publication", "status"]),
            # "Newest changes first" (feeds, the finder's sort) and the site's freshness.
            models.Index(fields=["updated_at"]),
            # The finder's counts beside each option, one grouped query per facet, read
            # from this index alone (no visit to the wide rows) for the published trials.
            models.Index(
                fields=[*FINDER_FILTER_COLUMNS, "id"],
                condition=Q(publication=Publication.PUBLISHED),
                name="trial_published_facet_keys",
            ),
            # A search's matches (a set of ids, thousands for common words) looked up one
            # by one for the counts and the order, from this index alone: half the time
            # of reading each one's wide row (22 against 45 ms for 15,000 matches at
            # 100,000 trials). PostgreSQL only; other databases ignore `include`.
            models.Index(
                fields=["id"],
                include=[*FINDER_FILTER_COLUMNS, "short_name"],
                condition=Q(publication=Publication.PUBLISHED),
                name="trial_published_by_id",
            ),
            # The finder's and related trials' order (open first, then by name): the first
            # page is read in order, not sorted from every published trial. The order's
            # indexes hold the filter columns too (PostgreSQL), so that a rare mix of
            # filters, whose trials are far down the order, is read from the index alone:
            # phase 4 and withdrawn, 50,000 trials into the order, 151 -> 7 ms.
            models.Index(
                open_first_rank(),
                "short_name",
                "id",
                include=FINDER_FILTER_COLUMNS,
                condition=Q(publication=Publication.PUBLISHED),
                name="trial_published_open_first",
            ),
            # Cancer-type pages and the name sort list published trials by name; the admin
            # lists all by name.
            models.Index(
                fields=["short_name", "id"],
                include=FINDER_FILTER_COLUMNS,
                condition=Q(publication=Publication.PUBLISHED),
                name="trial_published_by_name",
            ),
            # The finder's "recently updated" sort.
            models.Index(
                fields=["-updated_at", "id"],
                include=FINDER_FILTER_COLUMNS,
                condition=Q(publication=Publication.PUBLISHED),
                name="trial_published_by_update",
            ),
            # The finder's "newest start first" has an index on PostgreSQL only
            # (migration 0022: SQLite cannot index NULLS LAST).
            models.Index(fields=["short_name"], name="trial_by_name"),
            # Best match's "the name is the text" (short_name__iexact), for many matches.
            models.Index(Upper("short_name"), name="trial_by_upper_name"),
        ]
        permissions = [("publish_trial", _("Can publish and withdraw trials"))]

    def __str__(self):
        return f"{self.short_name} ({self.subtitle})" if self.subtitle else self.short_name

    def get_absolute_url(self):
        return self.address_url(self.slug)

    def get_preview_url(self):
        return reverse("trials:preview", kwargs={"slug": self.slug})

    def keeps_old_addresses(self) -> bool:
        # Once families may have printed or shared the address, it keeps working.
        return self.published_at is not None

    def clean(self):
        errors = {}
        if not any(
            sanitize_html(self.text_in("eligibility", code)) for code in content_languages()
        ):
            errors[localized("eligibility", settings.LANGUAGE_CODE)] = _(
                "Say who can enter this trial: the text is empty once unsafe or empty "
                "formatting is removed."
            )
        if above(self.min_age_months, self.max_age_months):
            errors["max_age_months"] = _(
                "The maximum age (%(max)s) is below the minimum age (%(min)s)."
            ) % {"max": format_age(self.max_age_months), "min": format_age(self.min_age_months)}
        if above(self.max_patients_local, self.max_patients_total):
            errors["max_patients_local"] = _(
                "Patients expected at this centre (%(local)d) cannot exceed the maximum number "
                "of patients (%(total)d)."
            ) % {"local": self.max_patients_local, "total": self.max_patients_total}
        if above(self.start_date, self.end_date):
            errors["end_date"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)

    # Publishing and review ----------------------------------------------------------

    @property
    def is_public(self) -> bool:
        return self.publication == Publication.PUBLISHED

    def publish(self, *, user) -> None:
        self.published_at = timezone.now()
        self.published_by = user
        self._save_publication(Publication.PUBLISHED, user=user, event="publish")

    def withdraw(self, *, user) -> None:
        self.withdrawn_at = timezone.now()
        self.withdrawn_by = user
        self._save_publication(Publication.WITHDRAWN, user=user, event="withdraw")

    def _save_publication(self, publication: Publication, *, user, event: str) -> None:
        """Save the trial as published or withdrawn, tell whoever shows it to the public
        (the signal's reason is the new state: "published", "withdrawn"), and audit it."""
        self.publication = publication
        self.save()
        announce_public_change(self.pk, reason=publication.value)
        self.audit(event, user=user)

    def audit(self, event: str, *, user, **details) -> None:
        """An audit-log line, once the change is committed: who (by id) did what to which
        trial; never names."""
        extra = {
            "event": event,
            "user_id": user.pk if user else None,
            "object_type": "trial",
            "object_id": self.pk,
            **details,
        }
        transaction.on_commit(lambda: audit_log.info(event, extra=extra))

    @property
    def open_change(self) -> ChangeRequest | None:
        """Changes awaiting approval (or sent back): the trial's working copy. One query."""
        return self.change_requests.open().select_related("submitted_by", "decided_by").first()

    def mark_reviewed(self, *, user, on: datetime.date | None = None) -> None:
        self.last_reviewed = on or timezone.localdate()
        self.last_reviewed_by = user
        self.save()

    @property
    def next_review_due(self) -> datetime.date | None:
        if self.last_reviewed is None:
            return None
        return add_months(self.last_reviewed, review_interval_months())

    @property
    def is_review_overdue(self) -> bool:
        """The same rule as TrialQuerySet.review_overdue(), for one trial."""
        if self.publication not in UNDER_REVIEW:
            return False
        due = self.next_review_due
        return due is None or due <= timezone.localdate()

    @property
    def one_line_summary(self) -> str:
        """The summary's first sentence, for link previews and feeds."""
        first = re.split(r"(?<=[.!?])\s", self.summary.strip(), maxsplit=1)[0]
        return Truncator(first).chars(200)

    @property
    def age_range_display(self) -> str:
        return describe_age_range(self.min_age_months, self.max_age_months)

    @property
    def status_registry_term(self) -> str:
        return STATUS_REGISTRY_TERMS[Status(self.status)]

    @property
    def is_open(self) -> bool:
        return Status(self.status).is_open

    @property
    def status_group(self) -> StatusGroup:
        return STATUS_GROUPS[Status(self.status)]

    @property
    def status_explanation(self) -> str:
        return STATUS_EXPLANATIONS[Status(self.status)]

    @property
    def phase_explanation(self) -> str:
        return Phase(self.phase).explanation

    @property
    def arms_summary(self) -> str:
        """ "18 study arms, all closed", from the prefetched arms (no query)."""
        statuses = Counter(arm.status for arm in self.arms.all())
        total = sum(statuses.values())
        if statuses[ArmStatus.OPEN] == total:
            text = ngettext("%(total)d study arm, open", "%(total)d study arms, all open", total)
        elif statuses[ArmStatus.CLOSED] == total:
            text = ngettext(
                "%(total)d study arm, closed", "%(total)d study arms, all closed", total
            )
        elif statuses[ArmStatus.PLANNED] == total:
            text = ngettext(
                "%(total)d study arm, planned", "%(total)d study arms, all planned", total
            )
        else:
            labels = {
                ArmStatus.OPEN: gettext("%(count)d open"),
                ArmStatus.CLOSED: gettext("%(count)d closed"),
                ArmStatus.PLANNED: gettext("%(count)d planned"),
            }
            parts = [
                label % {"count": statuses[status]}
                for status, label in labels.items()
                if statuses[status]
            ]
            return gettext("%(total)d study arms: %(parts)s") % {
                "total": total,
                "parts": ", ".join(parts),
            }
        return text % {"total": total}

    @property
    def arm_descriptions_fallback(self) -> TranslatedText | None:
        """When every arm's description is shown in the other language, one of them: the
        page says so once above the list, not once per arm. From the prefetched arms."""
        texts = [text for arm in self.arms.all() if (text := arm.translated("description"))]
        return texts[0] if texts and all(text.is_fallback for text in texts) else None

    @property
    def has_many_arms(self) -> bool:
        """Enough arms to fold the list behind their summary, so the page stays short."""
        return len(self.arms.all()) > ARMS_SHOWN_UNFOLDED

    def contact(self, site: SiteSettings) -> Contact:
        """Whom to ask about this trial: its own contact where given, else the trial office."""
        subject = gettext("Question about the trial %(name)s") % {"name": self.short_name}
        if not (self.contact_phone or self.contact_email):
            return site.contact(subject=subject)
        return Contact(
            phone=self.contact_phone or site.phone,
            email=self.contact_email or site.email,
            name=self.contact_name,
            opening_hours="" if self.contact_phone else site.opening_hours,
            subject=subject,
        )

    @property
    def local_principal_investigators(self):
        """From the prefetched roles: no query when the trial came from for_detail()."""
        return [
            role
            for role in self.investigator_roles.all()
            if role.role == InvestigatorRole.LOCAL_PRINCIPAL_INVESTIGATOR
        ]

    @property
    def other_investigators(self):
        return [
            role
            for role in self.investigator_roles.all()
            if role.role != InvestigatorRole.LOCAL_PRINCIPAL_INVESTIGATOR
        ]
