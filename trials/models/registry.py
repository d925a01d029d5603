"""Registry numbers (EudraCT, EU CT, NCT, ISRCTN): their formats and where they link."""

import re
import unicodedata

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Registry
from .fields import parent_trial

# ASCII digits only (Python's \d also accepts "٠" or "０", which no registry issues), and
# anchored with \A...\Z ("$" would let a trailing newline through).
REGISTRY_FORMATS = {
    Registry.EUDRACT: (re.compile(r"\A[0-9]{4}-[0-9]{6}-[0-9]{2}\Z"), "2016-000133-40"),
    Registry.EU_CT: (re.compile(r"\A[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}\Z"), "2024-514791-40-00"),
    Registry.NCT: (re.compile(r"\ANCT[0-9]{8}\Z"), "NCT02813135"),
    Registry.ISRCTN: (re.compile(r"\AISRCTN[0-9]{8}\Z"), "ISRCTN12345678"),
}

REGISTRY_URLS = {
    Registry.EUDRACT: "https://www.clinicaltrialsregister.eu/ctr-search/search?query={value}",
    Registry.EU_CT: "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={value}",
    Registry.NCT: "https://clinicaltrials.gov/study/{value}",
    Registry.ISRCTN: "https://www.isrctn.com/{value}",
}


# Dashes a word processor or another keyboard puts where the registry has a hyphen.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")


def normalise_registry_value(registry: str, value: str) -> str:
    """The number as the registry writes it, whatever was pasted: full-width and other
    compatibility characters folded (NFKC: "ＮＣＴ" is NCT), decimal digits of any script
    as ASCII digits, dashes as hyphens, no spaces; letter prefixes upper-case. Anything
    still not ASCII is left for validation to refuse."""
    value = unicodedata.normalize("NFKC", value or "")
    value = "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in value)
    value = re.sub(r"\s+", "", value.translate(_DASHES))
    if registry in {Registry.NCT, Registry.ISRCTN}:
        value = value.upper()
    return value


# How people type a registry's name before its number: "EudraCT number: ", "EU CT no. ",
# "ClinicalTrials.gov ID ". Matched on the text with its spaces removed, upper-cased.
REGISTRY_NAME_PREFIX = re.compile(
    r"^(?:EUDRACT|EU-?CT|CTIS|CLINICALTRIALS(?:\.GOV)?|ISRCTN|NCT)"
    r"(?:NUMBER|NO\.?|NR\.?|ID|IDENTIFIER)?[:#.-]*"
)
# NCT and ISRCTN numbers keep their letters: "nct 02813135" and "NCT: 02813135" are
# NCT02813135.
LETTERED_NUMBER = re.compile(r"^(NCT|ISRCTN)(?:NUMBER|NO\.?|NR\.?|ID)?[:#.-]*(\d{8})$")


def registry_number_candidates(text: str) -> set[str]:
    """What `text` may be as a stored registry number: "EudraCT 2016-000133-40" ->
    2016-000133-40, "nct 02813135" -> NCT02813135. Also the text itself, compacted."""
    # Folded as stored numbers are (full-width digits, dashes), upper-case, no spaces.
    compact = normalise_registry_value(Registry.NCT, text).strip(".,;:#")
    candidates = {compact, REGISTRY_NAME_PREFIX.sub("", compact)}
    if match := LETTERED_NUMBER.match(compact):
        candidates.add(match[1] + match[2])
    return {candidate for candidate in candidates if candidate}


@reversion.register()
class RegistryNumber(models.Model):
    trial = parent_trial("registry_numbers")
    registry = models.CharField(_("registry"), max_length=20, choices=Registry)
    value = models.CharField(_("number"), max_length=40)

    class Meta:
        ordering = ["registry", "value"]
        verbose_name = _("registry number")
        verbose_name_plural = _("registry numbers")
        # A search looks up the number the text may be, whatever its registry (the
        # unique constraint's index starts with the registry).
        indexes = [models.Index(fields=["value"], name="registry_number_by_value")]
        constraints = [
            models.UniqueConstraint(
                fields=["trial", "registry"], name="one_number_per_registry_per_trial"
            ),
            models.UniqueConstraint(
                fields=["registry", "value"], name="registry_number_names_one_trial"
            ),
        ]

    def __str__(self):
        return f"{self.get_registry_display()} {self.value}"

    def clean(self):
        self.value = normalise_registry_value(self.registry, self.value)
        if self.registry not in REGISTRY_FORMATS:
            return
        pattern, example = REGISTRY_FORMATS[Registry(self.registry)]
        if not pattern.fullmatch(self.value):
            raise ValidationError(
                {
                    "value": _(
                        "“%(value)s” is not a valid %(registry)s: it should look like %(example)s."
                    )
                    % {
                        "value": self.value,
                        "registry": self.get_registry_display(),
                        "example": example,
                    }
                }
            )

    @property
    def url(self) -> str:
        return REGISTRY_URLS[Registry(self.registry)].format(value=self.value)
