"""What changed in what the public sees of a trial: the status-changes feed and "email me
when this changes" read these records. trials.events writes them, from the
`public_trial_changed` signal only, so a change awaiting approval never makes one."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Publication, Status, TrialEventKind
from .fields import parent_trial


class TrialEventQuerySet(models.QuerySet):
    def public(self):
        """Events of trials the public can see now: a withdrawn trial's events go with it."""
        return self.filter(trial__publication=Publication.PUBLISHED)

    def newest_first(self):
        return self.order_by("-occurred_at", "-pk")


class TrialEvent(models.Model):
    trial = parent_trial("events")
    kind = models.CharField(_("what happened"), max_length=20, choices=TrialEventKind)
    # The trial's status after the change ("opened" and "closed" name the new status).
    status = models.CharField(_("status"), max_length=30, choices=Status, blank=True)
    arm_name = models.CharField(_("study arm"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = TrialEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("trial event")
        verbose_name_plural = _("trial events")
        indexes = [models.Index(fields=["-occurred_at", "-id"], name="trial_event_newest")]

    def __str__(self):
        return self.headline

    @property
    def headline(self) -> str:
        """One sentence a family understands, in the active language."""
        trial = self.trial.short_name
        if self.kind == TrialEventKind.PUBLISHED:
            return _("New trial: %(trial)s") % {"trial": trial}
        if self.kind == TrialEventKind.OPENED:
            return _("%(trial)s is now open for inclusion") % {"trial": trial}
        if self.kind == TrialEventKind.CLOSED:
            return _("%(trial)s is now closed for inclusion (%(status)s)") % {
                "trial": trial,
                "status": self.get_status_display(),
            }
        if self.kind == TrialEventKind.ARM_OPENED:
            return _("%(trial)s: study arm “%(arm)s” is now open for inclusion") % {
                "trial": trial,
                "arm": self.arm_name,
            }
        return _("%(trial)s: study arm “%(arm)s” is now closed for inclusion") % {
            "trial": trial,
            "arm": self.arm_name,
        }


class PublicTrialState(models.Model):
    """The last public state of a trial that trials.events recorded: what the next change
    is compared with. Only what events are made of is kept."""

    trial = models.OneToOneField(
        "Trial",
        verbose_name=_("trial"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="recorded_state",
    )
    is_public = models.BooleanField(_("public"), default=False)
    status = models.CharField(_("status"), max_length=30, choices=Status, blank=True)
    # {arm id: arm name} of the arms open for inclusion.
    open_arms = models.JSONField(_("open study arms"), default=dict, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("recorded public state")
        verbose_name_plural = _("recorded public states")

    def __str__(self):
        return str(self.trial_id)
