"""Subscriptions of "email me when this changes": an email address, what it follows, and
how far its emails have got. An address lives only as long as its subscriptions: it is
deleted with them, and an unconfirmed one after CONFIRMATION_WINDOW."""

import datetime
import hashlib

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trials.models import CancerType, Trial

CONFIRMATION_WINDOW = datetime.timedelta(days=7)
DIGEST_INTERVAL = datetime.timedelta(days=1)
CONFIRM_SALT = "follow.confirm"
UNSUBSCRIBE_SALT = "follow.unsubscribe"


def normalise_email(address: str) -> str:
    return address.strip().lower()


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_expired(self, now: datetime.datetime | None = None):
        now = now or timezone.now()
        return self.filter(confirmed_at__isnull=True, requested_at__lte=now - CONFIRMATION_WINDOW)

    def for_target(self, target):
        if isinstance(target, Trial):
            return self.filter(trial=target)
        return self.filter(cancer_type=target)


class Subscription(models.Model):
    email = models.EmailField(_("email address"))
    # Emails go out in the language the visitor used when subscribing.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # related_name="+": the trials app never needs to know who follows what.
    trial = models.ForeignKey(
        Trial,
        verbose_name=_("trial"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    cancer_type = models.ForeignKey(
        CancerType,
        verbose_name=_("cancer type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # TrialEvents up to this id were sent, or happened before the subscription began.
    last_event_id = models.PositiveBigIntegerField(default=0)
    last_digest_at = models.DateTimeField(_("last email"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(trial__isnull=False, cancer_type__isnull=True)
                | Q(trial__isnull=True, cancer_type__isnull=False),
                name="subscription_follows_one_thing",
            ),
            models.UniqueConstraint(
                fields=["email", "trial"],
                condition=Q(trial__isnull=False),
                name="subscription_once_per_trial",
            ),
            models.UniqueConstraint(
                fields=["email", "cancer_type"],
                condition=Q(cancer_type__isnull=False),
                name="subscription_once_per_cancer_type",
            ),
        ]
        indexes = [models.Index(fields=["confirmed_at", "requested_at"])]

    def __str__(self):
        return str(self.target)

    @property
    def target(self):
        return self.trial if self.trial_id else self.cancer_type

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    # Signed links: they carry the subscription's id and a digest of its address (never
    # the address itself, which would end up in server logs).

    def _payload(self, scope: str = "") -> list:
        digest = hashlib.blake2b(self.email.encode(), digest_size=8).hexdigest()
        return [self.pk, digest, scope] if scope else [self.pk, digest]

    def confirm_url(self) -> str:
        token = signing.dumps(self._payload(), salt=CONFIRM_SALT)
        return reverse("follow:confirm", kwargs={"token": token})

    def unsubscribe_url(self, *, everything: bool = False) -> str:
        token = signing.dumps(self._payload("all" if everything else "one"), salt=UNSUBSCRIBE_SALT)
        return reverse("follow:unsubscribe", kwargs={"token": token})

    @classmethod
    def from_token(cls, token: str, *, salt: str, max_age=None) -> tuple["Subscription", str]:
        """The subscription a signed link names, and its scope ("one", "all" or "").
        Raises signing.BadSignature (SignatureExpired included) or DoesNotExist."""
        payload = signing.loads(token, salt=salt, max_age=max_age)
        if not isinstance(payload, list) or len(payload) not in (2, 3):
            raise signing.BadSignature("Unexpected payload")
        subscription = cls.objects.select_related("trial", "cancer_type").get(pk=payload[0])
        if subscription._payload()[1] != payload[1]:
            raise cls.DoesNotExist
        return subscription, payload[2] if len(payload) == 3 else ""

    def confirm(self) -> None:
        if self.confirmed_at is None:
            from trials.models import TrialEvent

            # Only what happens from now on: no email about older changes.
            newest = TrialEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
            self.confirmed_at = timezone.now()
            self.last_event_id = newest or 0
            self.save(update_fields=["confirmed_at", "last_event_id"])
