"""Fields several models declare the same way."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from ..ages import MAX_AGE_MONTHS


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
