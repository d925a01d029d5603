"""The finder's search, repeated on the public registries for a family looking further:
addresses of the same search on ClinicalTrials.gov and the EU Clinical Trials Register,
built from the active filters. Only links are made; nothing is fetched."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from .models import OPEN_STATUSES, Phase, Status

CTGOV_SEARCH = "https://clinicaltrials.gov/search"
EUCTR_SEARCH = "https://www.clinicaltrialsregister.eu/ctr-search/search"
ADULT_AGE_YEARS = 18

# ClinicalTrials.gov's codes in its search address (aggFilters=status:rec,phase:1 2).
CTGOV_STATUSES = {
    Status.NOT_YET_RECRUITING: "not",
    Status.RECRUITING: "rec",
    Status.ENROLLING_BY_INVITATION: "enr",
    Status.ACTIVE_NOT_RECRUITING: "act",
    Status.SUSPENDED: "sus",
    Status.TERMINATED: "ter",
    Status.COMPLETED: "com",
    Status.WITHDRAWN: "wit",
    Status.UNKNOWN: "unk",
}
CTGOV_PHASES = {
    Phase.EARLY_PHASE_1: ["0"],
    Phase.PHASE_1: ["1"],
    Phase.PHASE_1_2: ["1", "2"],
    Phase.PHASE_2: ["2"],
    Phase.PHASE_2_3: ["2", "3"],
    Phase.PHASE_3: ["3"],
    Phase.PHASE_4: ["4"],
}
# The EU Clinical Trials Register's words (status=ongoing, phase=phase-one).
EUCTR_STATUSES = {
    Status.RECRUITING: "ongoing",
    Status.ENROLLING_BY_INVITATION: "ongoing",
    Status.ACTIVE_NOT_RECRUITING: "ongoing",
    Status.SUSPENDED: "temporarily-halted",
    Status.TERMINATED: "prematurely-ended",
    Status.COMPLETED: "completed",
}
# The Register's phases are ClinicalTrials.gov's numbers in words (early phase 1: phase one).
EUCTR_PHASE_WORDS = {
    "0": "phase-one",
    "1": "phase-one",
    "2": "phase-two",
    "3": "phase-three",
    "4": "phase-four",
}


@dataclass(frozen=True)
class SearchTerms:
    """The finder's filters as the registries understand them."""

    conditions: list[str]  # cancer type names
    text: str = ""
    age_years: int | None = None
    statuses: list[str] | None = None
    open_only: bool = False
    phases: list[str] | None = None

    @property
    def for_children(self) -> bool:
        # The centre treats children: without an age, look for children's trials.
        return self.age_years is None or self.age_years < ADULT_AGE_YEARS

    @property
    def chosen_statuses(self) -> list[str]:
        statuses = list(self.statuses or Status.values)
        if self.open_only:
            statuses = [status for status in statuses if status in OPEN_STATUSES]
        return statuses if (self.statuses or self.open_only) else []

    @property
    def phase_numbers(self) -> list[str]:
        """The chosen phases as ClinicalTrials.gov numbers them ("1", "2"), each once."""
        return _unique(code for phase in self.phases or [] for code in CTGOV_PHASES.get(phase, []))


@dataclass(frozen=True)
class RegistrySearch:
    name: str
    url: str


def _unique(items):
    return list(dict.fromkeys(items))


def ctgov_search_url(terms: SearchTerms) -> str:
    filters = ["ages:child" if terms.for_children else "ages:adult"]
    if statuses := _unique(CTGOV_STATUSES[Status(s)] for s in terms.chosen_statuses):
        filters.append("status:" + " ".join(statuses))
    if phases := terms.phase_numbers:
        filters.append("phase:" + " ".join(phases))
    query = {}
    if terms.conditions:
        query["cond"] = " OR ".join(terms.conditions)
    if terms.text:
        query["term"] = terms.text
    query["aggFilters"] = ",".join(filters)
    return f"{CTGOV_SEARCH}?{urlencode(query)}"


def euctr_search_url(terms: SearchTerms) -> str:
    query = [("query", " OR ".join(terms.conditions) or terms.text)]
    query.append(("age", "under-18" if terms.for_children else "adult"))
    for status in _unique(
        EUCTR_STATUSES[Status(s)] for s in terms.chosen_statuses if s in EUCTR_STATUSES
    ):
        query.append(("status", status))
    phases = _unique(EUCTR_PHASE_WORDS[number] for number in terms.phase_numbers)
    query.extend(("phase", word) for word in phases)
    return f"{EUCTR_SEARCH}?{urlencode(query)}"


def registry_searches(terms: SearchTerms) -> list[RegistrySearch]:
    return [
        RegistrySearch(name=str(_("ClinicalTrials.gov")), url=ctgov_search_url(terms)),
        RegistrySearch(name=str(_("EU Clinical Trials Register")), url=euctr_search_url(terms)),
    ]
