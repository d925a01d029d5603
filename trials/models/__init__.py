"""Trialportal's models, one module per concept; everything is importable from here."""

from .approval import Approval
from .arm import Arm
from .cancer_type import (
    CancerType,
    CancerTypeQuerySet,
    arrange_in_groups,
    count_trials_by_cancer_type,
)
from .choices import (
    OPEN_STATUSES,
    STATUS_REGISTRY_TERMS,
    ApprovalKind,
    ArmStatus,
    DiseaseSetting,
    InvestigatorRole,
    Phase,
    Publication,
    Registry,
    Status,
)
from .event import PublicTrialState, TrialEvent, TrialEventKind, TrialEventQuerySet
from .glossary import GlossaryTerm, GlossaryTermQuerySet
from .people import Investigator, Organisation, TrialInvestigator
from .registry import (
    REGISTRY_FORMATS,
    REGISTRY_URLS,
    RegistryNumber,
    normalise_registry_value,
)
from .trial import RICH_TEXT_FIELDS, Trial, TrialQuerySet

__all__ = [
    "OPEN_STATUSES",
    "REGISTRY_FORMATS",
    "REGISTRY_URLS",
    "RICH_TEXT_FIELDS",
    "STATUS_REGISTRY_TERMS",
    "Approval",
    "ApprovalKind",
    "Arm",
    "ArmStatus",
    "CancerType",
    "CancerTypeQuerySet",
    "DiseaseSetting",
    "GlossaryTerm",
    "GlossaryTermQuerySet",
    "Investigator",
    "InvestigatorRole",
    "Organisation",
    "Phase",
    "Publication",
    "PublicTrialState",
    "Registry",
    "RegistryNumber",
    "Status",
    "Trial",
    "TrialEvent",
    "TrialEventKind",
    "TrialEventQuerySet",
    "TrialInvestigator",
    "TrialQuerySet",
    "arrange_in_groups",
    "count_trials_by_cancer_type",
    "normalise_registry_value",
]
