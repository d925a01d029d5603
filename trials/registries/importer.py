"""Writing ClinicalTrials.gov records: new trials become drafts; a trial that already has
the record's NCT number keeps its page and gets pending registry changes (sync.py).

One record is one transaction: a record that cannot be imported changes nothing. An import
never publishes, and never touches what staff wrote for families (summary, who can enter,
goal, background, investigators, local patient count, cancer types).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    Arm,
    ConditionMapping,
    Investigator,
    InvestigatorRole,
    Organisation,
    Publication,
    ReceivedHow,
    Registry,
    RegistryNumber,
    RegistryRecord,
    Status,
    Trial,
    TrialInvestigator,
)
from ..signals import announce_public_change
from . import ctgov
from .ctgov import FileRefused, RecordRefused, Study, disease_setting_from_text, read_study
from .sync import REGISTRY_LANGUAGE, arm_status_for, compare, describe_change

audit_log = logging.getLogger("trialportal.audit")

CREATED, UPDATED, UNCHANGED, REFUSED = "created", "updated", "unchanged", "refused"

# Our field -> the registry field it comes from, to name it when a value is refused.
SOURCE_FIELDS = {
    "short_name": "protocolSection.identificationModule.acronym",
    "official_title": "protocolSection.identificationModule.officialTitle",
    "max_patients_total": "protocolSection.designModule.enrollmentInfo.count",
    "min_age_months": "protocolSection.eligibilityModule.minimumAge",
    "max_age_months": "protocolSection.eligibilityModule.maximumAge",
    "start_date": "protocolSection.statusModule.startDateStruct",
    "end_date": "protocolSection.statusModule.completionDateStruct",
    "sponsor": "protocolSection.sponsorCollaboratorsModule.leadSponsor",
    "name": "protocolSection.armsInterventionsModule.armGroups",
    "value": "protocolSection.identificationModule.secondaryIdInfos",
}


@dataclass
class Outcome:
    """What happened to one record: a line of the report."""

    source: str
    action: str
    nct_id: str = ""
    trial: Trial | None = None
    message: str = ""
    field: str = ""
    changes: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    unmapped_conditions: list[str] = dataclasses.field(default_factory=list)

    def line(self) -> str:
        """ "NCT02813135: updated: status (Active, not recruiting → Completed), ..." """
        who = self.nct_id or _("record")
        if self.action == REFUSED:
            where = f" [{self.field}]" if self.field else ""
            return _("%(who)s (%(source)s): refused%(where)s: %(why)s") % {
                "who": who,
                "source": self.source,
                "where": where,
                "why": self.message,
            }
        text = f"{who}: {ACTION_LABELS[self.action]}"
        if self.changes:
            text += ": " + ", ".join(self.changes)
        elif self.message:
            text += ": " + self.message
        return text


ACTION_LABELS = {
    CREATED: gettext_lazy("created"),
    UPDATED: gettext_lazy("updated"),
    UNCHANGED: gettext_lazy("unchanged"),
    REFUSED: gettext_lazy("refused"),
}


@dataclass
class Report:
    outcomes: list[Outcome] = dataclasses.field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(outcome.action == action for outcome in self.outcomes)

    @property
    def refused(self) -> bool:
        return self.count(REFUSED) > 0

    def summary(self) -> str:
        return _(
            "%(total)d records: %(created)d created, %(updated)d updated, "
            "%(unchanged)d unchanged, %(refused)d refused."
        ) % {
            "total": len(self.outcomes),
            "created": self.count(CREATED),
            "updated": self.count(UPDATED),
            "unchanged": self.count(UNCHANGED),
            "refused": self.count(REFUSED),
        }


def import_file(path: Path, *, user=None, how: str = ReceivedHow.FILE) -> list[Outcome]:
    """Every study in the file at `path` (a refused file is one refused outcome)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return [Outcome(source=str(path), action=REFUSED, message=str(error))]
    return import_raw(raw, source=str(path), user=user, how=how)


def import_raw(raw: bytes | str, *, source: str, user=None, how: str) -> list[Outcome]:
    try:
        studies = ctgov.studies_in_text(raw)
    except FileRefused as error:
        return [Outcome(source=source, action=REFUSED, message=str(error))]
    if not studies:
        return [Outcome(source=source, action=REFUSED, message=_("The file holds no studies."))]
    return [import_study(data=study, source=source, user=user, how=how) for study in studies]


def import_study(*, data: dict, source: str, user=None, how: str = ReceivedHow.FILE) -> Outcome:
    """Import one API v2 study in its own transaction (see the module docstring)."""
    nct_id = _nct_id_of(data)
    try:
        study = read_study(data)
    except RecordRefused as error:
        return Outcome(
            source=source, action=REFUSED, nct_id=nct_id, message=str(error), field=error.field
        )
    try:
        with transaction.atomic():
            existing = (
                Trial.objects.select_for_update()
                .filter(registry_numbers__registry=Registry.NCT, registry_numbers__value=nct_id)
                .first()
            )
            if existing is None:
                return _create(study, data=data, source=source, user=user, how=how)
            return _compare(existing, study, data=data, source=source, how=how)
    except ValidationError as error:
        ours, messages = next(iter(error.message_dict.items()))
        return Outcome(
            source=source,
            action=REFUSED,
            nct_id=nct_id,
            message=" ".join(messages),
            field=SOURCE_FIELDS.get(ours, ours),
        )
    except IntegrityError as error:
        return Outcome(source=source, action=REFUSED, nct_id=nct_id, message=str(error))


def _nct_id_of(data) -> str:
    try:
        return str(data["protocolSection"]["identificationModule"]["nctId"])
    except (KeyError, TypeError):
        return ""


def _store_record(trial, study: Study, *, data, how, unmapped) -> RegistryRecord:
    record = RegistryRecord.objects.filter(trial=trial).first() or RegistryRecord(trial=trial)
    shown_before = record.last_update_posted if record.pk else None
    record.identifier = study.nct_id
    record.data = data
    record.received_at = timezone.now()
    record.received_how = how
    record.last_update_posted = study.last_update_posted
    record.warnings = study.warnings
    record.unmapped_conditions = unmapped
    record.full_clean(exclude=["trial"])
    record.save()
    if trial.is_public and shown_before != record.last_update_posted:
        # The public page shows the registry's date: its ETag and page caches move on.
        Trial.objects.filter(pk=trial.pk).update(updated_at=timezone.now())
        announce_public_change(trial.pk, reason="changed")
    return record


def _free_slug(name: str, nct_id: str) -> str:
    base = (slugify(name) or nct_id.lower())[:70].strip("-")
    slug, n = base, 1
    while Trial.objects.filter(slug=slug).exists() or _old_address_taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _old_address_taken(slug: str) -> bool:
    from ..models import TrialAddress

    return TrialAddress.objects.filter(slug=slug).exists()


def _create(study: Study, *, data, source, user, how) -> Outcome:
    conditions = [*study.conditions, *study.mesh_terms]
    cancer_types, unmapped = ConditionMapping.objects.cancer_types_for(study.conditions)
    mesh_types, _unmapped_mesh = ConditionMapping.objects.cancer_types_for(study.mesh_terms)
    cancer_types += [t for t in mesh_types if t not in cancer_types]
    warnings = list(study.warnings)
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(
            _("Imported as a draft from ClinicalTrials.gov record %(nct)s.") % {"nct": study.nct_id}
        )
        sponsor = None
        if study.sponsor:
            sponsor, _created = Organisation.objects.get_or_create(name=study.sponsor[:200])
        # The record's texts are English: they (and the draft's placeholders) go into the
        # English columns, whatever the language of the staff member importing it.
        with translation.override(REGISTRY_LANGUAGE):
            trial = Trial(
                short_name=study.short_name,
                official_title=study.official_title,
                slug=_free_slug(study.short_name, study.nct_id),
                summary=_(
                    "Draft imported from ClinicalTrials.gov record %(nct)s: write a plain-language "
                    "summary for families here before publishing."
                )
                % {"nct": study.nct_id},
                eligibility="<p>"
                + _(
                    "Write who can enter, in plain language, before publishing. The registry's "
                    "eligibility criteria are under “Registry record” on this form."
                )
                + "</p>",
                min_age_months=study.min_age_months,
                max_age_months=study.max_age_months,
                disease_setting=disease_setting_from_text(
                    " ".join([study.official_title, study.brief_title, *conditions])
                ),
                phase=study.phase,
                max_patients_total=study.enrollment,
                start_date=study.start_date,
                start_date_precision=study.start_date_precision,
                end_date=study.end_date,
                end_date_precision=study.end_date_precision,
                status=study.status or Status.UNKNOWN,
                sponsor=sponsor,
                publication=Publication.DRAFT,
            )
            trial.full_clean()
            trial.save()
            trial.cancer_types.set(cancer_types)
            arm_status = arm_status_for(trial.status)
            for order, arm in enumerate(study.arms):
                row = Arm(
                    trial=trial,
                    name=arm.name[:200],
                    intervention=arm.intervention[:300],
                    description=arm.description[:2000],
                    status=arm_status,
                    order=order,
                )
                row.full_clean()
                row.save()
        for registry, value in study.registry_numbers:
            taken = RegistryNumber.objects.filter(registry=registry, value=value).first()
            if taken is not None:
                warnings.append(
                    _("%(number)s already belongs to the trial %(trial)s; left out.")
                    % {"number": taken, "trial": taken.trial}
                )
                continue
            number = RegistryNumber(trial=trial, registry=registry, value=value)
            number.full_clean()
            number.save()
        for order, official in enumerate(study.officials):
            investigator = Investigator.objects.filter(name=official.name[:150]).first()
            if investigator is None:
                investigator = Investigator.objects.create(
                    name=official.name[:150], specialty=official.affiliation[:150]
                )
            TrialInvestigator.objects.get_or_create(
                trial=trial,
                investigator=investigator,
                role=InvestigatorRole.STUDY_LEADER,
                defaults={"order": order},
            )
        reversion.add_to_revision(trial)
    study.warnings = warnings
    _store_record(trial, study, data=data, how=how, unmapped=unmapped)
    trial.audit("import_registry_record", user=user)
    return Outcome(
        source=source,
        action=CREATED,
        nct_id=study.nct_id,
        trial=trial,
        message=_("new draft “%(name)s”") % {"name": trial.short_name},
        warnings=warnings,
        unmapped_conditions=unmapped,
    )


def _compare(trial: Trial, study: Study, *, data, source, how) -> Outcome:
    record = RegistryRecord.objects.filter(trial=trial).first()
    if record is not None and record.data == data:
        return Outcome(
            source=source,
            action=UNCHANGED,
            nct_id=study.nct_id,
            trial=trial,
            warnings=record.warnings,
            unmapped_conditions=record.unmapped_conditions,
        )
    previous = None
    if record is not None:
        try:
            previous = read_study(record.data)
        except RecordRefused:
            previous = None
    changes = compare(trial, study, previous=previous, now=timezone.now())
    _cancer_types, unmapped = ConditionMapping.objects.cancer_types_for(study.conditions)
    _store_record(trial, study, data=data, how=how, unmapped=unmapped)
    return Outcome(
        source=source,
        action=UPDATED,
        nct_id=study.nct_id,
        trial=trial,
        changes=[describe_change(change) for change in changes],
        message="" if changes else _("registry record stored; our page already matches it"),
        warnings=study.warnings,
        unmapped_conditions=unmapped,
    )


def fetch_and_import(nct_id: str, *, user=None) -> Outcome:
    """Download the registry's current record of `nct_id` and import it."""
    source = ctgov.API_URL.format(nct_id=nct_id.strip().upper())
    try:
        raw = ctgov.fetch_study(nct_id)
    except RecordRefused as error:
        return Outcome(
            source=source, action=REFUSED, nct_id=nct_id, message=str(error), field=error.field
        )
    outcomes = import_raw(raw, source=source, user=user, how=ReceivedHow.FETCH)
    return outcomes[0]


def registry_reachable() -> bool:
    """Whether this site may fetch records from ClinicalTrials.gov (a setting)."""
    from django.conf import settings

    return settings.TRIALPORTAL_REGISTRY_FETCH
