"""The stable codes behind every choice on a trial page, with labels families understand."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class ArmStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for inclusion")
    CLOSED = "closed", _("Closed for inclusion")


class InvestigatorRole(models.TextChoices):
    LOCAL_PRINCIPAL_INVESTIGATOR = "local_pi", _("Local principal investigator")
    CO_INVESTIGATOR = "co_investigator", _("Co-investigator")
    STUDY_COORDINATOR = "coordinator", _("Study coordinator")
    RESEARCH_NURSE = "research_nurse", _("Research nurse")


class ApprovalKind(models.TextChoices):
    ETHICS = "ethics", _("Medical research ethics committee")
    COMPETENT_AUTHORITY = "authority", _("Competent authority")
    INSTITUTION = "institution", _("Institutional approval")
    OTHER = "other", _("Other")


class Registry(models.TextChoices):
    EUDRACT = "eudract", _("EudraCT number")
    EU_CT = "eu_ct", _("EU CT number (CTIS)")
    NCT = "nct", _("ClinicalTrials.gov identifier")
    ISRCTN = "isrctn", _("ISRCTN")
