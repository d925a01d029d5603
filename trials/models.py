import datetime
import re
from collections import defaultdict

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import connections, models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_prose_editor.fields import ProseEditorField

from .rich_text import EDITOR_CONFIG, sanitize_html

# Searching for part of a registry number needs at least this many characters: "0" or
# "nct" would match every registered trial.
MIN_PARTIAL_REGISTRY_SEARCH = 5

# Oldest age, in months, that the age fields and the age filter accept (120 years).
MAX_AGE_MONTHS = 120 * 12


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn (kept, not public)")


class Status(models.TextChoices):
    """ClinicalTrials.gov's overallStatus vocabulary, with labels families understand."""

    NOT_YET_RECRUITING = "not_yet_recruiting", _("Not yet open for inclusion")
    RECRUITING = "recruiting", _("Open for inclusion")
    ENROLLING_BY_INVITATION = "enrolling_by_invitation", _("Open by invitation only")
    ACTIVE_NOT_RECRUITING = "active_not_recruiting", _("Closed for inclusion")
    SUSPENDED = "suspended", _("Temporarily closed for inclusion")
    TERMINATED = "terminated", _("Stopped early")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn before it started")
    UNKNOWN = "unknown", _("Status not confirmed")

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


# Statuses in which a family can still ask about taking part.
OPEN_STATUSES = frozenset({Status.RECRUITING, Status.ENROLLING_BY_INVITATION})

# ClinicalTrials.gov's own words for each status, shown beside the family label.
STATUS_REGISTRY_TERMS = {
    Status.NOT_YET_RECRUITING: _("Not yet recruiting"),
    Status.RECRUITING: _("Recruiting"),
    Status.ENROLLING_BY_INVITATION: _("Enrolling by invitation"),
    Status.ACTIVE_NOT_RECRUITING: _("Active, not recruiting"),
    Status.SUSPENDED: _("Suspended"),
    Status.TERMINATED: _("Terminated"),
    Status.COMPLETED: _("Completed"),
    Status.WITHDRAWN: _("Withdrawn"),
    Status.UNKNOWN: _("Unknown status"),
}


class Phase(models.TextChoices):
    EARLY_PHASE_1 = "early_phase_1", _("Early phase 1")
    PHASE_1 = "phase_1", _("Phase 1")
    PHASE_1_2 = "phase_1_2", _("Phase 1/2")
    PHASE_2 = "phase_2", _("Phase 2")
    PHASE_2_3 = "phase_2_3", _("Phase 2/3")
    PHASE_3 = "phase_3", _("Phase 3")
    PHASE_4 = "phase_4", _("Phase 4")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class DiseaseSetting(models.TextChoices):
    NEWLY_DIAGNOSED = "newly_diagnosed", _("Newly diagnosed")
    RELAPSED_REFRACTORY = "relapsed_refractory", _("Relapsed or refractory")
    BOTH = "both", _("Newly diagnosed or relapsed/refractory")
    OTHER = "other", _("Other")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month_index + 1
    first_of_next = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (first_of_next - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


def review_interval_months() -> int:
    return settings.TRIALPORTAL_REVIEW_INTERVAL_MONTHS


def latest_review_due_by(day: datetime.date) -> datetime.date:
    """The latest review date whose next review falls due on `day` or earlier.

    Not simply `day` minus the interval: months have different lengths, so reviews on
    August 29, 30 and 31 are all due on February 28. Filters use this so they agree with
    Trial.next_review_due to the day.
    """
    interval = review_interval_months()
    latest = add_months(day, -interval)
    while add_months(latest + datetime.timedelta(days=1), interval) <= day:
        latest += datetime.timedelta(days=1)
    return latest


def format_age(months: int) -> str:
    """An age as families say it: '6 months', '18 years', '2 years and 6 months'."""
    years, rest = divmod(months, 12)
    if years == 0 or (years < 2 and rest):
        return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
    year_text = ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    if not rest:
        return year_text
    month_text = ngettext("%(n)d month", "%(n)d months", rest) % {"n": rest}
    return _("%(years)s and %(months)s") % {"years": year_text, "months": month_text}


def describe_age_range(minimum: int | None, maximum: int | None) -> str:
    """'up to 18 years', '6 months to 21 years', 'from 12 years', 'all ages'."""
    if not minimum and maximum is None:
        return _("all ages")
    if not minimum:
        return _("up to %(max)s") % {"max": format_age(maximum)}
    if maximum is None:
        return _("from %(min)s") % {"min": format_age(minimum)}
    return _("%(min)s to %(max)s") % {"min": format_age(minimum), "max": format_age(maximum)}


class Organisation(models.Model):
    """A sponsor, an initiating network (ITCC) or another body a trial names."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    location = models.CharField(
        _("location"), max_length=200, blank=True, help_text=_("City and country, if useful.")
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_(
            "One plain sentence shown after the name, e.g. 'an international collaboration "
            "that promotes drug research for children with cancer in Europe'."
        ),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name}, {self.location}" if self.location else self.name


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
    tags = Trial.cancer_types.through.objects.filter(trial_id__in=trials.values("pk"))
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
        config=EDITOR_CONFIG,
        sanitize=sanitize_html,
        help_text=_("A short plain-language description for families."),
    )

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


class TrialQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

    def in_cancer_types(self, cancer_types):
        """Trials for any of `cancer_types`: tagged with it; for a group, tagged with one
        of its types; for a type, also tagged with its whole group (a trial for all solid
        tumours is a trial for neuroblastoma too)."""
        ids = {cancer_type.pk for cancer_type in cancer_types}
        their_groups = {cancer_type.parent_id for cancer_type in cancer_types} - {None}
        tagged = Trial.cancer_types.through.objects.filter(
            Q(cancertype_id__in=ids | their_groups) | Q(cancertype__parent_id__in=ids),
            trial_id=OuterRef("pk"),
        )
        return self.filter(Exists(tagged))

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
        return self.filter(status__in=OPEN_STATUSES)

    def for_disease_setting(self, setting: str):
        """Trials for newly diagnosed (or relapsed) children, including those for both."""
        return self.filter(disease_setting__in=[setting, DiseaseSetting.BOTH])

    def with_open_arm(self):
        return self.filter(
            Exists(Arm.objects.filter(trial_id=OuterRef("pk"), status=ArmStatus.OPEN))
        )

    def search(self, text: str):
        """Trials matching every word of `text` in their names, titles, summary or cancer
        types, or carrying it as a registry number; annotated with `relevance` for
        sorting by best match.

        On PostgreSQL full-text search adds stemming ("leukaemias" finds "leukaemia");
        SQLite has no such thing, so there every word must appear as typed.
        """
        text = " ".join(text.split())
        if not text:
            return self
        # Subqueries below are uncorrelated: the database runs each once, not per trial.
        compact = text.replace(" ", "")
        numbers = RegistryNumber.objects.values("trial_id")
        exact_number = Q(pk__in=numbers.filter(value__iexact=compact))
        # Part of a number only once it is long enough to mean something ("NCT0281").
        partial_number = (
            Q(pk__in=numbers.filter(value__icontains=compact))
            if len(compact) >= MIN_PARTIAL_REGISTRY_SEARCH
            else Q(pk__in=[])
        )
        tags = Trial.cancer_types.through.objects.values("trial_id")

        def in_cancer_type_names(word):
            named = CancerType.objects.filter(
                Q(name__icontains=word) | Q(parent__name__icontains=word)
            ).values("pk")
            return Q(pk__in=tags.filter(cancertype_id__in=named))

        every_word = Q()
        for word in text.split()[:12]:
            every_word &= (
                Q(short_name__icontains=word)
                | Q(subtitle__icontains=word)
                | Q(official_title__icontains=word)
                | Q(summary__icontains=word)
                | in_cancer_type_names(word)
            )
        relevance = Case(
            When(Q(short_name__iexact=text) | exact_number, then=Value(100.0)),
            When(short_name__icontains=text, then=Value(50.0)),
            When(partial_number, then=Value(40.0)),
            When(in_cancer_type_names(text), then=Value(30.0)),
            When(Q(subtitle__icontains=text) | Q(official_title__icontains=text), then=Value(20.0)),
            When(summary__icontains=text, then=Value(10.0)),
            default=Value(0.0),
            output_field=models.FloatField(),
        )
        matches = every_word | exact_number | partial_number
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank

            # search_document is kept up to date by a trigger (migration 0006).
            query = SearchQuery(text, search_type="websearch", config="english")
            return self.annotate(
                relevance=relevance + SearchRank(F("search_document"), query) * 10
            ).filter(matches | Q(search_document=query))
        return self.annotate(relevance=relevance).filter(matches)

    def with_listing_relations(self):
        """What a result card shows beside the trial's own fields, fetched up front."""
        return self.select_related("sponsor").prefetch_related(
            Prefetch("cancer_types", queryset=CancerType.objects.order_by("name"))
        )

    def with_detail_relations(self):
        """Everything the trial page shows, fetched up front: one query per relation."""
        return self.select_related("sponsor", "network").prefetch_related(
            Prefetch("cancer_types", queryset=CancerType.objects.order_by("name")),
            "arms",
            "approvals",
            "registry_numbers",
            Prefetch(
                "investigator_roles",
                queryset=TrialInvestigator.objects.select_related("investigator"),
            ),
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
            .annotate(
                open_first=Case(
                    When(status__in=OPEN_STATUSES, then=Value(0)),
                    default=Value(1),
                    output_field=models.IntegerField(),
                )
            )
            .order_by("open_first", "short_name")[:limit]
        )

    def review_overdue(self, today: datetime.date | None = None):
        """Never reviewed, or due for review (Trial.next_review_due) today or earlier."""
        today = today or timezone.localdate()
        return self.filter(
            Q(last_reviewed__isnull=True) | Q(last_reviewed__lte=latest_review_due_by(today))
        )

    def review_due_within(self, days: int, today: datetime.date | None = None):
        """Not overdue yet, but due within the next `days` days."""
        today = today or timezone.localdate()
        return self.filter(
            last_reviewed__gt=latest_review_due_by(today),
            last_reviewed__lte=latest_review_due_by(today + datetime.timedelta(days=days)),
        )

    def review_panel(self, *, user, days: int = 30) -> dict:
        """What the admin index shows staff: trials overdue for review and those due
        within `days`, most urgent first. Withdrawn trials need no review. Two queries."""
        current = self.exclude(publication=Publication.WITHDRAWN)
        return {
            "overdue": list(
                current.review_overdue().order_by(
                    F("last_reviewed").asc(nulls_first=True), "short_name"
                )
            ),
            "due_soon": list(
                current.review_due_within(days).order_by("last_reviewed", "short_name")
            ),
            "days": days,
            "user_id": user.pk,
        }

    def facet_counts(self, field: str) -> dict[str, int]:
        """How many of these trials have each value of `field` (phase, status ...)."""
        rows = self.order_by().values(field).annotate(n=Count("pk"))
        return {row[field]: row["n"] for row in rows}


class Trial(models.Model):
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
    official_title = models.TextField(_("official title"))
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("The end of the trial's web address: esmart gives /trials/esmart/."),
    )
    summary = models.TextField(
        _("summary"), help_text=_("One plain-language paragraph shown in the list of trials.")
    )

    # Who can enter
    eligibility = ProseEditorField(
        _("who can enter"),
        config=EDITOR_CONFIG,
        sanitize=sanitize_html,
        help_text=_("In plain language: which children can take part."),
    )
    min_age_months = models.PositiveIntegerField(
        _("minimum age (months)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AGE_MONTHS)],
        help_text=_("Leave empty for no lower limit. 6 months = 6, 2 years = 24."),
    )
    max_age_months = models.PositiveIntegerField(
        _("maximum age (months)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AGE_MONTHS)],
        help_text=_("Leave empty for no upper limit. 18 years = 216."),
    )
    disease_setting = models.CharField(
        _("disease setting"),
        max_length=30,
        choices=DiseaseSetting,
        default=DiseaseSetting.OTHER,
    )

    # Goal and background
    goal = ProseEditorField(_("goal"), blank=True, config=EDITOR_CONFIG, sanitize=sanitize_html)
    background = ProseEditorField(
        _("background"), blank=True, config=EDITOR_CONFIG, sanitize=sanitize_html
    )
    arms_intro = ProseEditorField(
        _("introduction to the study arms"),
        config=EDITOR_CONFIG,
        sanitize=sanitize_html,
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
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("recruitment status"), max_length=30, choices=Status, default=Status.NOT_YET_RECRUITING
    )
    status_note = models.CharField(
        _("status note"),
        max_length=300,
        blank=True,
        help_text=_("Shown to families, e.g. 'This study is momentarily closed for inclusion.'"),
    )
    sponsor = models.ForeignKey(
        Organisation,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsored_trials",
    )
    network = models.ForeignKey(
        Organisation,
        verbose_name=_("initiating network"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
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

    # Page upkeep
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When staff last checked this page against the protocol."),
    )
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    publication = models.CharField(
        _("publication"), max_length=20, choices=Publication, default=Publication.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # PostgreSQL full-text search: names (weight A), titles (B) and summary (C), filled in
    # by a database trigger on every insert and update. Always empty on SQLite.
    search_document = SearchVectorField(null=True, editable=False)

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
        indexes = [models.Index(fields=["publication", "status"])]
        permissions = [("publish_trial", _("Can publish and withdraw trials"))]

    def __str__(self):
        return f"{self.short_name} ({self.subtitle})" if self.subtitle else self.short_name

    def save(self, *args, **kwargs):
        # Sanitised here too, so imports and scripts cannot store what the editor cannot.
        for name in RICH_TEXT_FIELDS:
            setattr(self, name, sanitize_html(getattr(self, name)))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("trials:detail", kwargs={"slug": self.slug})

    def get_preview_url(self):
        return reverse("trials:preview", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if not sanitize_html(self.eligibility):
            errors["eligibility"] = _(
                "Say who can enter this trial: the text is empty once unsafe or empty "
                "formatting is removed."
            )
        if (
            self.min_age_months is not None
            and self.max_age_months is not None
            and self.min_age_months > self.max_age_months
        ):
            errors["max_age_months"] = _(
                "The maximum age (%(max)s) is below the minimum age (%(min)s)."
            ) % {"max": format_age(self.max_age_months), "min": format_age(self.min_age_months)}
        if (
            self.max_patients_local is not None
            and self.max_patients_total is not None
            and self.max_patients_local > self.max_patients_total
        ):
            errors["max_patients_local"] = _(
                "Patients expected at this centre (%(local)d) cannot exceed the maximum number "
                "of patients (%(total)d)."
            ) % {"local": self.max_patients_local, "total": self.max_patients_total}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)

    # Publishing and review ----------------------------------------------------------

    @property
    def is_public(self) -> bool:
        return self.publication == Publication.PUBLISHED

    def publish(self, *, user) -> None:
        self.publication = Publication.PUBLISHED
        self.published_at = timezone.now()
        self.published_by = user
        self.save()

    def withdraw(self, *, user) -> None:
        self.publication = Publication.WITHDRAWN
        self.withdrawn_at = timezone.now()
        self.withdrawn_by = user
        self.save()

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
        due = self.next_review_due
        return due is None or due <= timezone.localdate()

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


RICH_TEXT_FIELDS = ("eligibility", "goal", "background", "arms_intro")


class ArmStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for inclusion")
    CLOSED = "closed", _("Closed for inclusion")


class Arm(models.Model):
    """One treatment option of a trial (ESMART has eighteen)."""

    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="arms"
    )
    name = models.CharField(_("name"), max_length=200)
    intervention = models.CharField(
        _("intervention"), max_length=300, blank=True, help_text=_("The drug or drugs given.")
    )
    target = models.CharField(
        _("targeted molecular alteration"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 'CDK4/6 pathway alterations'"),
    )
    description = models.TextField(_("short description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ArmStatus, default=ArmStatus.PLANNED
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("study arm")
        verbose_name_plural = _("study arms")
        constraints = [
            models.UniqueConstraint(fields=["trial", "name"], name="arm_name_unique_per_trial")
        ]

    def __str__(self):
        return self.name


class Investigator(models.Model):
    title = models.CharField(_("title"), max_length=30, blank=True, help_text=_("Dr., Prof."))
    name = models.CharField(_("name"), max_length=150)
    specialty = models.CharField(_("specialty or department"), max_length=150, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("investigator")
        verbose_name_plural = _("investigators")

    def __str__(self):
        return f"{self.title} {self.name}".strip()


class InvestigatorRole(models.TextChoices):
    LOCAL_PRINCIPAL_INVESTIGATOR = "local_pi", _("Local principal investigator")
    CO_INVESTIGATOR = "co_investigator", _("Co-investigator")
    STUDY_COORDINATOR = "coordinator", _("Study coordinator")
    RESEARCH_NURSE = "research_nurse", _("Research nurse")


class TrialInvestigator(models.Model):
    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="investigator_roles"
    )
    investigator = models.ForeignKey(
        Investigator,
        verbose_name=_("investigator"),
        on_delete=models.PROTECT,
        related_name="trial_roles",
    )
    role = models.CharField(
        _("role"),
        max_length=30,
        choices=InvestigatorRole,
        default=InvestigatorRole.LOCAL_PRINCIPAL_INVESTIGATOR,
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("investigator role")
        verbose_name_plural = _("investigator roles")
        constraints = [
            models.UniqueConstraint(
                fields=["trial", "investigator", "role"], name="investigator_role_once_per_trial"
            )
        ]

    def __str__(self):
        return f"{self.investigator} ({self.get_role_display()})"


class ApprovalKind(models.TextChoices):
    ETHICS = "ethics", _("Medical research ethics committee")
    COMPETENT_AUTHORITY = "authority", _("Competent authority")
    INSTITUTION = "institution", _("Institutional approval")
    OTHER = "other", _("Other")


class Approval(models.Model):
    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="approvals"
    )
    body = models.CharField(
        _("approving body"),
        max_length=200,
        help_text=_("e.g. 'an accredited medical research ethics committee (MREC)', 'CCMO'"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApprovalKind, default="ethics")
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    reference_number = models.CharField(_("reference number"), max_length=60, blank=True)
    note = ProseEditorField(
        _("note for families"),
        blank=True,
        config=EDITOR_CONFIG,
        sanitize=sanitize_html,
        help_text=_("e.g. 'This committee has decided that it is justified to ask patients ...'"),
    )
    more_information_url = models.URLField(
        _("more information at"), blank=True, help_text=_("e.g. the CCMO's page")
    )
    more_information_label = models.CharField(
        _("more information link text"), max_length=100, blank=True, help_text=_("e.g. 'CCMO'")
    )

    class Meta:
        ordering = ["decision_date", "pk"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.body}"


class Registry(models.TextChoices):
    EUDRACT = "eudract", _("EudraCT number")
    EU_CT = "eu_ct", _("EU CT number (CTIS)")
    NCT = "nct", _("ClinicalTrials.gov identifier")
    ISRCTN = "isrctn", _("ISRCTN")


REGISTRY_FORMATS = {
    Registry.EUDRACT: (re.compile(r"^\d{4}-\d{6}-\d{2}$"), "2016-000133-40"),
    Registry.EU_CT: (re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}$"), "2024-514791-40-00"),
    Registry.NCT: (re.compile(r"^NCT\d{8}$"), "NCT02813135"),
    Registry.ISRCTN: (re.compile(r"^ISRCTN\d{8}$"), "ISRCTN12345678"),
}

REGISTRY_URLS = {
    Registry.EUDRACT: "https://www.clinicaltrialsregister.eu/ctr-search/search?query={value}",
    Registry.EU_CT: "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={value}",
    Registry.NCT: "https://clinicaltrials.gov/study/{value}",
    Registry.ISRCTN: "https://www.isrctn.com/{value}",
}


def normalise_registry_value(registry: str, value: str) -> str:
    """Strip spaces; registries with letter prefixes are upper-case."""
    value = re.sub(r"\s+", "", value or "")
    if registry in {Registry.NCT, Registry.ISRCTN}:
        value = value.upper()
    return value


class RegistryNumber(models.Model):
    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="registry_numbers"
    )
    registry = models.CharField(_("registry"), max_length=20, choices=Registry)
    value = models.CharField(_("number"), max_length=40)

    class Meta:
        ordering = ["registry", "value"]
        verbose_name = _("registry number")
        verbose_name_plural = _("registry numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["trial", "registry"], name="one_number_per_registry_per_trial"
            ),
            models.UniqueConstraint(
                fields=["registry", "value"], name="registry_number_names_one_trial"
            ),
        ]

    def __str__(self):
        return f"{self.get_registry_display()} {self.value}"

    def clean(self):
        self.value = normalise_registry_value(self.registry, self.value)
        if self.registry not in REGISTRY_FORMATS:
            return
        pattern, example = REGISTRY_FORMATS[Registry(self.registry)]
        if not pattern.match(self.value):
            raise ValidationError(
                {
                    "value": _(
                        "“%(value)s” is not a valid %(registry)s: it should look like %(example)s."
                    )
                    % {
                        "value": self.value,
                        "registry": self.get_registry_display(),
                        "example": example,
                    }
                }
            )

    @property
    def url(self) -> str:
        return REGISTRY_URLS[Registry(self.registry)].format(value=self.value)


class GlossaryTermQuerySet(models.QuerySet):
    def by_slug(self) -> dict[str, "GlossaryTerm"]:
        """All terms keyed by slug, for templates to look up (glossary.phase)."""
        return {term.slug: term for term in self}


class GlossaryTerm(models.Model):
    """A word families meet on trial pages ("phase", "arm"), explained by staff.

    Trial pages show the explanation beside the word, found by its slug; the glossary
    page lists them all.
    """

    term = models.CharField(_("term"), max_length=80, unique=True)
    slug = models.SlugField(
        _("key"),
        max_length=80,
        unique=True,
        help_text=_(
            "Trial pages look terms up by this key: phase, study_arm, relapsed_refractory, "
            "inclusion, principal_investigator, sponsor, registry_number."
        ),
    )
    explanation = ProseEditorField(
        _("explanation"),
        config=EDITOR_CONFIG,
        sanitize=sanitize_html,
        help_text=_("Two or three plain sentences."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = ["order", "term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return f"{reverse('trials:glossary')}#{self.slug}"
