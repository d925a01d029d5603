"""Registry numbers (EudraCT, EU CT, NCT, ISRCTN): their formats and where they link."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Registry

REGISTRY_FORMATS = {
    Registry.EUDRACT: (re.compile(r"^\d{4}-\d{6}-\d{2}$"), "2016-000133-40"),
    Registry.EU_CT: (re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}$"), "2024-514791-40-00"),
    Registry.NCT: (re.compile(r"^NCT\d{8}$"), "NCT02813135"),
    Registry.ISRCTN: (re.compile(r"^ISRCTN\d{8}$"), "ISRCTN12345678"),
}

REGISTRY_URLS = {
    Registry.EUDRACT: "https://www.clinicaltrialsregister.eu/ctr-search/search?query={value}",
    Registry.EU_CT: "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={value}",
    Registry.NCT: "https://clinicaltrials.gov/study/{value}",
    Registry.ISRCTN: "https://www.isrctn.com/{value}",
}


def normalise_registry_value(registry: str, value: str) -> str:
    """Strip spaces; registries with letter prefixes are upper-case."""
    value = re.sub(r"\s+", "", value or "")
    if registry in {Registry.NCT, Registry.ISRCTN}:
        value = value.upper()
    return value


class RegistryNumber(models.Model):
    trial = models.ForeignKey(
        "Trial", verbose_name=_("trial"), on_delete=models.CASCADE, related_name="registry_numbers"
    )
    registry = models.CharField(_("registry"), max_length=20, choices=Registry)
    value = models.CharField(_("number"), max_length=40)

    class Meta:
        ordering = ["registry", "value"]
        verbose_name = _("registry number")
        verbose_name_plural = _("registry numbers")
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
        if not pattern.match(self.value):
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
