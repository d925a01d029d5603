"""Atom feeds: every published trial, a cancer type's trials (a group includes its types),
and the status changes (trials opening, closing, arms opening and closing, new trials).
Only published trials appear: drafts, withdrawn trials and changes awaiting approval never do."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import CancerType, Trial, TrialEvent

FEED_LENGTH = 50


class PortalFeed(Feed):
    """An Atom feed whose web page is the finder, at the address named `url_name`."""

    feed_type = Atom1Feed
    url_name = ""

    def link(self):
        return reverse("trials:list")

    def feed_url(self):
        return reverse(self.url_name)


class TrialsFeed(PortalFeed):
    """All published trials, the most recently changed first."""

    url_name = "trials:feed"

    def title(self):
        return _("Clinical trials at the %(centre)s") % {"centre": settings.TRIALPORTAL_CENTRE_NAME}

    def subtitle(self):
        return _("Clinical trials for children and teenagers with cancer, newest changes first.")

    def trials(self):
        return Trial.objects.published().with_listing_relations()

    def items(self):
        return self.trials().order_by("-updated_at", "pk")[:FEED_LENGTH]

    def item_title(self, trial):
        return str(trial)

    def item_description(self, trial):
        return f"{trial.get_status_display()}. {trial.summary}"

    def item_updateddate(self, trial):
        return trial.updated_at

    def item_pubdate(self, trial):
        return trial.published_at or trial.created_at

    def item_categories(self, trial):
        return [cancer_type.name for cancer_type in trial.cancer_types.all()]

    def item_author_name(self, trial):
        return trial.sponsor.name if trial.sponsor else None


class CancerTypeFeed(TrialsFeed):
    """A cancer type's published trials, by the finder's rule (a group includes its types,
    a type includes trials for its whole group)."""

    def get_object(self, request, slug):
        return get_object_or_404(CancerType, slug=slug)

    def title(self, cancer_type):
        return _("Clinical trials for %(name)s at the %(centre)s") % {
            "name": cancer_type.name,
            "centre": settings.TRIALPORTAL_CENTRE_NAME,
        }

    def subtitle(self, cancer_type):
        return _("Published trials for %(name)s, newest changes first.") % {
            "name": cancer_type.name
        }

    def link(self, cancer_type):
        return cancer_type.get_absolute_url()

    def feed_url(self, cancer_type):
        return reverse("trials:feed_cancer_type", kwargs={"slug": cancer_type.slug})

    def items(self, cancer_type):
        return (
            self.trials().in_cancer_types([cancer_type]).order_by("-updated_at", "pk")[:FEED_LENGTH]
        )


class StatusChangesFeed(PortalFeed):
    """What changed for families: a trial opened or closed for inclusion, an arm opened or
    closed, a new trial was published. Events of trials no longer public are left out."""

    url_name = "trials:feed_changes"

    def title(self):
        return _("Trials opening and closing at the %(centre)s") % {
            "centre": settings.TRIALPORTAL_CENTRE_NAME
        }

    def subtitle(self):
        return _("New trials, and trials or study arms opening or closing for inclusion.")

    def items(self):
        return TrialEvent.objects.public().newest_first().select_related("trial")[:FEED_LENGTH]

    def item_title(self, event):
        return event.headline

    def item_description(self, event):
        trial = event.trial
        return f"{trial}: {trial.get_status_display()}. {trial.one_line_summary}"

    def item_link(self, event):
        return event.trial.get_absolute_url()

    def item_guid(self, event):
        # Stable and unique per event (several events share the trial's address).
        return f"urn:trialportal:trial-event:{event.pk}"

    def item_guid_is_permalink(self, event):
        return False

    def item_updateddate(self, event):
        return event.occurred_at

    def item_pubdate(self, event):
        return event.occurred_at
