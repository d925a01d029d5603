"""Totals: exact for a centre's collection, "about" above TRIALPORTAL_EXACT_COUNTS_UP_TO,
where counting every matching trial of a registry on each request costs more than it tells."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from trials.models import Trial
from trials.paging import count_or_estimate, round_for_people

from .factories import CancerTypeFactory, TrialFactory

LIST_URL = reverse("trials:list")
SOLID_TUMORS_URL = reverse("trials:cancer_type", kwargs={"slug": "solid-tumors"})
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="estimates come from PostgreSQL's planner"
)


@pytest.fixture
def five_trials(db):
    solid = CancerTypeFactory(name="Solid tumors", slug="solid-tumors")
    return TrialFactory.create_batch(5, cancer_types=[solid])


def test_counts_up_to_the_limit_are_exact(client, settings, five_trials):
    settings.TRIALPORTAL_EXACT_COUNTS_UP_TO = 5

    response = client.get(LIST_URL)

    assert "5 trials found" in response.text
    assert "About" not in response.text
    assert client.get(SOLID_TUMORS_URL).context["page_obj"].paginator.count == 5
    api = client.get("/api/v1/trials/").json()
    assert (api["count"], api["count_is_estimate"]) == (5, False)


def test_filtered_counts_are_exact_too(client, settings, five_trials):
    settings.TRIALPORTAL_EXACT_COUNTS_UP_TO = 6
    TrialFactory(short_name="DRAFT", publication="draft")
    TrialFactory(short_name="CLOSED", status="completed")

    response = client.get(LIST_URL, {"status": "completed"})

    assert "1 trial found" in response.text
    assert count_or_estimate(Trial.objects.published()) == (6, False)


@postgresql_only
def test_above_the_limit_the_total_is_about_an_estimate(client, settings, five_trials):
    settings.TRIALPORTAL_EXACT_COUNTS_UP_TO = 3

    response = client.get(SOLID_TUMORS_URL)

    found = re.search(r"About ([\d,]+) trials", response.text)
    assert found, "the total is marked as an estimate"
    assert int(found.group(1).replace(",", "")) >= 4  # never below what was counted
    assert response.context["page_obj"].paginator.is_estimate
    api = client.get("/api/v1/trials/").json()
    assert api["count_is_estimate"] is True


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no estimates")
def test_without_estimates_the_total_stays_exact_above_the_limit(client, settings, five_trials):
    settings.TRIALPORTAL_EXACT_COUNTS_UP_TO = 3

    response = client.get(SOLID_TUMORS_URL)

    assert "5 trials" in response.text
    assert "About" not in response.text


def test_the_finder_total_is_always_exact(client, settings, five_trials):
    # The finder counts its results in the query that counts every option's trials
    # (trials.filters.FacetCounts): an exact total costs nothing more there.
    settings.TRIALPORTAL_EXACT_COUNTS_UP_TO = 3

    response = client.get(LIST_URL)

    assert "5 trials found" in response.text
    assert "Show 5 trials" in response.text
    assert "About" not in response.text


@pytest.mark.parametrize(
    ("number", "shown"),
    [(7, 7), (99, 99), (123, 120), (13_722, 14_000), (90_163, 90_000), (549_999, 550_000)],
)
def test_estimates_are_rounded_to_two_figures(number, shown):
    assert round_for_people(number) == shown
