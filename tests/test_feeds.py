"""Atom feeds: every published trial, a cancer type's trials, and status changes; drafts,
withdrawn trials and their events never appear."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from trials.events import record_public_change
from trials.models import Publication, Status, Trial, TrialEvent

from .factories import TrialFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own feed
    return feed, [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def age(trial, days):
    Trial.objects.filter(pk=trial.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_trials_feed_lists_published_trials_newest_changes_first(client, solid_tumors):
    old = TrialFactory(short_name="OLD", subtitle="", cancer_types=[solid_tumors])
    new = TrialFactory(short_name="NEW", subtitle="")
    TrialFactory(short_name="DRAFT", publication=Publication.DRAFT)
    TrialFactory(short_name="GONE", publication=Publication.WITHDRAWN)
    age(old, 10)
    age(new, 1)
    feed, items = entries(client, "/en/feed/")
    assert [item["title"] for item in items] == ["NEW", "OLD"]
    assert items[1]["link"] == "http://testserver/en/trials/old/"
    assert items[1]["categories"] == ["Solid tumors"]
    assert items[0]["summary"].startswith("Open for inclusion. What NEW is about")
    assert feed.findtext(f"{ATOM}title") == "Clinical trials at the Princess Máxima Center"


def test_cancer_type_feed_follows_the_finders_rule(client, solid_tumors, neuroblastoma, leukemia):
    TrialFactory(short_name="GROUP", subtitle="", cancer_types=[solid_tumors])
    TrialFactory(short_name="NB", subtitle="", cancer_types=[neuroblastoma])
    TrialFactory(short_name="AML", subtitle="", cancer_types=[leukemia])
    TrialFactory(short_name="NB-DRAFT", cancer_types=[neuroblastoma], publication="draft")
    _, group_items = entries(client, "/en/feed/cancer-types/solid-tumors/")
    _, type_items = entries(client, "/en/feed/cancer-types/neuroblastoma/")
    assert sorted(item["title"] for item in group_items) == ["GROUP", "NB"]
    assert sorted(item["title"] for item in type_items) == ["GROUP", "NB"]
    assert client.get("/en/feed/cancer-types/no-such-type/").status_code == 404


def test_status_changes_feed_tells_what_changed(client, django_capture_on_commit_callbacks):
    trial = TrialFactory(short_name="ESMART", status=Status.SUSPENDED)
    record_public_change(trial.pk)
    trial.status = Status.RECRUITING
    trial.save()
    record_public_change(trial.pk)
    hidden = TrialFactory(short_name="HIDDEN", status=Status.SUSPENDED)
    record_public_change(hidden.pk)
    hidden.status = Status.RECRUITING
    hidden.save()
    record_public_change(hidden.pk)
    hidden.publication = Publication.WITHDRAWN
    hidden.save()
    _, items = entries(client, "/en/feed/changes/")
    assert [item["title"] for item in items] == ["ESMART is now open for inclusion"]
    event = TrialEvent.objects.get(trial=trial)
    assert items[0]["id"] == f"urn:trialportal:trial-event:{event.pk}"
    assert items[0]["link"] == "http://testserver/en/trials/esmart/"


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("trial_count", [2, 12])
def test_feeds_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, solid_tumors, trial_count, language
):
    for _number in range(trial_count):
        trial = TrialFactory(cancer_types=[solid_tumors], status=Status.SUSPENDED)
        record_public_change(trial.pk)
        trial.status = Status.RECRUITING
        trial.save()
        record_public_change(trial.pk)
    # freshness stamp, trials with sponsors, their cancer types.
    with django_assert_num_queries(3):
        client.get(f"/{language}/feed/")
    # + the cancer type.
    with django_assert_num_queries(4):
        client.get(f"/{language}/feed/cancer-types/solid-tumors/")
    # freshness stamp, events with their trials.
    with django_assert_num_queries(2):
        client.get(f"/{language}/feed/changes/")
