"""schema.org MedicalTrial for a trial page (JSON-LD): what search engines read, built from
the same fields the page shows, so the two cannot disagree."""

import re

from django.conf import settings
from django.utils.translation import get_language

from .models import Registry, Status

SCHEMA = "https://schema.org/"

# Our status codes (ClinicalTrials.gov's vocabulary) as schema.org MedicalStudyStatus.
# "Unknown" has no counterpart: no status is claimed then.
MEDICAL_STUDY_STATUS = {
    Status.NOT_YET_RECRUITING: "NotYetRecruiting",
    Status.RECRUITING: "Recruiting",
    Status.ENROLLING_BY_INVITATION: "EnrollingByInvitation",
    Status.ACTIVE_NOT_RECRUITING: "ActiveNotRecruiting",
    Status.SUSPENDED: "Suspended",
    Status.TERMINATED: "Terminated",
    Status.COMPLETED: "Completed",
    Status.WITHDRAWN: "Withdrawn",
}

# Words in a trial's design note that name a schema.org MedicalTrialDesign.
DESIGN_WORDS = [
    (re.compile(r"\brandomi[sz]ed\b", re.I), "RandomizedTrial"),
    (re.compile(r"\bopen[- ]label\b", re.I), "OpenTrial"),
    (re.compile(r"\bdouble[- ]blind", re.I), "DoubleBlindedTrial"),
    (re.compile(r"\bsingle[- ]blind", re.I), "SingleBlindedTrial"),
    (re.compile(r"\btriple[- ]blind", re.I), "TripleBlindedTrial"),
    (re.compile(r"\bplacebo", re.I), "PlaceboControlledTrial"),
    (re.compile(r"\binternational\b", re.I), "InternationalTrial"),
    (re.compile(r"\bmulti[- ]?cent(?:er|re)\b", re.I), "MultiCenterTrial"),
]

REGISTRY_PROPERTY_IDS = {
    Registry.NCT: "ClinicalTrials.gov",
    Registry.EUDRACT: "EudraCT",
    Registry.EU_CT: "EU CT",
    Registry.ISRCTN: "ISRCTN",
}


def trial_designs(trial) -> list[str]:
    """Designs we know: named in the design note, or several centres (fewer patients are
    expected here than in the whole trial)."""
    designs = [name for pattern, name in DESIGN_WORDS if pattern.search(trial.design_note)]
    if (
        trial.max_patients_total
        and trial.max_patients_local
        and trial.max_patients_local < trial.max_patients_total
        and "MultiCenterTrial" not in designs
    ):
        designs.append("MultiCenterTrial")
    return designs


def medical_trial(trial, *, absolute_uri) -> dict:
    """The trial as schema.org MedicalTrial. `absolute_uri` turns a path into a full URL.
    Reads only prefetched relations (Trial.objects.for_detail())."""
    url = absolute_uri(trial.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalTrial",
        "@id": url + "#trial",
        "url": url,
        "name": trial.short_name,
        "alternateName": [
            name for name in (str(trial) if trial.subtitle else "", trial.official_title) if name
        ],
        "description": trial.summary,
        "inLanguage": get_language(),
        "phase": trial.get_phase_display(),
        "identifier": [
            {
                "@type": "PropertyValue",
                "propertyID": REGISTRY_PROPERTY_IDS.get(number.registry, number.registry),
                "value": number.value,
                "url": number.url,
            }
            for number in trial.registry_numbers.all()
        ],
        "healthCondition": [
            {
                "@type": "MedicalCondition",
                "name": cancer_type.name,
                "url": absolute_uri(cancer_type.get_absolute_url()),
            }
            for cancer_type in trial.cancer_types.all()
        ],
        # The centre itself (schema.org expects a place here; a hospital is one).
        "studyLocation": {
            "@type": "Hospital",
            "name": settings.TRIALPORTAL_CENTRE_NAME,
            "address": {
                "@type": "PostalAddress",
                "addressCountry": settings.TRIALPORTAL_CENTRE_COUNTRY,
            },
        },
    }
    if trial.status in MEDICAL_STUDY_STATUS:
        data["status"] = SCHEMA + MEDICAL_STUDY_STATUS[Status(trial.status)]
    designs = trial_designs(trial)
    if designs:
        data["trialDesign"] = [SCHEMA + design for design in designs]
    if trial.sponsor:
        data["sponsor"] = {"@type": "Organization", "name": trial.sponsor.name}
        if trial.sponsor.website:
            data["sponsor"]["url"] = trial.sponsor.website
    return data
