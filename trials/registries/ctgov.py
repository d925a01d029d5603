"""Reading ClinicalTrials.gov API v2 records: files, downloads and one study's values.

Nothing here writes to the database: `read_study()` turns one API v2 study (a dict) into a
`Study` of plain values in our vocabulary, with the warnings a reader should see, or raises
`RecordRefused` naming the registry field that is wrong. `studies_in_file()` refuses files
that are not API v2 JSON (classic XML, an HTML error page, an empty or cut-off file) with a
message saying what the file is and what is expected. `fetch_study()` downloads a record
over HTTPS through `transport` (tests replace it; nothing here needs the network otherwise).

The age rule (README, "Importing from ClinicalTrials.gov"): years are 12 months and months
are taken as given; weeks, days, hours and minutes are converted at 30.4375 days a month
(365.25 / 12) and rounded to the nearest whole month ("29 Days" is 1 month, "6 Weeks" is 1
month, "2 Weeks" is 0). An age the record does not give stays unknown (None), never 0.
"""

from __future__ import annotations

import datetime
import json
import re
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trials.models import DatePrecision, DiseaseSetting, Phase, Registry, RegistryNumber, Status

API_URL = "https://clinicaltrials.gov/api/v2/studies/{nct_id}"
FETCH_TIMEOUT_SECONDS = 20
NCT_ID = re.compile(r"\ANCT[0-9]{8}\Z")

PHASES = {
    frozenset(): Phase.NOT_APPLICABLE,
    frozenset({"NA"}): Phase.NOT_APPLICABLE,
    frozenset({"EARLY_PHASE1"}): Phase.EARLY_PHASE_1,
    frozenset({"PHASE1"}): Phase.PHASE_1,
    frozenset({"PHASE1", "PHASE2"}): Phase.PHASE_1_2,
    frozenset({"PHASE2"}): Phase.PHASE_2,
    frozenset({"PHASE2", "PHASE3"}): Phase.PHASE_2_3,
    frozenset({"PHASE3"}): Phase.PHASE_3,
    frozenset({"PHASE4"}): Phase.PHASE_4,
}

# Secondary ID types that hold a European registry number.
SECONDARY_ID_REGISTRIES = {"EUDRACT_NUMBER": Registry.EUDRACT, "CTIS": Registry.EU_CT}

DAYS_PER_MONTH = 30.4375
AGE_UNIT_DAYS = {"day": 1, "week": 7, "hour": 1 / 24, "minute": 1 / 1440}
AGE_PATTERN = re.compile(r"^\s*(\d+)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)

# The backslash escapes of the registry's Markdown text: "\[GO\]", "\< 18 years".
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=|~^])")
INTERVENTION_TYPE_PREFIX = re.compile(r"^[A-Za-z ]+:\s*")

SHORT_NAME_MAX = 60


class FileRefused(Exception):
    """The file is not ClinicalTrials.gov API v2 JSON; the message says what it is."""


class RecordRefused(Exception):
    """One study cannot be imported; `field` is the registry field at fault."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass
class Arm:
    name: str
    intervention: str
    description: str


@dataclass
class Official:
    name: str
    affiliation: str
    role: str


@dataclass
class Study:
    """One registry record in our vocabulary. Values the record lacks are None."""

    nct_id: str
    short_name: str
    brief_title: str
    official_title: str
    org_study_id: str
    registry_numbers: list[tuple[str, str]]
    status: Status | None
    registered_status: str
    start_date: datetime.date | None
    start_date_precision: DatePrecision
    end_date: datetime.date | None
    end_date_precision: DatePrecision
    sponsor: str
    collaborators: list[str]
    brief_summary: str
    detailed_description: str
    conditions: list[str]
    mesh_terms: list[str]
    phase: Phase
    enrollment: int | None
    arms: list[Arm]
    eligibility_criteria: str
    officials: list[Official]
    min_age_months: int | None
    max_age_months: int | None
    last_update_posted: datetime.date | None
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Files and downloads
# ---------------------------------------------------------------------------------------------

EXPECTED = gettext_lazy(
    "Expected a ClinicalTrials.gov API v2 study in JSON (as "
    "https://clinicaltrials.gov/api/v2/studies/NCT… returns it) or a search page of them."
)


def studies_in_text(raw: bytes | str) -> list[dict]:
    """The studies a file holds: one API v2 study, or a search page ({"studies": [...]}).
    Raises FileRefused, saying what the file is instead."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileRefused(
                _("This is not a text file. %(expected)s") % {"expected": EXPECTED}
            ) from None
    text = raw.strip()
    if not text:
        raise FileRefused(_("The file is empty. %(expected)s") % {"expected": EXPECTED})
    head = text[:500].lower()
    if head.startswith("<?xml") or "<clinical_study" in head:
        raise FileRefused(
            _(
                "This is ClinicalTrials.gov's classic XML format, which the registry retired "
                "in 2024. %(expected)s"
            )
            % {"expected": EXPECTED}
        )
    if head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head:
        raise FileRefused(
            _("This is a web page (HTML), perhaps an error page, not a registry record. %(e)s")
            % {"e": EXPECTED}
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text) - 1 or error.msg.startswith("Unterminated string"):
            what = _("The JSON stops before it is complete (a cut-off download?)")
        else:
            what = _("This is not valid JSON (line %(line)d, column %(column)d: %(msg)s)") % {
                "line": error.lineno,
                "column": error.colno,
                "msg": error.msg,
            }
        raise FileRefused(f"{what}. {EXPECTED}") from None
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        return data["studies"]
    if isinstance(data, dict) and "protocolSection" in data:
        return [data]
    raise FileRefused(
        _("This is JSON, but not a ClinicalTrials.gov API v2 study (no “protocolSection”). %(e)s")
        % {"e": EXPECTED}
    )


def json_files(path: Path) -> list[Path]:
    """`path` itself, or the .json files in a folder (sorted)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file())
    return [path]


def urllib_transport(url: str, *, timeout: float) -> bytes:
    """GET `url` over HTTPS; raises OSError (urllib's errors are OSErrors) on failure."""
    if not url.startswith("https://"):
        raise ValueError("Registry records are fetched over HTTPS only.")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return response.read()


# Replaced in tests by a fake: nothing else here reaches the network.
transport: Callable[..., bytes] = urllib_transport


def fetch_study(nct_id: str) -> bytes:
    """The registry's current record of `nct_id` as it sends it. Raises RecordRefused
    when the number is malformed or the registry cannot be reached."""
    nct_id = nct_id.strip().upper()
    if not NCT_ID.fullmatch(nct_id):
        raise RecordRefused(
            _("“%(value)s” is not an NCT number (NCT and 8 digits).") % {"value": nct_id},
            field="nctId",
        )
    try:
        return transport(API_URL.format(nct_id=nct_id), timeout=FETCH_TIMEOUT_SECONDS)
    except (OSError, ValueError) as error:
        raise RecordRefused(
            _("ClinicalTrials.gov could not be reached for %(nct)s: %(error)s")
            % {"nct": nct_id, "error": error}
        ) from None


# ---------------------------------------------------------------------------------------------
# One study
# ---------------------------------------------------------------------------------------------


def parse_age(text: str | None) -> int | None:
    """A registry age ("6 Months", "21 Years", "29 Days") in whole months; None if absent
    (see the module's docstring for the rule)."""
    match = AGE_PATTERN.match(text or "")
    if not match:
        return None
    number, unit = int(match[1]), match[2].lower()
    if unit == "year":
        return number * 12
    if unit == "month":
        return number
    return round(number * AGE_UNIT_DAYS[unit] / DAYS_PER_MONTH)


def parse_date(text: str | None) -> tuple[datetime.date | None, DatePrecision]:
    """ "2018-04-05" is that day; "2018-04" a month (kept as its first day, precision
    month); "2018" a year. Raises ValueError on anything else."""
    if not text:
        return None, DatePrecision.DAY
    if re.fullmatch(r"\d{4}", text):
        return datetime.date(int(text), 1, 1), DatePrecision.YEAR
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return datetime.date.fromisoformat(text + "-01"), DatePrecision.MONTH
    return datetime.date.fromisoformat(text), DatePrecision.DAY


def phase_from(phases: list[str]) -> Phase:
    """["PHASE1", "PHASE2"] -> Phase 1/2. Raises ValueError for a list we have no code for."""
    try:
        return PHASES[frozenset(phases)]
    except (KeyError, TypeError):
        raise ValueError(f"No phase matches the registry's phases {phases!r}.") from None


def plain_text(text: str | None) -> str:
    """Registry Markdown as plain text: escapes removed, outer whitespace stripped."""
    return MARKDOWN_ESCAPE.sub(r"\1", text or "").strip()


def short_form(title: str, limit: int = SHORT_NAME_MAX) -> str:
    """A title cut at a word boundary to fit `limit` characters, with an ellipsis."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if title[limit - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def _module(protocol: dict, name: str) -> dict:
    value = protocol.get(name) or {}
    if not isinstance(value, dict):
        raise RecordRefused(
            _("“%(field)s” is not an object.") % {"field": name}, field=f"protocolSection.{name}"
        )
    return value


def _date(module: dict, name: str, path: str) -> tuple[datetime.date | None, DatePrecision]:
    text = (module.get(name) or {}).get("date")
    try:
        return parse_date(text)
    except (ValueError, TypeError):
        raise RecordRefused(
            _("“%(value)s” is not a date (expected 2018-04-05 or 2018-04).") % {"value": text},
            field=f"{path}.{name}.date",
        ) from None


def _age(eligibility: dict, name: str) -> int | None:
    text = eligibility.get(name)
    months = parse_age(text)
    if text and months is None:
        raise RecordRefused(
            _("“%(value)s” is not an age (expected e.g. “18 Months”, “21 Years”).")
            % {"value": text},
            field=f"protocolSection.eligibilityModule.{name}",
        )
    return months


def registry_numbers_from(identification: dict) -> tuple[list[tuple[str, str]], list[str]]:
    """The NCT number, then the EudraCT, EU CT (CTIS) and ISRCTN numbers of the secondary
    IDs (one per registry), and a warning for each that fails its registry's own check."""
    numbers = {Registry.NCT: identification["nctId"]}
    warnings = []
    for secondary in identification.get("secondaryIdInfos") or []:
        value = str(secondary.get("id") or "")
        registry = SECONDARY_ID_REGISTRIES.get(secondary.get("type"))
        if registry is None and value.upper().replace(" ", "").startswith("ISRCTN"):
            registry = Registry.ISRCTN
        if registry is None or registry in numbers:
            continue
        number = RegistryNumber(registry=registry, value=value)
        try:
            number.clean()
        except ValidationError:
            warnings.append(
                _("The %(registry)s “%(value)s” fails that registry's own check; left out.")
                % {"registry": number.get_registry_display(), "value": value}
            )
            continue
        numbers[registry] = number.value
    return list(numbers.items()), warnings


def read_study(study: dict) -> Study:
    """One API v2 study as plain values. Raises RecordRefused naming the field at fault."""
    if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
        raise RecordRefused(_("The study has no “protocolSection”."), field="protocolSection")
    protocol = study["protocolSection"]
    identification = _module(protocol, "identificationModule")
    nct_id = str(identification.get("nctId") or "")
    if not NCT_ID.fullmatch(nct_id):
        raise RecordRefused(
            _("“%(value)s” is not an NCT number (NCT and 8 digits).") % {"value": nct_id},
            field="protocolSection.identificationModule.nctId",
        )
    brief_title = " ".join(str(identification.get("briefTitle") or "").split())
    if not brief_title:
        raise RecordRefused(
            _("The study has no brief title."),
            field="protocolSection.identificationModule.briefTitle",
        )
    official_title = " ".join(str(identification.get("officialTitle") or "").split())
    acronym = " ".join(str(identification.get("acronym") or "").split())
    org_study_id = str((identification.get("orgStudyIdInfo") or {}).get("id") or "")

    status_module = _module(protocol, "statusModule")
    registered_status = str(status_module.get("overallStatus") or "")
    warnings = []
    if not registered_status:
        status = None
    elif registered_status.lower() in Status.values:
        status = Status(registered_status.lower())
    else:
        status = Status.UNKNOWN
        warnings.append(
            _("The registry's status “%(status)s” has no equivalent here: “status not confirmed”.")
            % {"status": registered_status}
        )
    path = "protocolSection.statusModule"
    start_date, start_precision = _date(status_module, "startDateStruct", path)
    end_date, end_precision = _date(status_module, "completionDateStruct", path)
    last_update = (status_module.get("lastUpdatePostDateStruct") or {}).get("date")
    try:
        last_update_posted, _precision = parse_date(last_update)
    except (ValueError, TypeError):
        last_update_posted = None

    sponsors = _module(protocol, "sponsorCollaboratorsModule")
    description = _module(protocol, "descriptionModule")
    conditions_module = _module(protocol, "conditionsModule")
    design = _module(protocol, "designModule")
    try:
        phase = phase_from(design.get("phases") or [])
    except ValueError:
        raise RecordRefused(
            _("The phases %(phases)s match none of ours.") % {"phases": design.get("phases")},
            field="protocolSection.designModule.phases",
        ) from None
    enrollment = (design.get("enrollmentInfo") or {}).get("count")
    if enrollment is not None and (
        not isinstance(enrollment, int) or isinstance(enrollment, bool) or enrollment < 0
    ):
        raise RecordRefused(
            _("“%(value)s” is not a number of patients.") % {"value": enrollment},
            field="protocolSection.designModule.enrollmentInfo.count",
        )

    eligibility = _module(protocol, "eligibilityModule")
    min_age, max_age = _age(eligibility, "minimumAge"), _age(eligibility, "maximumAge")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise RecordRefused(
            _("The maximum age (%(max)s) is below the minimum age (%(min)s).")
            % {"max": eligibility.get("maximumAge"), "min": eligibility.get("minimumAge")},
            field="protocolSection.eligibilityModule.maximumAge",
        )

    interventions = _module(protocol, "armsInterventionsModule")
    arms, seen = [], set()
    for group in interventions.get("armGroups") or []:
        name = " ".join(str(group.get("label") or "").split())
        if not name or name in seen:
            continue
        seen.add(name)
        arms.append(
            Arm(
                name=name,
                intervention=", ".join(
                    INTERVENTION_TYPE_PREFIX.sub("", str(n))
                    for n in group.get("interventionNames") or []
                ),
                description=plain_text(group.get("description")),
            )
        )

    numbers, number_warnings = registry_numbers_from(identification)
    officials = [
        Official(
            name=str(o.get("name") or "").strip(),
            affiliation=str(o.get("affiliation") or "").strip(),
            role=str(o.get("role") or ""),
        )
        for o in _module(protocol, "contactsLocationsModule").get("overallOfficials") or []
        if o.get("name")
    ]
    derived = study.get("derivedSection") or {}
    meshes = (derived.get("conditionBrowseModule") or {}).get("meshes") or []

    result = Study(
        nct_id=nct_id,
        short_name=short_form(acronym or brief_title),
        brief_title=brief_title,
        official_title=official_title or brief_title,
        org_study_id=org_study_id,
        registry_numbers=numbers,
        status=status,
        registered_status=registered_status,
        start_date=start_date,
        start_date_precision=start_precision,
        end_date=end_date,
        end_date_precision=end_precision,
        sponsor=str((sponsors.get("leadSponsor") or {}).get("name") or "").strip(),
        collaborators=[
            str(c.get("name")).strip() for c in sponsors.get("collaborators") or [] if c.get("name")
        ],
        brief_summary=plain_text(description.get("briefSummary")),
        detailed_description=plain_text(description.get("detailedDescription")),
        conditions=[str(c) for c in conditions_module.get("conditions") or []],
        mesh_terms=[str(m.get("term")) for m in meshes if m.get("term")],
        phase=phase,
        enrollment=enrollment,
        arms=arms,
        eligibility_criteria=plain_text(eligibility.get("eligibilityCriteria")),
        officials=officials,
        min_age_months=min_age,
        max_age_months=max_age,
        last_update_posted=last_update_posted,
    )
    result.warnings = [*warnings, *number_warnings, *plausibility_warnings(result)]
    if start_date and end_date and end_date < start_date:
        result.end_date, result.end_date_precision = None, DatePrecision.DAY
    return result


def disease_setting_from_text(text: str) -> DiseaseSetting:
    """What the titles and conditions clearly say; 'other' when they say neither."""
    new = re.search(r"\bnewly[- ]diagnosed\b", text, re.IGNORECASE)
    relapsed = re.search(r"\b(relapsed|refractory|recurrent)\b", text, re.IGNORECASE)
    if new and relapsed:
        return DiseaseSetting.BOTH
    if new:
        return DiseaseSetting.NEWLY_DIAGNOSED
    if relapsed:
        return DiseaseSetting.RELAPSED_REFRACTORY
    return DiseaseSetting.OTHER


def plausibility_warnings(study: Study) -> list[str]:
    """What cannot be right for a children's cancer trial, though the record says it:
    imported anyway, flagged for staff."""
    warnings = []
    if study.status is None:
        warnings.append(
            _("The record has no overall status: the trial's status is “status not confirmed”.")
        )
    if study.max_age_months is not None and study.max_age_months < 12:
        warnings.append(
            _(
                "The maximum age is under one year (%(months)d months): check the unit "
                "(registries hold “18 Months” meant as years)."
            )
            % {"months": study.max_age_months}
        )
    if study.min_age_months is not None and study.min_age_months >= 18 * 12:
        warnings.append(_("The minimum age is 18 years or more: no children can take part."))
    if study.start_date and study.end_date and study.end_date < study.start_date:
        warnings.append(
            _("The completion date (%(end)s) is before the start date (%(start)s): left out.")
            % {"end": study.end_date.isoformat(), "start": study.start_date.isoformat()}
        )
    if not study.arms:
        warnings.append(_("The record lists no study arms."))
    return warnings
