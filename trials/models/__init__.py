"""Trialportal's models, one module per concept; everything is importable from here."""

from .address import CancerTypeAddress, TrialAddress
from .approval import Approval
from .arm import Arm
from .cancer_type import (
    CancerType,
    CancerTypeQuerySet,
    arrange_in_groups,
    by_cancer_type,
    count_trials_by_cancer_type,
    tag_ids_counting_for,
    tags_counting_for,
)
from .choices import (
    OPEN_CHANGE_STATES,
    OPEN_STATUSES,
    PHASE_EXPLANATIONS,
    STATUS_EXPLANATIONS,
    STATUS_GROUPS,
    STATUS_REGISTRY_TERMS,
    UNDER_REVIEW,
    ApprovalKind,
    ArmStatus,
    ChangeState,
    DatePrecision,
    DiseaseSetting,
    FontScope,
    InvestigatorRole,
    Phase,
    Publication,
    ReceivedHow,
    Registry,
    RegistryChangeKind,
    RegistryChangeState,
    Status,
    StatusGroup,
    TrialEventKind,
)
from .content_version import PRIVATE_TABLES, PUBLIC_TABLES, ContentVersion
from .event import PublicTrialState, TrialEvent, TrialEventQuerySet
from .glossary import GlossaryTerm, GlossaryTermQuerySet
from .moderation import ChangeRequest
from .people import Investigator, Organisation, TrialInvestigator
from .registry import (
    REGISTRY_FORMATS,
    REGISTRY_URLS,
    RegistryNumber,
    normalise_registry_value,
    registry_number_candidates,
)
from .registry_watch import ConditionMapping, PendingRegistryChange, RegistryRecord
from .search_document import SearchDocument
from .site import Contact, SiteSettings, tel_href
from .trial import Trial, TrialQuerySet, in_cancer_types, open_first_rank
from .vocabulary import SpellingVariant

__all__ = [
    "PRIVATE_TABLES",
    "PUBLIC_TABLES",
    "ContentVersion",
    "OPEN_CHANGE_STATES",
    "OPEN_STATUSES",
    "PHASE_EXPLANATIONS",
    "REGISTRY_FORMATS",
    "REGISTRY_URLS",
    "STATUS_EXPLANATIONS",
    "STATUS_GROUPS",
    "STATUS_REGISTRY_TERMS",
    "UNDER_REVIEW",
    "Approval",
    "ApprovalKind",
    "Arm",
    "ArmStatus",
    "CancerType",
    "CancerTypeAddress",
    "CancerTypeQuerySet",
    "ChangeRequest",
    "ChangeState",
    "ConditionMapping",
    "Contact",
    "DatePrecision",
    "DiseaseSetting",
    "FontScope",
    "GlossaryTerm",
    "GlossaryTermQuerySet",
    "Investigator",
    "InvestigatorRole",
    "Organisation",
    "PendingRegistryChange",
    "Phase",
    "Publication",
    "PublicTrialState",
    "ReceivedHow",
    "Registry",
    "RegistryChangeKind",
    "RegistryChangeState",
    "RegistryNumber",
    "RegistryRecord",
    "SiteSettings",
    "SpellingVariant",
    "Status",
    "StatusGroup",
    "SearchDocument",
    "Trial",
    "TrialAddress",
    "TrialEvent",
    "TrialEventKind",
    "TrialEventQuerySet",
    "TrialInvestigator",
    "TrialQuerySet",
    "arrange_in_groups",
    "by_cancer_type",
    "count_trials_by_cancer_type",
    "tag_ids_counting_for",
    "in_cancer_types",
    "normalise_registry_value",
    "open_first_rank",
    "registry_number_candidates",
    "tags_counting_for",
    "tel_href",
]
