"""The public read-only API, /api/v1/: published trials with the finder's own filters
(trials.filters.TrialFilter: same parameter names, validation, messages and results),
one trial in full, and the cancer types. JSON only; OpenAPI 3 at /api/v1/openapi.json.

django-ninja: the response types below are the schema, so the OpenAPI document cannot
drift from what the views return, and responses are checked against them."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.decorators import decorate_view

from .filters import SORT_CHOICES, TrialFilter
from .freshness import conditional_public
from .models import (
    CancerType,
    DiseaseSetting,
    Phase,
    Status,
    Trial,
    count_trials_by_cancer_type,
)
from .paging import CappedPaginator, count_or_estimate
from .rich_text import sanitize_html

MAX_PAGE_SIZE = 100

api = NinjaAPI(
    title="Trialportal API",
    version="1",
    description=(
        "Read-only data about the clinical trials on this site: published trials only. "
        "The trial list takes the same filters as the public finder (/trials/); values it "
        "cannot use are named in messages and left out, as the finder does. Every "
        "response has an ETag and Last-Modified: send If-None-Match or If-Modified-Since "
        "to get 304 Not Modified when nothing changed."
    ),
    urls_namespace="api",
    docs_url=None,  # the human docs are our own page (no CDN; see api_docs below)
    openapi_url="/openapi.json",
)


# Response types ----------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class CancerTypeRefOut(Schema):
    slug: str
    name: str
    url: str = Field(description="The cancer type's page on this site.")


class TrialSummaryOut(Schema):
    slug: str
    short_name: str
    subtitle: str
    official_title: str
    summary: str
    status: str = Field(description="Status code (ClinicalTrials.gov's vocabulary).")
    status_label: str
    open_for_inclusion: bool
    phase: str
    phase_label: str
    disease_setting: str
    min_age_months: int | None
    max_age_months: int | None
    age_range: str
    cancer_types: list[CancerTypeRefOut]
    sponsor: str | None
    start_date: datetime.date | None
    end_date: datetime.date | None
    last_reviewed: datetime.date | None
    updated_at: datetime.datetime
    url: str = Field(description="The trial's page on this site.")
    api_url: str


class ArmOut(Schema):
    name: str
    intervention: str
    target: str
    description: str
    status: str
    status_label: str


class RegistryNumberOut(Schema):
    registry: str
    registry_label: str
    value: str
    url: str


class InvestigatorOut(Schema):
    name: str
    specialty: str
    role: str
    role_label: str


class TrialDetailOut(TrialSummaryOut):
    eligibility_html: str
    goal_html: str
    background_html: str
    arms_intro_html: str
    design_note: str
    status_note: str
    max_patients_total: int | None
    max_patients_local: int | None
    network: str | None
    published_at: datetime.datetime | None
    arms: list[ArmOut]
    registry_numbers: list[RegistryNumberOut]
    investigators: list[InvestigatorOut]


class TrialPageOut(Schema):
    count: int = Field(description="Trials matching the filters, on all pages.")
    count_is_estimate: bool = Field(
        False,
        description="The count is an estimate (rounded): set above 10,000 matching trials, "
        "where counting them all on every request would cost more than it tells.",
    )
    page: int
    pages: int
    page_size: int
    next: str | None
    previous: str | None
    messages: list[str] = Field(
        description="Filters that could not be used (unknown or invalid values), in words."
    )
    results: list[TrialSummaryOut]


class CancerTypeOut(Schema):
    slug: str
    name: str
    group: str | None = Field(description="The slug of its group; null for a group.")
    description_html: str
    trial_count: int = Field(description="Published trials, a group's types included.")
    url: str
    trials_url: str = Field(description="This API's trial list for the cancer type.")


class FinderParameters(Schema):
    """The finder's parameters, read (and validated) by TrialFilter itself: strings here,
    so that a wrong value gets the finder's message rather than a bare 422."""

    q: str | None = Field(None, description="Text: trial names, summary, registry numbers.")
    cancer_type: list[str] = Field(
        default_factory=list,
        description="Cancer type slug (repeatable). A group includes its types.",
    )
    phase: list[str] = Field(
        default_factory=list, description="Repeatable. One of: " + ", ".join(Phase.values)
    )
    status: list[str] = Field(
        default_factory=list, description="Repeatable. One of: " + ", ".join(Status.values)
    )
    open: str | None = Field(None, description="1: only trials open for inclusion.")
    age: str | None = Field(None, description="The child's age, a whole number (0 to 120).")
    age_unit: str | None = Field(None, description="years (default) or months.")
    setting: str | None = Field(
        None,
        description="One of: "
        + ", ".join([DiseaseSetting.NEWLY_DIAGNOSED, DiseaseSetting.RELAPSED_REFRACTORY]),
    )
    open_arm: str | None = Field(None, description="1: only trials with an open study arm.")
    sort: str | None = Field(
        None, description="One of: " + ", ".join(value for value, _label in SORT_CHOICES)
    )
    page: str | None = Field(None, description="Page number, from 1.")
    page_size: str | None = Field(None, description=f"Trials per page, 1 to {MAX_PAGE_SIZE}.")


# Building responses --------------------------------------------------------------------


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def trial_summary(request, trial: Trial) -> dict:
    return {
        "slug": trial.slug,
        "short_name": trial.short_name,
        "subtitle": trial.subtitle,
        "official_title": trial.official_title,
        "summary": trial.summary,
        "status": trial.status,
        "status_label": trial.get_status_display(),
        "open_for_inclusion": trial.is_open,
        "phase": trial.phase,
        "phase_label": trial.get_phase_display(),
        "disease_setting": trial.disease_setting,
        "min_age_months": trial.min_age_months,
        "max_age_months": trial.max_age_months,
        "age_range": str(trial.age_range_display),
        "cancer_types": [
            {
                "slug": cancer_type.slug,
                "name": cancer_type.name,
                "url": _absolute(request, cancer_type.get_absolute_url()),
            }
            for cancer_type in trial.cancer_types.all()
        ],
        "sponsor": trial.sponsor.name if trial.sponsor else None,
        "start_date": trial.start_date,
        "end_date": trial.end_date,
        "last_reviewed": trial.last_reviewed,
        "updated_at": trial.updated_at,
        "url": _absolute(request, trial.get_absolute_url()),
        "api_url": _absolute(request, reverse("api:trial", kwargs={"slug": trial.slug})),
    }


def trial_detail(request, trial: Trial) -> dict:
    return {
        **trial_summary(request, trial),
        "eligibility_html": sanitize_html(trial.eligibility),
        "goal_html": sanitize_html(trial.goal),
        "background_html": sanitize_html(trial.background),
        "arms_intro_html": sanitize_html(trial.arms_intro),
        "design_note": trial.design_note,
        "status_note": trial.status_note,
        "max_patients_total": trial.max_patients_total,
        "max_patients_local": trial.max_patients_local,
        "network": trial.network.name if trial.network else None,
        "published_at": trial.published_at,
        "arms": [
            {
                "name": arm.name,
                "intervention": arm.intervention,
                "target": arm.target,
                "description": arm.description,
                "status": arm.status,
                "status_label": arm.get_status_display(),
            }
            for arm in trial.arms.all()
        ],
        "registry_numbers": [
            {
                "registry": number.registry,
                "registry_label": number.get_registry_display(),
                "value": number.value,
                "url": number.url,
            }
            for number in trial.registry_numbers.all()
        ],
        "investigators": [
            {
                "name": str(role.investigator),
                "specialty": role.investigator.specialty,
                "role": role.role,
                "role_label": role.get_role_display(),
            }
            for role in trial.investigator_roles.all()
        ],
    }


class BadRequest(Exception):
    """A request we answer with a message: 400, or 404 for what does not exist."""

    def __init__(self, detail: str, status: int = 400):
        super().__init__(detail)
        self.detail = detail
        self.status = status


def _page_number(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError:
        raise BadRequest(
            _("“%(value)s” is not a number: %(name)s must be a whole number from 1.")
            % {"value": raw[:20], "name": name}
        ) from None
    if number < 1 or (maximum is not None and number > maximum):
        limit = _("from 1 to %(max)d") % {"max": maximum} if maximum else _("from 1")
        raise BadRequest(
            _("%(name)s must be %(limit)s, not %(value)s.")
            % {"name": name, "limit": limit, "value": raw[:20]}
        )
    return number


@api.exception_handler(BadRequest)
def bad_request(request, exc: BadRequest):
    return api.create_response(request, {"detail": exc.detail}, status=exc.status)


# Endpoints --------------------------------------------------------------------------


@api.get(
    "/trials/",
    response={200: TrialPageOut, 400: ErrorOut, 404: ErrorOut},
    url_name="trials",
    summary="Published trials, filtered as in the finder",
)
@decorate_view(conditional_public)
def list_trials(request, filters: Query[FinderParameters]):
    """The finder's filters by the same names; repeat a parameter for several values
    (?phase=phase_1&phase=phase_2). Unknown or invalid values are left out and named in
    "messages"; the other filters still apply. Same order as the finder: best match when
    searching ("q"), otherwise by name, unless "sort" says otherwise."""
    page_size = _page_number(request, "page_size", settings.TRIALPORTAL_PAGE_SIZE, MAX_PAGE_SIZE)
    number = _page_number(request, "page", 1)
    cancer_types = list(CancerType.objects.all())
    filterset = TrialFilter(
        request.GET or None, queryset=Trial.objects.published(), cancer_types=cancer_types
    )
    # Counted (or estimated) first: best match ranks as the finder does for that many.
    if filterset.counts_from_a_sample:
        # A search on PostgreSQL, counted and read as the finder does: a broad one from the
        # search documents' sample and tier by tier (380-460 -> 50-100 ms at 100,000
        # trials).
        filterset.page_size = page_size
        counts = filterset.facet_counts
        count, is_estimate = counts.results, counts.results_are_estimated
        trials = filterset.ordered_ids(results=count)

        def read(page: slice) -> list:  # the page's ids in order, then its trials whole
            return Trial.objects.with_listing_relations().in_order_of(list(trials[page]))

    else:
        count, is_estimate = count_or_estimate(filterset.qs)
        trials = filterset.ordered(filterset.qs.with_listing_relations(), results=count)

        def read(page: slice) -> list:
            return list(trials[page])

    paginator = CappedPaginator(trials, page_size, known_count=count, is_estimate=is_estimate)
    count, pages = paginator.count, paginator.num_pages
    messages = [str(message) for message in filterset.messages]
    if paginator.is_capped:
        messages.append(
            _(
                "Only the first %(results)d results can be paged through (%(pages)d pages "
                "of %(size)d); narrow the filters to reach the others."
            )
            % {"results": settings.TRIALPORTAL_MAX_RESULTS_PAGED, "pages": pages, "size": page_size}
        )
    if number > pages:
        if number <= paginator.all_pages:
            raise BadRequest(messages[-1], status=404)
        raise BadRequest(
            _("There is no page %(page)d; the last page is %(last)d.")
            % {"page": number, "last": pages},
            status=404,
        )
    offset = (number - 1) * page_size
    rows = read(slice(offset, offset + page_size)) if count else []

    def link(page):
        query = request.GET.copy()
        query["page"] = str(page)
        return _absolute(request, f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "count_is_estimate": paginator.is_estimate,
        "page": number,
        "pages": pages,
        "page_size": page_size,
        "next": link(number + 1) if number < pages else None,
        "previous": link(number - 1) if number > 1 else None,
        "messages": messages,
        "results": [trial_summary(request, trial) for trial in rows],
    }


@api.get(
    "/trials/{slug}/",
    response={200: TrialDetailOut, 404: ErrorOut},
    url_name="trial",
    summary="One published trial, with its arms, registry numbers and investigators",
)
@decorate_view(conditional_public)
def get_trial(request, slug: str):
    trial = Trial.objects.for_detail().filter(slug=slug).first()
    if trial is None:
        raise BadRequest(
            _("There is no published trial “%(slug)s”.") % {"slug": slug[:80]}, status=404
        )
    return trial_detail(request, trial)


@api.get(
    "/cancer-types/",
    response={200: list[CancerTypeOut]},
    url_name="cancer_types",
    summary="Cancer types: groups, each followed by its types, with trial counts",
)
@decorate_view(conditional_public)
def list_cancer_types(request):
    cancer_types = list(CancerType.objects.order_by("name"))
    count_trials_by_cancer_type(cancer_types, Trial.objects.published())
    by_pk = {cancer_type.pk: cancer_type for cancer_type in cancer_types}
    ordered = []
    for group in (ct for ct in cancer_types if ct.is_group):
        ordered.append(group)
        ordered.extend(ct for ct in cancer_types if ct.parent_id == group.pk)
    trials_url = _absolute(request, reverse("api:trials"))
    return [
        {
            "slug": cancer_type.slug,
            "name": cancer_type.name,
            "group": by_pk[cancer_type.parent_id].slug if cancer_type.parent_id else None,
            "description_html": sanitize_html(cancer_type.description),
            "trial_count": cancer_type.trial_count,
            "url": _absolute(request, cancer_type.get_absolute_url()),
            "trials_url": f"{trials_url}?{urlencode({'cancer_type': cancer_type.slug})}",
        }
        for cancer_type in ordered
    ]


def api_docs(request):
    """Human documentation, rendered from the OpenAPI document itself (no CDN, no script)."""
    schema = api.get_openapi_schema(path_prefix=reverse("api:trials").removesuffix("trials/"))
    operations = [
        {"path": path, "method": method.upper(), **operation}
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    context = {
        "schema": schema,
        "operations": operations,
        "openapi_url": reverse("api:openapi-json"),
        "example_trials_url": request.build_absolute_uri(reverse("api:trials")),
        "base_url": request.build_absolute_uri("/").rstrip("/"),
    }
    return render(request, "api/docs.html", context)
