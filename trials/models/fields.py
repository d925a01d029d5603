"""Fields several models declare the same way."""

from django.conf import settings
from django.db import models


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
