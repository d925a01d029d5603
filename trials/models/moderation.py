"""Changes awaiting approval: an Editor's version of a published trial, kept apart from the
live page until a Publisher approves it (trials/moderation.py does the work)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_CHANGE_STATES, ChangeState
from .fields import parent_trial, staff_member


class ChangeRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_CHANGE_STATES)

    def waiting(self):
        return self.filter(state=ChangeState.WAITING)

    def sent_back_to(self, user):
        return self.filter(state=ChangeState.SENT_BACK, submitted_by=user)

    def waiting_from(self, user):
        return self.filter(state=ChangeState.WAITING, submitted_by=user)

    def for_panel(self, *, user, can_publish: bool):
        """What the admin index lists: for a Publisher every change waiting for approval,
        for anyone their own changes waiting or sent back. One query."""
        mine = Q(submitted_by=user)
        shown = Q(state=ChangeState.WAITING) if can_publish else Q(state=ChangeState.WAITING) & mine
        shown |= Q(state=ChangeState.SENT_BACK) & mine
        return (
            self.filter(shown)
            .select_related("trial", "submitted_by", "decided_by")
            .order_by("submitted_at")
        )


class ChangeRequest(models.Model):
    """One version of a published trial's content (a django-reversion revision holding the
    trial and its inline rows), waiting for a Publisher, or what became of it."""

    trial = parent_trial("change_requests")
    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="change_request"
    )
    # The live version these changes were made to (through any versions they replaced):
    # what approving them would undo of later live changes is measured from it.
    based_on = models.ForeignKey(
        "reversion.Version", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ChangeState, default=ChangeState.WAITING
    )
    submitted_by = staff_member(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_by = staff_member(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(
        _("comment"), max_length=2000, blank=True, help_text=_("Why the changes were sent back.")
    )

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("change awaiting approval")
        verbose_name_plural = _("changes awaiting approval")
        constraints = [
            models.UniqueConstraint(
                fields=["trial"],
                condition=Q(state__in=OPEN_CHANGE_STATES),
                name="one_open_change_per_trial",
            )
        ]

    def __str__(self):
        return f"{self.trial_id}: {self.get_state_display()}"

    def get_absolute_url(self):
        return reverse("admin:trials_trial_changes", args=[self.trial_id])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CHANGE_STATES

    @property
    def is_waiting(self) -> bool:
        return self.state == ChangeState.WAITING

    def close(self, state: ChangeState, *, user, comment: str = "") -> None:
        self.state = state
        self.decided_by = user
        self.decided_at = timezone.now()
        if comment:
            self.comment = comment
        self.save(update_fields=["state", "decided_by", "decided_at", "comment"])
