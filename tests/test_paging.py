"""Paging stops at a fixed depth (settings.TRIALPORTAL_MAX_RESULTS_PAGED), says so plainly,
and keeps the visitor's filters: page 4,500 of a registry would make the database skip
90,000 rows on every request."""

import pytest
from django.urls import reverse

from .factories import CancerTypeFactory, TrialFactory

LIST_URL = reverse("trials:list")
SOLID_TUMORS_URL = reverse("trials:cancer_type", kwargs={"slug": "solid-tumors"})


@pytest.fixture
def many_trials(db, settings):
    """Nine recruiting trials, four to a page, paged at most six results deep: pages 1
    and 2 can be shown, page 3 exists but is beyond the cap."""
    settings.TRIALPORTAL_PAGE_SIZE = 4
    settings.TRIALPORTAL_MAX_RESULTS_PAGED = 6
    solid = CancerTypeFactory(name="Solid tumors", slug="solid-tumors")
    return [TrialFactory(short_name=f"T-{number}", cancer_types=[solid]) for number in range(9)]


def names(response) -> list[str]:
    return [trial.short_name for trial in response.context["trials"]]


def test_the_finder_stops_at_the_deepest_page_and_says_why(client, many_trials):
    response = client.get(LIST_URL, {"status": "recruiting", "page": "3", "sort": "name"})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert names(response) == ["T-4", "T-5", "T-6", "T-7"]
    assert "Only the first 2 pages can be shown, so here is page 2." in response.text
    # The total is still the true one, and the filters stay in every link.
    assert "9 trials found" in response.text
    assert 'href="?status=recruiting&amp;page=1&amp;sort=name"' in response.text


def test_the_pager_says_pages_stop_and_links_no_deeper(client, many_trials):
    response = client.get(LIST_URL, {"page": "2"})

    assert "Only the first 2 pages can be shown." in response.text
    assert 'rel="next"' not in response.text
    assert "page=3" not in response.text


def test_a_page_that_does_not_exist_at_all_keeps_its_own_message(client, many_trials):
    response = client.get(LIST_URL, {"page": "999999"})

    assert "There is no page 999999; here is page 2, the last one." in response.text


def test_a_short_list_is_not_capped(client, db, settings):
    settings.TRIALPORTAL_PAGE_SIZE = 4
    TrialFactory.create_batch(5)

    response = client.get(LIST_URL, {"page": "2"})

    assert response.context["page_obj"].number == 2
    assert "can be shown" not in response.text


def test_the_pager_leaves_out_the_middle_of_many_pages(client, db, settings):
    settings.TRIALPORTAL_PAGE_SIZE = 1
    TrialFactory.create_batch(30)

    response = client.get(LIST_URL, {"page": "15"})

    links = response.context["page_obj"].page_range
    assert [n for n in links if isinstance(n, int)] == [1, 13, 14, 15, 16, 17, 30]
    assert response.text.count('aria-hidden="true">…<') == 2


def test_the_cancer_type_page_is_capped_the_same_way(client, many_trials):
    response = client.get(SOLID_TUMORS_URL, {"page": "3"})

    assert response.context["page_obj"].number == 2
    assert "Only the first 2 pages can be shown" in response.text


def test_the_api_pages_to_the_cap_and_explains_it(client, many_trials):
    first = client.get("/api/v1/trials/", {"page_size": "4", "status": "recruiting"}).json()

    assert first["count"] == 9
    assert first["pages"] == 2
    assert any("Only the first 6 results can be paged" in m for m in first["messages"])
    second = client.get(first["next"]).json()
    assert second["next"] is None
    assert "status=recruiting" in second["previous"]


def test_the_api_answers_a_page_past_the_cap_in_words(client, many_trials):
    response = client.get("/api/v1/trials/", {"page_size": "4", "page": "3"})

    assert response.status_code == 404
    assert "narrow the filters" in response.json()["detail"]
