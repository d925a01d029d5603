import pytest

from .factories import CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db


def test_group_page_describes_the_group_and_lists_its_types_trials(
    client, solid_tumors, neuroblastoma
):
    solid_tumors.description = "Tumours that grow as a lump outside the brain."
    solid_tumors.save()
    TrialFactory(short_name="NBL-1", cancer_types=[neuroblastoma])
    TrialFactory(short_name="SOLID-1", cancer_types=[solid_tumors])
    TrialFactory(short_name="HIDDEN", cancer_types=[neuroblastoma], publication="draft")
    response = client.get("/en/cancer-types/solid-tumors/")
    assert response.status_code == 200
    assert "Tumours that grow as a lump outside the brain." in response.text
    assert [trial.short_name for trial in response.context["trials"]] == ["NBL-1", "SOLID-1"]
    assert '<a href="/en/cancer-types/neuroblastoma/">Neuroblastoma</a>' in response.text
    assert "HIDDEN" not in response.text


def test_type_page_links_back_to_its_group(client, neuroblastoma):
    response = client.get(neuroblastoma.get_absolute_url())
    assert '<a href="/en/cancer-types/solid-tumors/">Solid tumors</a>' in response.text
    assert "There are no public trials for this cancer type at the moment." in response.text
    assert "/en/trials/?cancer_type=neuroblastoma" in response.text


def test_unknown_cancer_type_is_a_404(client, db):
    assert client.get("/en/cancer-types/dragon-pox/").status_code == 404


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("trial_count", [2, 15])
def test_cancer_type_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, solid_tumors, trial_count, language
):
    for number in range(trial_count):
        child = CancerTypeFactory(name=f"Type {number % 4}", parent=solid_tumors)
        TrialFactory(cancer_types=[child])
    # ... the centre's settings (name, look) and the version of public content.
    with django_assert_num_queries(7):
        client.get(f"/{language}/cancer-types/{solid_tumors.slug}/")
    # A repeat visit comes from the page cache: only the version is read.
    with django_assert_num_queries(1):
        client.get(f"/{language}/cancer-types/{solid_tumors.slug}/")


def test_cancer_type_pages_and_home_show_the_everyday_name(client, solid_tumors, hematologic):
    hematologic.lay_name = "blood cancers: leukaemia and lymphoma"
    hematologic.save()
    CancerTypeFactory(name="Wilms tumor", parent=solid_tumors, lay_name="kidney cancer")
    page = client.get(hematologic.get_absolute_url()).text
    assert (
        '<h1><span>Hematologic malignancies</span> <span class="h1-lay-name">(blood cancers: '
        "leukaemia and "
        "lymphoma)</span></h1>"
    ) in page
    group = client.get(solid_tumors.get_absolute_url()).text
    assert (
        '<a href="/en/cancer-types/wilms-tumor/">Wilms tumor</a> '
        '<span class="lay-name">(kidney cancer)</span>'
    ) in group
    home = client.get("/en/").text
    assert '<span class="lay-name">(kidney cancer)</span>' in home
