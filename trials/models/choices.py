"""The stable codes behind every choice the models offer, with labels people understand."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn (kept, not public)")


# Trials whose page is kept under the review cycle (trials.review). A withdrawn trial is not
# public, so there is nothing to keep current until it is published again.
UNDER_REVIEW = frozenset({Publication.DRAFT, Publication.PUBLISHED})


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


class StatusGroup(models.TextChoices):
    """What a status means for a family, in six groups that each look different on the page
    (static/css/site.css: a symbol, a colour and a border style, never colour alone).
    In the order the finder lists trials by default: open ones first."""

    OPEN = "open", _("Open")
    BY_INVITATION = "by_invitation", _("By invitation only")
    NOT_YET_OPEN = "not_yet_open", _("Not yet open")
    PAUSED = "paused", _("Temporarily closed")
    UNCONFIRMED = "unconfirmed", _("Status not confirmed")
    CLOSED = "closed", _("Closed or completed")

    @property
    def explanation(self) -> str:
        return STATUS_GROUP_EXPLANATIONS[self]


STATUS_GROUPS = {
    Status.RECRUITING: StatusGroup.OPEN,
    Status.ENROLLING_BY_INVITATION: StatusGroup.BY_INVITATION,
    Status.NOT_YET_RECRUITING: StatusGroup.NOT_YET_OPEN,
    Status.SUSPENDED: StatusGroup.PAUSED,
    Status.UNKNOWN: StatusGroup.UNCONFIRMED,
    Status.ACTIVE_NOT_RECRUITING: StatusGroup.CLOSED,
    Status.TERMINATED: StatusGroup.CLOSED,
    Status.COMPLETED: StatusGroup.CLOSED,
    Status.WITHDRAWN: StatusGroup.CLOSED,
}

STATUS_GROUP_EXPLANATIONS = {
    StatusGroup.OPEN: _("New patients can take part."),
    StatusGroup.BY_INVITATION: _(
        "Only children invited by their treating doctor can take part; ask the doctor."
    ),
    StatusGroup.NOT_YET_OPEN: _("Approved, but not taking patients yet."),
    StatusGroup.PAUSED: _("Not taking new patients for now; it may open again."),
    StatusGroup.UNCONFIRMED: _(
        "Our staff have not yet confirmed whether this trial is open at our centre. "
        "Please ask the trial office."
    ),
    StatusGroup.CLOSED: _(
        "Not taking new patients: the places are filled, or the trial has stopped or ended."
    ),
}

# A sentence per status for the trial page, more precise than its group's.
STATUS_EXPLANATIONS = {
    Status.NOT_YET_RECRUITING: STATUS_GROUP_EXPLANATIONS[StatusGroup.NOT_YET_OPEN],
    Status.RECRUITING: STATUS_GROUP_EXPLANATIONS[StatusGroup.OPEN],
    Status.ENROLLING_BY_INVITATION: STATUS_GROUP_EXPLANATIONS[StatusGroup.BY_INVITATION],
    Status.ACTIVE_NOT_RECRUITING: _(
        "No new patients can take part; the children already in the trial continue."
    ),
    Status.SUSPENDED: STATUS_GROUP_EXPLANATIONS[StatusGroup.PAUSED],
    Status.TERMINATED: _("The trial stopped early. No new patients can take part."),
    Status.COMPLETED: _("The trial has finished. No new patients can take part."),
    Status.WITHDRAWN: _("The trial stopped before anyone took part."),
    Status.UNKNOWN: STATUS_GROUP_EXPLANATIONS[StatusGroup.UNCONFIRMED],
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

    @property
    def explanation(self) -> str:
        return PHASE_EXPLANATIONS[self]


# What each phase means, in the words of the glossary's "phase".
PHASE_EXPLANATIONS = {
    Phase.EARLY_PHASE_1: _("A first, small study of a new treatment in a few patients."),
    Phase.PHASE_1: _("Looks at how safe a new treatment is and which dose to give."),
    Phase.PHASE_1_2: _("First looks for a safe dose of a new treatment, then at whether it works."),
    Phase.PHASE_2: _("Looks at whether a treatment works against a certain cancer."),
    Phase.PHASE_2_3: _(
        "Looks at whether a treatment works, then compares it with the standard treatment."
    ),
    Phase.PHASE_3: _("Compares a treatment with the standard treatment."),
    Phase.PHASE_4: _("Studies a treatment that is already approved, in more patients."),
    Phase.NOT_APPLICABLE: _("This study does not test a medicine in steps, so it has no phase."),
}


class DiseaseSetting(models.TextChoices):
    NEWLY_DIAGNOSED = "newly_diagnosed", _("Newly diagnosed")
    RELAPSED_REFRACTORY = "relapsed_refractory", _("Relapsed or refractory")
    BOTH = "both", _("Newly diagnosed or relapsed/refractory")
    OTHER = "other", _("Other")


class DatePrecision(models.TextChoices):
    """How much of a date the registry gave: "2018-04" is a month, not April 1st."""

    DAY = "day", _("day")
    MONTH = "month", _("month only")
    YEAR = "year", _("year only")


class ArmStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for inclusion")
    CLOSED = "closed", _("Closed for inclusion")


class InvestigatorRole(models.TextChoices):
    LOCAL_PRINCIPAL_INVESTIGATOR = "local_pi", _("Local principal investigator")
    CO_INVESTIGATOR = "co_investigator", _("Co-investigator")
    STUDY_COORDINATOR = "coordinator", _("Study coordinator")
    RESEARCH_NURSE = "research_nurse", _("Research nurse")
    # The registry's overall officials (study chair, principal investigator, director).
    STUDY_LEADER = "study_leader", _("Study leader")


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


class ChangeState(models.TextChoices):
    WAITING = "waiting", _("Waiting for approval")
    SENT_BACK = "sent_back", _("Sent back")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Replaced by a later version")
    DISCARDED = "discarded", _("Discarded")


# A trial has at most one open change: its working copy, which everyone who opens the
# trial's form sees and goes on editing.
OPEN_CHANGE_STATES = (ChangeState.WAITING, ChangeState.SENT_BACK)


class TrialEventKind(models.TextChoices):
    PUBLISHED = "published", _("New trial published")
    OPENED = "opened", _("Opened for inclusion")
    CLOSED = "closed", _("Closed for inclusion")
    ARM_OPENED = "arm_opened", _("Study arm opened")
    ARM_CLOSED = "arm_closed", _("Study arm closed")


# The registry watch (registry_watch.py): how a record came in, and what became of each
# difference between it and our page.


class ReceivedHow(models.TextChoices):
    FILE = "file", _("read from a file")
    UPLOAD = "upload", _("uploaded in the admin")
    FETCH = "fetch", _("fetched from ClinicalTrials.gov")


class RegistryChangeKind(models.TextChoices):
    FIELD = "field", _("field")
    ARM_ADDED = "arm_added", _("arm added")
    ARM_REMOVED = "arm_removed", _("arm removed")
    NUMBER_ADDED = "number_added", _("registry number added")


class RegistryChangeState(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    DISMISSED = "dismissed", _("dismissed")
    SETTLED = "settled", _("no longer different")


# The centre's settings (site.py): which text the centre's own web font is used for.


class FontScope(models.TextChoices):
    HEADINGS = "headings", _("Headings and the site name")
    EVERYTHING = "everything", _("All text")
