"""Demo trials for Trialportal, loaded by ``manage.py load_demo_trials``.

``content.py`` says what is loaded; this module writes it. Every object is validated with
``full_clean()`` before it is saved, and every write is keyed on a unique field (a slug, a
name, a trial and an arm name ...), so loading twice leaves the same rows. A trial's arms,
roles, approvals and registry numbers are made to match the demo data exactly: missing ones
are created, changed ones updated and extra ones deleted.

ESMART and the other real trials come in through the ClinicalTrials.gov importer
(trials.registries) from their records (``ctgov/<NCT ID>.json``, API v2), as a staff import
would; the demo then writes its words for families and publishes them.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models
from django.utils import translation

from trials.ages import describe_age_range
from trials.demo import content, dutch
from trials.models import (
    Approval,
    Arm,
    CancerType,
    ConditionMapping,
    GlossaryTerm,
    Investigator,
    InvestigatorRole,
    Organisation,
    Publication,
    RegistryNumber,
    SiteSettings,
    Trial,
    TrialInvestigator,
)
from trials.models.translated import localized
from trials.registries.ctgov import read_study
from trials.registries.importer import CREATED, import_study

CTGOV_DIR = Path(__file__).resolve().parent / "ctgov"

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def read_ctgov_record(nct_id: str) -> dict:
    """The stored API v2 record of `nct_id`."""
    return json.loads((CTGOV_DIR / f"{nct_id}.json").read_text(encoding="utf-8"))


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


def trial_spec_from_ctgov(
    study: dict, *, short_name: str, subtitle: str, summary: str = ""
) -> dict:
    """What the demo writes for families about a real trial that the importer brought in
    as a draft (trials.registries), from facts in its registry record only, and publishes.

    `summary`: one written for families from the record; without it, the record's own
    summary (its first paragraph). The goal comes from the record's summary either way.
    The registry's own values (status, phase, dates, ages, sponsor, numbers) are the
    importer's. Nothing is said about this centre: no local patient numbers, local
    investigators, approvals or review date.
    """
    registered = read_study(study)
    registered_summary = first_paragraph(registered.brief_summary)
    with translation.override("en"):
        age_range = describe_age_range(registered.min_age_months, registered.max_age_months)
    source = f"Source: ClinicalTrials.gov record {registered.nct_id}."
    details = leading_paragraphs(registered.detailed_description)
    primary_purpose = (
        study["protocolSection"].get("designModule", {}).get("designInfo", {}).get("primaryPurpose")
    )
    return {
        "trial": {
            "slug": _slug(short_name),
            "short_name": short_name,
            "subtitle": subtitle,
            "summary": summary or registered_summary,
            "eligibility": (
                f"Conditions studied, as registered: {'; '.join(registered.conditions)}. "
                f"Age: {age_range}. The full inclusion and exclusion criteria are listed in "
                f"ClinicalTrials.gov record {registered.nct_id}."
            ),
            "goal": _goal(registered_summary, primary_purpose),
            "background": "\n\n".join(filter(None, [details, source])),
            "max_patients_local": None,
            "last_reviewed": None,
            "publication": Publication.PUBLISHED,
        },
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
    """Create or update every demo cancer type and trial. Call inside a transaction.

    The real trials come in through the ClinicalTrials.gov importer, as any staff import
    does (a draft; on later runs, a comparison), then get the demo's words for families."""
    load = DemoLoad()
    _load_centre_contact()
    cancer_types = _load_cancer_types(load)
    _load_condition_mappings(load, cancer_types)
    esmart = _import_record(load, content.ESMART_NCT_ID)
    _load_trial(load, cancer_types, esmart_spec(), trial=esmart)
    for nct_id, names in content.REAL_TRIALS.items():
        trial = _import_record(load, nct_id)
        spec = trial_spec_from_ctgov(read_ctgov_record(nct_id), **names)
        _load_trial(load, cancer_types, spec, trial=trial)
    for spec in content.FICTIONAL_TRIALS:
        _load_trial(load, cancer_types, spec)
    _load_dutch(load)
    return load


def _import_record(load: DemoLoad, nct_id: str) -> Trial:
    outcome = import_study(data=read_ctgov_record(nct_id), source=f"{nct_id}.json")
    if outcome.trial is None:
        raise ValueError(f"The demo's record {nct_id} was refused: {outcome.line()}")
    if outcome.action == CREATED:
        load.created[str(Trial._meta.verbose_name_plural)].add(outcome.trial.pk)
    return outcome.trial


def _load_condition_mappings(load: DemoLoad, cancer_types: dict[str, CancerType]) -> None:
    for term, slug in content.CONDITION_MAPPINGS:
        load.save(ConditionMapping, {"term": term}, {"cancer_type": cancer_types[slug]})


def _load_dutch(load: DemoLoad) -> None:
    """The Dutch texts (demo/dutch.py): the demo trials' and cancer types' as the demo
    writes them; the glossary's and the centre's only where staff have written none."""
    for trial in load.trials:
        texts = dutch.TRIALS.get(trial.short_name)
        if texts is None:
            continue  # stays English-only: the page shows the fallback
        _write_dutch(trial, texts)
        for arm in trial.arms.all():
            name = arm.name_en
            for english, words in dutch.ARM_NAME_WORDS:
                name = name.replace(english, words)
            _write_dutch(arm, {"name": name})
    for cancer_type in load.cancer_types:
        if names := dutch.CANCER_TYPES.get(cancer_type.slug):
            name, lay_name, description = names
            texts = {"name": name, "lay_name": lay_name, "description": f"<p>{description}</p>"}
            _write_dutch(cancer_type, texts)
    for term in GlossaryTerm.objects.filter(slug__in=dutch.GLOSSARY, term_nl__isnull=True):
        name, explanation = dutch.GLOSSARY[term.slug]
        _write_dutch(term, {"term": name, "explanation": f"<p>{explanation}</p>"})
    centre = SiteSettings.load()
    missing = {k: v for k, v in dutch.CENTRE.items() if not centre.text_in(k, "nl")}
    if missing:
        _write_dutch(centre, missing)


def _write_dutch(obj, texts: dict) -> None:
    for name, text in texts.items():
        setattr(obj, localized(name, "nl"), text)
    obj.full_clean()
    # Written with the English, so neither is out of date.
    obj.confirm_translations(texts)
    obj.save()


def esmart_spec() -> dict:
    """ESMART from the seed page, with its arms and registry numbers from its registry
    record, each arm described in plain words (content.ESMART_ARMS)."""
    registered = read_study(read_ctgov_record(content.ESMART_NCT_ID))
    arms = [
        {
            "name": arm.name,
            "intervention": arm.intervention,
            "description": arm.description,
            "status": content.ESMART["arm_status"],
            **content.ESMART_ARMS[arm.name],
        }
        for arm in registered.arms
    ]
    numbers = dict(content.ESMART["registry_numbers"])
    for registry, value in registered.registry_numbers:
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


def _load_trial(
    load: DemoLoad, cancer_types: dict[str, CancerType], spec: dict, *, trial: Trial | None = None
) -> Trial:
    """Write `spec` to the trial with its slug (or to `trial`, which the importer brought
    in: then what the spec does not name stays as the importer wrote it)."""
    imported = trial is not None
    names = set(spec) if imported else {*spec, "sponsor", "network", "cancer_types"}
    fields = dict(spec["trial"])
    for relation in ["sponsor", "network"]:
        if relation in names:
            fields[relation] = _load_organisation(load, spec.get(relation))
    lookup = {"pk": trial.pk} if imported else {"slug": fields.pop("slug")}
    trial = load.save(Trial, lookup, fields)
    if "cancer_types" in names:
        trial.cancer_types.set([cancer_types[s] for s in spec.get("cancer_types", [])])
    if "arms" in names or not imported:
        _load_arms(load, trial, spec.get("arms", []))
    if "investigators" in names or not imported:
        _load_investigators(load, trial, spec.get("investigators", []))
    if "approvals" in names or not imported:
        _load_approvals(load, trial, spec.get("approvals", []))
    if "registry_numbers" in names or not imported:
        kept = []
        for registry, value in spec.get("registry_numbers", []):
            lookup = {"trial": trial, "registry": registry}
            kept.append(load.save(RegistryNumber, lookup, {"value": value}).pk)
        trial.registry_numbers.exclude(pk__in=kept).delete()
    load.trials.append(trial)
    return trial


def _load_arms(load: DemoLoad, trial: Trial, arms: list[dict]) -> None:
    kept = []
    for order, arm in enumerate(arms):
        values = {"intervention": "", "target": "", "description": "", "order": order}
        values.update({k: v for k, v in arm.items() if k != "name"})
        kept.append(load.save(Arm, {"trial": trial, "name": arm["name"]}, values).pk)
    trial.arms.exclude(pk__in=kept).delete()


def _load_investigators(load: DemoLoad, trial: Trial, people: list[dict]) -> None:
    # The registry's study leaders (the importer's) are kept beside the demo's people.
    leaders = trial.investigator_roles.filter(role=InvestigatorRole.STUDY_LEADER)
    kept = list(leaders.values_list("pk", flat=True))
    for order, person in enumerate(people):
        investigator = load.save(
            Investigator,
            {"name": person["name"]},
            {"title": person.get("title", ""), "specialty": person.get("specialty", "")},
        )
        lookup = {"trial": trial, "investigator": investigator, "role": person["role"]}
        kept.append(load.save(TrialInvestigator, lookup, {"order": order}).pk)
    trial.investigator_roles.exclude(pk__in=kept).delete()


def _load_approvals(load: DemoLoad, trial: Trial, approvals: list[dict]) -> None:
    kept = []
    for approval in approvals:
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
