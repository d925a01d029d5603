"""Fields several models declare the same way."""

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..ages import MAX_AGE_MONTHS

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()./-]{5,30}$",
    _("Enter a phone number with digits, spaces and + ( ) - only, e.g. +31 88 972 72 72."),
)


def parent_trial(related_name: str) -> models.ForeignKey:
    """The trial a row is part of (an arm, an approval ...): it goes when the trial does."""
    return models.ForeignKey(
        "Trial", verbose_name=_("trial"), on_delete=models.CASCADE, related_name=related_name
    )


def staff_member(verbose_name) -> models.ForeignKey:
    """The staff member who did something (published, reviewed, approved ...): kept as a
    record, emptied rather than lost when their account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


def age_limit(verbose_name, help_text) -> models.PositiveIntegerField:
    """A lower or upper age limit, in months; empty for none."""
    return models.PositiveIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AGE_MONTHS)],
        help_text=help_text,
    )


def phone_number(verbose_name) -> models.CharField:
    """A number families may call (the trial office's, a trial's own contact), optional."""
    return models.CharField(verbose_name, max_length=40, blank=True, validators=[phone_validator])
