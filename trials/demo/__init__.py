"""Demo trials for Trialportal, loaded by ``manage.py load_demo_trials``.

``content.py`` says what is loaded; this module writes it. Every object is validated with
``full_clean()`` before it is saved, and every write is keyed on a unique field (a slug, a
name, a trial and an arm name ...), so loading twice leaves the same rows. A trial's arms,
roles, approvals and registry numbers are made to match the demo data exactly: missing ones
are created, changed ones updated and extra ones deleted.

The real trials other than ESMART are built only from their ClinicalTrials.gov records
(``ctgov/<NCT ID>.json``, API v2). The helpers that read a record are here too.
"""

import datetime
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from trials.ages import describe_age_range
from trials.demo import content
from trials.models import (
    Approval,
    Arm,
    ArmStatus,
    CancerType,
    DiseaseSetting,
    Investigator,
    Organisation,
    Phase,
    Publication,
    Registry,
    RegistryNumber,
    SiteSettings,
    Status,
    Trial,
    TrialInvestigator,
)

CTGOV_DIR = Path(__file__).resolve().parent / "ctgov"

# ---------------------------------------------------------------------------------------------
# Reading a ClinicalTrials.gov API v2 record
# ---------------------------------------------------------------------------------------------

CTGOV_PHASES = {
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

# ClinicalTrials.gov's secondary ID types that hold a European registry number.
CTGOV_SECONDARY_ID_REGISTRIES = {"EUDRACT_NUMBER": Registry.EUDRACT, "CTIS": Registry.EU_CT}

# Average days in a month (365.25 / 12), to turn "29 Days" into months.
DAYS_PER_MONTH = 30.4375
AGE_UNIT_DAYS = {"day": 1, "week": 7, "hour": 1 / 24, "minute": 1 / 1440}
AGE_PATTERN = re.compile(r"^\s*(\d+)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)

# The backslash escapes of the registry's Markdown text: "\[GO\]", "\< 18 years".
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=|~])")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
INTERVENTION_TYPE_PREFIX = re.compile(r"^[A-Za-z ]+:\s*")


def read_ctgov_record(nct_id: str) -> dict:
    """The stored API v2 record of `nct_id`."""
    return json.loads((CTGOV_DIR / f"{nct_id}.json").read_text(encoding="utf-8"))


def parse_ctgov_age(text: str | None) -> int | None:
    """A registry age ("6 Months", "21 Years", "29 Days") in whole months; None if absent.

    Days and weeks are rounded to the nearest month: "29 Days" is 1 month.
    """
    match = AGE_PATTERN.match(text or "")
    if not match:
        return None
    number, unit = int(match[1]), match[2].lower()
    if unit == "year":
        return number * 12
    if unit == "month":
        return number
    return round(number * AGE_UNIT_DAYS[unit] / DAYS_PER_MONTH)


def parse_ctgov_date(text: str | None) -> datetime.date | None:
    """ "2018-04-05" as that day; "2015-09" (a month only) as its first day."""
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    return datetime.date.fromisoformat(text)


def phase_from_ctgov(phases: list[str]) -> Phase:
    """["PHASE1", "PHASE2"] -> Phase 1/2."""
    try:
        return CTGOV_PHASES[frozenset(phases)]
    except KeyError:
        raise ValueError(f"No phase matches the registry's phases {phases!r}.") from None


def plain_text(text: str | None) -> str:
    """Registry Markdown as plain text: escapes removed, outer whitespace stripped."""
    return MARKDOWN_ESCAPE.sub(r"\1", text or "").strip()


def first_paragraph(text: str) -> str:
    return PARAGRAPH_BREAK.split(text.strip(), maxsplit=1)[0].strip()


def first_sentence(text: str) -> str:
    return SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()


def leading_paragraphs(text: str, *, max_chars: int = 800) -> str:
    """Whole paragraphs from the start of `text`, about `max_chars` long at most.

    A paragraph that only introduces the next one ("SECONDARY OBJECTIVES:") is not left
    dangling at the end. The first paragraph is always kept.
    """
    paragraphs = [p.strip() for p in PARAGRAPH_BREAK.split(text.strip()) if p.strip()]
    kept = paragraphs[:1]
    for paragraph in paragraphs[1:]:
        if sum(len(p) for p in kept) + len(paragraph) > max_chars:
            break
        kept.append(paragraph)
    while len(kept) > 1 and kept[-1].endswith(":"):
        kept.pop()
    return "\n\n".join(kept)


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


def cancer_type_slugs_from_conditions(conditions: list[str]) -> list[str]:
    slugs = []
    for pattern, slug in content.CONDITION_PATTERNS:
        if slug not in slugs and any(re.search(pattern, c, re.IGNORECASE) for c in conditions):
            slugs.append(slug)
    return slugs


def arms_from_ctgov(study: dict, *, status: ArmStatus) -> list[dict]:
    """The record's arm groups as arms: label, interventions without their type prefix
    ("Drug: "), description. The record gives no arm status, so the caller chooses it.

    The targeted alteration is left blank: a record can only state it in free text (an
    intervention's description), and a guess would be an invented fact.
    """
    groups = study["protocolSection"].get("armsInterventionsModule", {}).get("armGroups", [])
    return [
        {
            "name": group["label"],
            "intervention": ", ".join(
                INTERVENTION_TYPE_PREFIX.sub("", name)
                for name in group.get("interventionNames", [])
            ),
            "description": plain_text(group.get("description")),
            "status": status,
        }
        for group in groups
    ]


def registry_numbers_from_ctgov(study: dict) -> list[tuple[str, str]]:
    """The NCT ID, then EudraCT and CTIS numbers from the secondary IDs that have the right
    format (one per registry)."""
    identification = study["protocolSection"]["identificationModule"]
    numbers = {Registry.NCT: identification["nctId"]}
    for secondary in identification.get("secondaryIdInfos", []):
        registry = CTGOV_SECONDARY_ID_REGISTRIES.get(secondary.get("type"))
        if registry is None or registry in numbers:
            continue
        number = RegistryNumber(registry=registry, value=secondary.get("id", ""))
        try:
            number.clean()
        except ValidationError:
            continue
        numbers[registry] = number.value
    return list(numbers.items())


def trial_spec_from_ctgov(
    study: dict, *, short_name: str, subtitle: str, summary: str = ""
) -> dict:
    """A real trial as the demo loader writes it, from facts in its registry record only.

    `summary`: one written for families from the record; without it, the record's own
    summary (its first paragraph). The goal comes from the record's summary either way.

    Status comes from the record's overallStatus (ClinicalTrials.gov's codes, lower-cased, are
    the model's); a record without one gets 'unknown'. Nothing is said about this centre:
    no local patient numbers, investigators, approvals or review date.
    """
    protocol = study["protocolSection"]
    identification = protocol["identificationModule"]
    nct_id = identification["nctId"]
    description = protocol.get("descriptionModule", {})
    conditions = protocol.get("conditionsModule", {}).get("conditions", [])
    design = protocol.get("designModule", {})
    eligibility = protocol.get("eligibilityModule", {})
    status_module = protocol.get("statusModule", {})
    lead_sponsor = protocol.get("sponsorCollaboratorsModule", {}).get("leadSponsor", {})

    official_title = identification.get("officialTitle") or identification["briefTitle"]
    registered_summary = first_paragraph(plain_text(description.get("briefSummary")))
    min_age = parse_ctgov_age(eligibility.get("minimumAge")) or None
    max_age = parse_ctgov_age(eligibility.get("maximumAge"))
    with translation.override("en"):
        age_range = describe_age_range(min_age, max_age)
    source = f"Source: ClinicalTrials.gov record {nct_id}."
    details = leading_paragraphs(plain_text(description.get("detailedDescription")))

    overall_status = status_module.get("overallStatus", "").lower()

    return {
        "trial": {
            "slug": _slug(short_name),
            "short_name": short_name,
            "subtitle": subtitle,
            "official_title": official_title,
            "summary": summary or registered_summary,
            "eligibility": (
                f"Conditions studied, as registered: {'; '.join(conditions)}. "
                f"Age: {age_range}. The full inclusion and exclusion criteria are listed in "
                f"ClinicalTrials.gov record {nct_id}."
            ),
            "min_age_months": min_age,
            "max_age_months": max_age,
            "disease_setting": disease_setting_from_text(
                " ".join([official_title, identification["briefTitle"], *conditions])
            ),
            "goal": _goal(registered_summary, design.get("designInfo", {}).get("primaryPurpose")),
            "background": "\n\n".join(filter(None, [details, source])),
            "arms_intro": "",
            "phase": phase_from_ctgov(design.get("phases", [])),
            "design_note": "",
            "max_patients_total": design.get("enrollmentInfo", {}).get("count"),
            "max_patients_local": None,
            "start_date": parse_ctgov_date(status_module.get("startDateStruct", {}).get("date")),
            "end_date": None,
            "status": Status(overall_status) if overall_status in Status else Status.UNKNOWN,
            "status_note": "",
            "last_reviewed": None,
            "publication": Publication.PUBLISHED,
        },
        "cancer_types": cancer_type_slugs_from_conditions(conditions),
        "sponsor": {"name": lead_sponsor["name"]} if lead_sponsor.get("name") else None,
        "registry_numbers": registry_numbers_from_ctgov(study),
        # The record gives no arm status, and the trial's own status is unknown: listing its
        # arms as planned, open or closed would each mislead, so they are left out.
        "arms": [],
    }


def _goal(summary: str, primary_purpose: str | None) -> str:
    """The summary's first sentence or, when that is the whole summary, the registered
    primary purpose ("TREATMENT"), so the page does not say the same thing twice."""
    sentence = first_sentence(summary)
    if sentence != summary:
        return sentence
    if primary_purpose:
        purpose = primary_purpose.replace("_", " ").lower()
        return f"Primary purpose, as registered on ClinicalTrials.gov: {purpose}."
    return ""


def _slug(short_name: str) -> str:
    """ "ITCC-101/APAL2020D" -> "itcc-101-apal2020d"."""
    return re.sub(r"[^a-z0-9]+", "-", short_name.lower()).strip("-")


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@dataclass
class DemoLoad:
    """What one run loaded: the demo's trials and cancer types, and the rows it wrote, by
    kind of object (verbose_name_plural), split into new ones and existing ones."""

    trials: list[Trial] = field(default_factory=list)
    cancer_types: list[CancerType] = field(default_factory=list)
    created: defaultdict[str, set] = field(default_factory=lambda: defaultdict(set))
    existing: defaultdict[str, set] = field(default_factory=lambda: defaultdict(set))

    def save(self, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        """update_or_create(), with full_clean() before the row is written."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
        label = str(model._meta.verbose_name_plural)
        if created:
            self.created[label].add(obj.pk)
        elif obj.pk not in self.created[label]:
            self.existing[label].add(obj.pk)
        return obj


def load_demo_data() -> DemoLoad:
    """Create or update every demo cancer type and trial. Call inside a transaction."""
    load = DemoLoad()
    _load_centre_contact()
    cancer_types = _load_cancer_types(load)
    _load_trial(load, cancer_types, esmart_spec())
    for nct_id, names in content.REAL_TRIALS.items():
        _load_trial(load, cancer_types, trial_spec_from_ctgov(read_ctgov_record(nct_id), **names))
    for spec in content.FICTIONAL_TRIALS:
        _load_trial(load, cancer_types, spec)
    return load


def esmart_spec() -> dict:
    """ESMART from the seed page, with its arms and registry numbers from its registry
    record, each arm described in plain words (content.ESMART_ARMS)."""
    study = read_ctgov_record(content.ESMART_NCT_ID)
    arms = arms_from_ctgov(study, status=content.ESMART["arm_status"])
    for arm in arms:
        arm.update(content.ESMART_ARMS[arm["name"]])
    numbers = dict(content.ESMART["registry_numbers"])
    for registry, value in registry_numbers_from_ctgov(study):
        numbers.setdefault(registry, value)
    return {**content.ESMART, "arms": arms, "registry_numbers": list(numbers.items())}


def _load_cancer_types(load: DemoLoad) -> dict[str, CancerType]:
    by_slug = {}
    for group in content.CANCER_TYPE_GROUPS:
        parent = load.save(
            CancerType,
            {"slug": group["slug"]},
            {**_cancer_type_values(group), "parent": None},
        )
        by_slug[parent.slug] = parent
        for cancer_type in group["types"]:
            child = load.save(
                CancerType,
                {"slug": cancer_type["slug"]},
                {**_cancer_type_values(cancer_type), "parent": parent},
            )
            by_slug[child.slug] = child
    load.cancer_types = list(by_slug.values())
    return by_slug


def _cancer_type_values(spec: dict) -> dict:
    return {
        "name": spec["name"],
        "description": spec["description"],
        "lay_name": spec.get("lay_name", ""),
        "other_names": "\n".join(spec.get("other_names", [])),
    }


def _load_centre_contact() -> None:
    """The demo's example contact details, where staff have not set their own."""
    centre = SiteSettings.load()
    missing = {
        name: value
        for name, value in content.DEMO_CENTRE_CONTACT.items()
        if not getattr(centre, name)
    }
    if missing:
        for name, value in missing.items():
            setattr(centre, name, value)
        centre.full_clean()
        centre.save()


def _load_organisation(load: DemoLoad, organisation: dict | None) -> Organisation | None:
    if not organisation:
        return None
    values = {"location": "", "description": "", "website": ""}
    values.update({k: v for k, v in organisation.items() if k != "name"})
    return load.save(Organisation, {"name": organisation["name"]}, values)


def _load_trial(load: DemoLoad, cancer_types: dict[str, CancerType], spec: dict) -> Trial:
    fields = dict(spec["trial"])
    slug = fields.pop("slug")
    fields["sponsor"] = _load_organisation(load, spec.get("sponsor"))
    fields["network"] = _load_organisation(load, spec.get("network"))
    trial = load.save(Trial, {"slug": slug}, fields)
    trial.cancer_types.set([cancer_types[s] for s in spec.get("cancer_types", [])])

    kept = []
    for order, arm in enumerate(spec.get("arms", [])):
        values = {"intervention": "", "target": "", "description": "", "order": order}
        values.update({k: v for k, v in arm.items() if k != "name"})
        kept.append(load.save(Arm, {"trial": trial, "name": arm["name"]}, values).pk)
    trial.arms.exclude(pk__in=kept).delete()

    kept = []
    for order, person in enumerate(spec.get("investigators", [])):
        investigator = load.save(
            Investigator,
            {"name": person["name"]},
            {"title": person.get("title", ""), "specialty": person.get("specialty", "")},
        )
        lookup = {"trial": trial, "investigator": investigator, "role": person["role"]}
        kept.append(load.save(TrialInvestigator, lookup, {"order": order}).pk)
    trial.investigator_roles.exclude(pk__in=kept).delete()

    kept = []
    for approval in spec.get("approvals", []):
        values = {
            "decision_date": None,
            "reference_number": "",
            "note": "",
            "more_information_url": "",
            "more_information_label": "",
        }
        values.update({k: v for k, v in approval.items() if k not in {"body", "kind"}})
        lookup = {"trial": trial, "body": approval["body"], "kind": approval["kind"]}
        kept.append(load.save(Approval, lookup, values).pk)
    trial.approvals.exclude(pk__in=kept).delete()

    kept = []
    for registry, value in spec.get("registry_numbers", []):
        number = load.save(RegistryNumber, {"trial": trial, "registry": registry}, {"value": value})
        kept.append(number.pk)
    trial.registry_numbers.exclude(pk__in=kept).delete()

    load.trials.append(trial)
    return trial
