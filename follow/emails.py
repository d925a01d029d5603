"""The emails a follower receives, in their own language, each with a one-click way out
(a link, and the List-Unsubscribe headers that mail programs show as a button)."""

import email.policy

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import CONFIRMATION_WINDOW


class FollowEmail(EmailMultiAlternatives):
    def message(self, *, policy=email.policy.default):
        # Headers longer than 78 characters would be folded, and a folded URL becomes
        # RFC 2047 encoded words that mail programs do not read as a List-Unsubscribe
        # link. RFC 5322 allows lines of up to 998 characters.
        return super().message(policy=policy.clone(max_line_length=998))


def absolute(path: str) -> str:
    return settings.TRIALPORTAL_SITE_URL + path


def _send(*, to: str, subject: str, template: str, context: dict, unsubscribe_url: str) -> None:
    """Render `template` (.txt and .html) in the active language and send it."""
    context = {
        **context,
        "centre_name": settings.TRIALPORTAL_CENTRE_NAME,
        "unsubscribe_url": unsubscribe_url,
        "site_url": settings.TRIALPORTAL_SITE_URL,
    }
    message = FollowEmail(
        subject=subject,
        body=render_to_string(f"follow/email/{template}.txt", context),
        to=[to],
        headers={
            # RFC 8058: mail programs offer a button that POSTs here; no login, no form.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"follow/email/{template}.html", context), "text/html"
    )
    message.send()


def send_confirmation(subscription) -> None:
    target = subscription.target
    with translation.override(subscription.language):
        _send(
            to=subscription.email,
            subject=_("Please confirm: email me about %(name)s") % {"name": target},
            template="confirm",
            context={
                "target": target,
                "is_trial": bool(subscription.trial_id),
                "target_url": absolute(target.get_absolute_url()),
                "confirm_url": absolute(subscription.confirm_url()),
                "days": CONFIRMATION_WINDOW.days,
            },
            unsubscribe_url=absolute(subscription.unsubscribe_url()),
        )


def send_digest(sections) -> None:
    """`sections`: (subscription, [TrialEvent, ...]) of one address, oldest events first.
    In the language of the address's latest subscription."""
    subscriptions = [subscription for subscription, _events in sections]
    latest = max(subscriptions, key=lambda subscription: subscription.requested_at)
    with translation.override(latest.language):
        _send(
            to=latest.email,
            subject=_("News about the clinical trials you follow"),
            template="digest",
            context={
                "sections": [
                    {
                        "target": subscription.target,
                        "is_trial": bool(subscription.trial_id),
                        "target_url": absolute(subscription.target.get_absolute_url()),
                        "unsubscribe_url": absolute(subscription.unsubscribe_url()),
                        "events": [
                            {
                                "headline": event.headline,
                                "occurred_at": event.occurred_at,
                                "url": absolute(event.trial.get_absolute_url()),
                            }
                            for event in events
                        ],
                    }
                    for subscription, events in sections
                ],
            },
            unsubscribe_url=absolute(latest.unsubscribe_url(everything=True)),
        )
