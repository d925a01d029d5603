import pytest

from .factories import CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db


def test_home_lists_groups_and_types_with_trial_counts(client, solid_tumors, neuroblastoma):
    TrialFactory(cancer_types=[neuroblastoma])
    TrialFactory(cancer_types=[solid_tumors])
    TrialFactory(cancer_types=[neuroblastoma], publication="draft")
    response = client.get("/en/")
    text = response.text
    assert response.status_code == 200
    assert "Browse by cancer type" in text
    assert '<a href="/en/cancer-types/solid-tumors/">Solid tumors</a>' in text
    assert "2 trials" in text  # the group counts its types' trials, not the draft
    assert '<a href="/en/cancer-types/neuroblastoma/">Neuroblastoma</a>' in text
    # The neuroblastoma trial, and the trial for all solid tumours.
    assert response.context["cancer_type_groups"][0].types[0].trial_count == 2
    assert "See all 2 trials" in text


def test_home_with_no_content_still_works(client, db):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "No cancer types have been set up yet." in response.text


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("type_count", [2, 12])
def test_home_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, type_count, language
):
    group = CancerTypeFactory(name="Solid tumors")
    for number in range(type_count):
        TrialFactory(cancer_types=[CancerTypeFactory(name=f"Type {number}", parent=group)])
    # The version of public content (trials.freshness), cancer types, their counts (and
    # with them the total) and the centre's settings (contact, look).
    with django_assert_num_queries(4):
        client.get(f"/{language}/")
    # A repeat visit comes from the page cache: only the version is read.
    with django_assert_num_queries(1):
        client.get(f"/{language}/")
