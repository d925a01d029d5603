import datetime
import re

import pytest

from tests import factories
from tests.admin_forms import (
    ADD_URL,
    AUTOCOMPLETE_URL,
    CHANGELIST_URL,
    add_form_data,
    change_form_data,
    change_url,
)
from trials.models import (
    ApprovalKind,
    Arm,
    ArmStatus,
    InvestigatorRole,
    Phase,
    Publication,
    Registry,
    RegistryNumber,
    Status,
    Trial,
)


def inline_errors(response, model):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset
    raise AssertionError(f"no inline for {model}")


def test_the_form_follows_the_public_page_from_who_can_enter_to_the_study_details(
    staff_client, client
):
    trial = factories.TrialFactory()
    form = staff_client.get(change_url(trial)).text
    page = client.get(trial.get_absolute_url()).text

    # Each of the form's sections, and the heading it fills on the public page.
    sections = [
        ("Who can enter", "Who can enter"),
        ("Goal and background", "Goal"),
        ("Study details", "Study details"),
    ]
    in_form = [form.index(f">{legend}</") for legend, _ in sections]
    on_page = [page.index(f">{heading}</h2>") for _, heading in sections]
    assert in_form == sorted(in_form) and on_page == sorted(on_page)
    # Ages are given in months, and the form says so.
    assert "Maximum age (months)" in form
    assert "Patients expected at this centre" in form


def test_add_trial_with_all_inlines_creates_everything(staff_client, neuroblastoma, leukemia):
    sponsor = factories.OrganisationFactory(name="Institut Gustave Roussy")
    itcc = factories.OrganisationFactory(name="ITCC")
    investigator = factories.InvestigatorFactory(name="N. van Eijkelenburg")
    data = add_form_data(
        staff_client,
        cancer_types=[str(neuroblastoma.pk), str(leukemia.pk)],
        sponsor=str(sponsor.pk),
        network=str(itcc.pk),
        roles=[
            {
                "investigator": str(investigator.pk),
                "role": InvestigatorRole.LOCAL_PRINCIPAL_INVESTIGATOR,
                "order": "0",
            }
        ],
        arms=[
            {
                "name": "Arm A",
                "intervention": "Ribociclib + topotecan/temozolomide",
                "target": "CDK4/6 pathway alterations",
                "description": "Closed for inclusion.",
                "status": ArmStatus.CLOSED,
                "order": "1",
            },
            {"name": "Arm B", "status": ArmStatus.OPEN, "order": "2"},
        ],
        approvals=[
            {
                "kind": ApprovalKind.ETHICS,
                "decision_date": "2018-02-01",
                "body": "An accredited medical research ethics committee",
                "more_information_url": "https://www.ccmo.nl/",
                "more_information_label": "CCMO",
            }
        ],
        registry_numbers=[
            {"registry": Registry.EUDRACT, "value": "2016-000133-40"},
            {"registry": Registry.NCT, "value": "NCT02813135"},
        ],
    )

    response = staff_client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["errors"]
    trial = Trial.objects.get(slug="esmart")
    assert response.url == CHANGELIST_URL
    assert trial.short_name == "ESMART"
    assert trial.max_patients_local == 25
    assert trial.sponsor == sponsor
    assert trial.network == itcc
    assert set(trial.cancer_types.all()) == {neuroblastoma, leukemia}
    assert [(arm.name, arm.status, arm.order) for arm in trial.arms.all()] == [
        ("Arm A", ArmStatus.CLOSED, 1),
        ("Arm B", ArmStatus.OPEN, 2),
    ]
    assert [str(role) for role in trial.investigator_roles.all()] == [
        "Dr. N. van Eijkelenburg (Local principal investigator)"
    ]
    assert trial.approvals.get().more_information_label == "CCMO"
    assert sorted(trial.registry_numbers.values_list("registry", "value")) == [
        (Registry.EUDRACT, "2016-000133-40"),
        (Registry.NCT, "NCT02813135"),
    ]


def test_change_trial_edits_a_field_adds_an_arm_and_deletes_one(staff_client):
    trial = factories.TrialFactory(short_name="ESMART", slug="esmart")
    kept = factories.ArmFactory(trial=trial, name="Arm A", order=1)
    dropped = factories.ArmFactory(trial=trial, name="Arm B", order=2)
    factories.RegistryNumberFactory(trial=trial, value="NCT02813135")
    data, prefixes = change_form_data(staff_client, trial)
    arms = prefixes[Arm]
    assert data[f"{arms}-INITIAL_FORMS"] == "2"
    dropped_index = next(i for i in range(2) if data[f"{arms}-{i}-id"] == str(dropped.pk))
    data.update(
        {
            "status_note_en": "This study is momentarily closed for inclusion.",
            f"{arms}-{dropped_index}-DELETE": "on",
            f"{arms}-TOTAL_FORMS": "3",
            f"{arms}-2-name_en": "Arm C",
            f"{arms}-2-status": ArmStatus.PLANNED,
            f"{arms}-2-order": "3",
        }
    )

    response = staff_client.post(change_url(trial), data)

    assert response.status_code == 302, response.context["errors"]
    trial.refresh_from_db()
    assert trial.status_note == "This study is momentarily closed for inclusion."
    assert [arm.name for arm in trial.arms.all()] == ["Arm A", "Arm C"]
    assert trial.arms.get(name="Arm A").pk == kept.pk
    assert trial.registry_numbers.get().value == "NCT02813135"


def test_resaving_an_unchanged_trial_changes_nothing(staff_client, neuroblastoma):
    trial = factories.TrialFactory(cancer_types=[neuroblastoma])
    factories.ArmFactory(trial=trial)
    factories.TrialInvestigatorFactory(trial=trial)
    factories.ApprovalFactory(trial=trial)
    factories.RegistryNumberFactory(trial=trial)
    data, _ = change_form_data(staff_client, trial)

    response = staff_client.post(change_url(trial), data)

    assert response.status_code == 302, response.context["errors"]
    assert list(trial.cancer_types.all()) == [neuroblastoma]
    assert (trial.arms.count(), trial.investigator_roles.count()) == (1, 1)
    assert (trial.approvals.count(), trial.registry_numbers.count()) == (1, 1)


@pytest.mark.parametrize(
    ("registry", "value", "message"),
    [
        (
            Registry.EUDRACT,
            "2016-133-40",
            "“2016-133-40” is not a valid EudraCT number: it should look like 2016-000133-40.",
        ),
        (
            Registry.NCT,
            "NCT123",
            "“NCT123” is not a valid ClinicalTrials.gov identifier: "
            "it should look like NCT02813135.",
        ),
    ],
)
def test_bad_registry_number_is_shown_on_the_number_field(staff_client, registry, value, message):
    data = add_form_data(staff_client, registry_numbers=[{"registry": registry, "value": value}])

    response = staff_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert inline_errors(response, RegistryNumber).errors == [{"value": [message]}]
    assert message in response.text
    assert not Trial.objects.exists()
    assert not RegistryNumber.objects.exists()


def test_registry_number_is_saved_in_its_registry_spelling(staff_client):
    data = add_form_data(
        staff_client, registry_numbers=[{"registry": Registry.NCT, "value": " nct 02813135 "}]
    )

    response = staff_client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["errors"]
    assert RegistryNumber.objects.get().value == "NCT02813135"


def test_minimum_age_above_maximum_age_is_an_error_on_the_maximum_age(staff_client):
    data = add_form_data(staff_client, min_age_months="24", max_age_months="12")

    response = staff_client.post(ADD_URL, data)

    message = "The maximum age (1 year) is below the minimum age (2 years)."
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"max_age_months": [message]}
    assert message in response.text
    assert not Trial.objects.exists()


def test_more_local_patients_than_in_total_is_an_error_on_the_local_number(staff_client):
    data = add_form_data(staff_client, max_patients_total="20", max_patients_local="25")

    response = staff_client.post(ADD_URL, data)

    message = (
        "Patients expected at this centre (25) cannot exceed the maximum number of patients (20)."
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"max_patients_local": [message]}
    assert message in response.text
    assert not Trial.objects.exists()


def test_two_numbers_from_one_registry_is_an_error_not_a_crash(staff_client):
    data = add_form_data(
        staff_client,
        registry_numbers=[
            {"registry": Registry.NCT, "value": "NCT02813135"},
            {"registry": Registry.NCT, "value": "NCT01234567"},
        ],
    )

    response = staff_client.post(ADD_URL, data)

    message = (
        "A trial has one number per registry: remove the duplicate or choose another registry."
    )
    assert response.status_code == 200
    assert inline_errors(response, RegistryNumber).non_form_errors() == [message]
    assert message in response.text
    assert not Trial.objects.exists()


def test_adding_a_second_number_from_a_registry_on_change_is_an_error(staff_client):
    trial = factories.TrialFactory()
    factories.RegistryNumberFactory(trial=trial, value="NCT02813135")
    data, prefixes = change_form_data(staff_client, trial)
    numbers = prefixes[RegistryNumber]
    data.update(
        {
            f"{numbers}-TOTAL_FORMS": "2",
            f"{numbers}-1-registry": Registry.NCT,
            f"{numbers}-1-value": "NCT01234567",
        }
    )

    response = staff_client.post(change_url(trial), data)

    message = (
        "This trial already has a ClinicalTrials.gov identifier (NCT02813135); "
        "a trial has one number per registry."
    )
    assert response.status_code == 200
    assert inline_errors(response, RegistryNumber).errors == [{}, {"registry": [message]}]
    assert message in response.text
    assert list(trial.registry_numbers.values_list("value", flat=True)) == ["NCT02813135"]


def test_number_already_used_by_another_trial_names_that_trial(staff_client):
    esmart = factories.TrialFactory(short_name="ESMART", subtitle="different tumor types")
    factories.RegistryNumberFactory(trial=esmart, value="NCT02813135")
    data = add_form_data(
        staff_client,
        slug="esmart-copy",
        registry_numbers=[{"registry": Registry.NCT, "value": "nct02813135"}],
    )

    response = staff_client.post(ADD_URL, data)

    message = (
        "NCT02813135 is already the ClinicalTrials.gov identifier of "
        "ESMART (different tumor types)."
    )
    assert response.status_code == 200
    assert inline_errors(response, RegistryNumber).errors == [{"value": [message]}]
    assert message in response.text
    assert Trial.objects.get() == esmart


def test_correcting_a_registry_number_on_change_is_allowed(staff_client):
    trial = factories.TrialFactory()
    number = factories.RegistryNumberFactory(trial=trial, value="NCT02813135")
    data, prefixes = change_form_data(staff_client, trial)
    data[f"{prefixes[RegistryNumber]}-0-value"] = "NCT02813136"

    response = staff_client.post(change_url(trial), data)

    assert response.status_code == 302, response.context["errors"]
    number.refresh_from_db()
    assert number.value == "NCT02813136"


def test_change_page_links_to_the_public_page(staff_client):
    trial = factories.TrialFactory(slug="esmart")

    response = staff_client.get(change_url(trial))

    assert 'href="/en/trials/esmart/"' in response.text


def test_the_trial_list_shows_what_staff_need_at_a_glance(staff_client):
    factories.TrialFactory(
        short_name="ESMART",
        subtitle="different tumor types",
        status=Status.ACTIVE_NOT_RECRUITING,
        phase=Phase.PHASE_1_2,
        publication=Publication.DRAFT,
        last_reviewed=datetime.date(2025, 9, 16),
    )
    factories.TrialFactory(short_name="OTHER", status=Status.RECRUITING)

    response = staff_client.get(CHANGELIST_URL)

    row = re.search(r"<tr>(?:(?!</tr>).)*ESMART.*?</tr>", response.text, re.DOTALL).group(0)
    for shown in [
        "different tumor types",
        "Closed for inclusion",
        "Phase 1/2",
        "Draft",
        "September 16, 2025",
        # Six months after the last review, flagged as overdue (today is after that).
        '<strong class="review-overdue">March 16, 2026 (overdue)</strong>',
    ]:
        assert shown in row
    assert "Open for inclusion" not in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=recruiting", ["OPEN-NB"]),
        ("phase=phase_3", ["CLOSED-AML"]),
        ("publication=draft", ["DRAFT"]),
        # A trial for all solid tumours is also a trial for neuroblastoma.
        ("cancer_type=neuroblastoma", ["OPEN-NB", "SOLID"]),
        ("cancer_type=solid-tumors", ["OPEN-NB", "SOLID"]),
        ("cancer_type=hematologic-malignancies", ["CLOSED-AML"]),
        ("cancer_type=no-such-type", []),
        ("status=recruiting&cancer_type=hematologic-malignancies", []),
    ],
)
def test_changelist_filters(staff_client, solid_tumors, neuroblastoma, leukemia, query, expected):
    factories.TrialFactory(
        short_name="OPEN-NB",
        status=Status.RECRUITING,
        phase=Phase.PHASE_2,
        cancer_types=[neuroblastoma],
    )
    factories.TrialFactory(
        short_name="CLOSED-AML",
        status=Status.COMPLETED,
        phase=Phase.PHASE_3,
        cancer_types=[leukemia],
    )
    factories.TrialFactory(
        short_name="SOLID",
        status=Status.SUSPENDED,
        phase=Phase.PHASE_2,
        cancer_types=[solid_tumors],
    )
    factories.TrialFactory(
        short_name="DRAFT",
        status=Status.NOT_YET_RECRUITING,
        phase=Phase.PHASE_1,
        publication=Publication.DRAFT,
    )

    response = staff_client.get(f"{CHANGELIST_URL}?{query}")

    assert response.status_code == 200
    shown = [trial.short_name for trial in response.context["cl"].result_list]
    assert shown == expected


def test_changelist_lists_cancer_types_group_by_group(staff_client, neuroblastoma, leukemia):
    response = staff_client.get(CHANGELIST_URL)

    cancer_type_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.title == "cancer type"
    )
    assert cancer_type_filter.lookup_choices == [
        ("hematologic-malignancies", "Hematologic malignancies"),
        ("acute-myeloid-leukemia", "— Acute myeloid leukemia"),
        ("solid-tumors", "Solid tumors"),
        ("neuroblastoma", "— Neuroblastoma"),
    ]


@pytest.mark.parametrize("term", ["NCT02813135", "nct0281", "2016-000133"])
def test_changelist_search_finds_a_trial_by_registry_number(staff_client, term):
    esmart = factories.TrialFactory(short_name="ESMART")
    factories.RegistryNumberFactory(trial=esmart, value="NCT02813135")
    factories.RegistryNumberFactory(trial=esmart, registry=Registry.EUDRACT, value="2016-000133-40")
    other = factories.TrialFactory(short_name="OTHER")
    factories.RegistryNumberFactory(trial=other, value="NCT09999999")

    response = staff_client.get(CHANGELIST_URL, {"q": term})

    assert [trial.short_name for trial in response.context["cl"].result_list] == ["ESMART"]


@pytest.mark.parametrize("term", ["esmart", "tumor types", "proof-of-concept"])
def test_changelist_search_finds_a_trial_by_name_or_title(staff_client, term):
    factories.TrialFactory(
        short_name="ESMART",
        subtitle="different tumor types",
        official_title="European proof-of-concept therapeutic stratification trial",
    )
    factories.TrialFactory(short_name="OTHER")

    response = staff_client.get(CHANGELIST_URL, {"q": term})

    assert [trial.short_name for trial in response.context["cl"].result_list] == ["ESMART"]


# Session, user, cancer-type filter choices, the count of trials listed, and the page of
# trials (its changes awaiting approval joined in, TrialQuerySet.with_open_change). No
# count of all trials beside it (show_full_result_count): at a registry's 100,000 trials
# that was a second count on every page.
CHANGELIST_QUERIES = 5
# ... plus, per filter, the cancer-type choices again and the facet counts (status, phase,
# cancer type, publication, changes awaiting approval, review, and the registry filter's
# two: out of step, open here but closed in the registry).
CHANGELIST_WITH_FACETS_QUERIES = 19
# ... plus the search's vocabulary (cancer types by all their names, spelling variants):
# the admin searches with the public site's search.
CHANGELIST_SEARCH_QUERIES = CHANGELIST_QUERIES + 2


@pytest.mark.parametrize("trial_count", [3, 30])
@pytest.mark.parametrize(
    ("query", "expected_queries"),
    [
        ("", CHANGELIST_QUERIES),
        ("?q=TRIAL", CHANGELIST_SEARCH_QUERIES),
        ("?status=recruiting&cancer_type=solid-tumors", CHANGELIST_QUERIES),
        ("?registry=out_of_step", CHANGELIST_QUERIES),
        ("?_facets=True", CHANGELIST_WITH_FACETS_QUERIES),
    ],
)
def test_changelist_runs_a_fixed_number_of_queries(
    staff_client,
    django_assert_num_queries,
    neuroblastoma,
    leukemia,
    trial_count,
    query,
    expected_queries,
):
    for trial in factories.TrialFactory.create_batch(
        trial_count, cancer_types=[neuroblastoma, leukemia]
    ):
        factories.ArmFactory(trial=trial)
        factories.RegistryNumberFactory(trial=trial)
        factories.TrialInvestigatorFactory(trial=trial)
        factories.PendingRegistryChangeFactory(trial=trial)

    with django_assert_num_queries(expected_queries):
        response = staff_client.get(CHANGELIST_URL + query)

    assert len(response.context["cl"].result_list) == trial_count


@pytest.mark.parametrize(
    ("model_name", "field_name", "term", "expected"),
    [
        ("trial", "sponsor", "roussy", "Institut Gustave Roussy, Villejuif, France"),
        ("trial", "network", "itcc", "ITCC"),
        ("trial", "cancer_types", "neuro", "Neuroblastoma"),
        ("trialinvestigator", "investigator", "eijkel", "Dr. N. van Eijkelenburg"),
    ],
)
def test_autocomplete_finds_related_records(
    staff_client, neuroblastoma, leukemia, model_name, field_name, term, expected
):
    factories.OrganisationFactory(name="Institut Gustave Roussy", location="Villejuif, France")
    factories.OrganisationFactory(name="ITCC", location="")
    factories.InvestigatorFactory(name="N. van Eijkelenburg")
    factories.InvestigatorFactory(name="A. Other")

    response = staff_client.get(
        AUTOCOMPLETE_URL,
        {"app_label": "trials", "model_name": model_name, "field_name": field_name, "term": term},
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == [expected]


@pytest.mark.parametrize(
    "url",
    [
        CHANGELIST_URL,
        ADD_URL,
        "/admin/trials/cancertype/",
        AUTOCOMPLETE_URL + "?app_label=trials&model_name=trial&field_name=sponsor&term=a",
    ],
)
def test_anonymous_users_are_sent_to_the_login_page(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/?next=")


def test_cancer_type_list_shows_groups_and_filters_by_group(
    staff_client, neuroblastoma, leukemia, solid_tumors
):
    response = staff_client.get("/admin/trials/cancertype/", {"parent__id__exact": solid_tumors.pk})

    assert [cancer_type.name for cancer_type in response.context["cl"].result_list] == [
        "Neuroblastoma"
    ]
    assert "Solid tumors" in response.text


def test_cancer_type_cannot_be_put_under_a_type_that_is_not_a_group(staff_client, neuroblastoma):
    response = staff_client.get("/admin/trials/cancertype/add/")
    parent_choices = [
        label for _, label in response.context["adminform"].form.fields["parent"].choices
    ]
    assert "Neuroblastoma" not in parent_choices

    response = staff_client.post(
        "/admin/trials/cancertype/add/",
        {"name_en": "Adrenal neuroblastoma", "slug": "adrenal", "parent": neuroblastoma.pk},
    )

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors


@pytest.mark.parametrize(
    ("url", "term", "expected"),
    [
        ("/admin/trials/organisation/", "villejuif", "Institut Gustave Roussy"),
        ("/admin/trials/investigator/", "eijkel", "N. van Eijkelenburg"),
        ("/admin/trials/cancertype/", "neuro", "Neuroblastoma"),
    ],
)
def test_related_record_lists_are_searchable(staff_client, neuroblastoma, url, term, expected):
    factories.OrganisationFactory(name="Institut Gustave Roussy", location="Villejuif, France")
    factories.OrganisationFactory(name="ITCC", location="")
    factories.InvestigatorFactory(name="N. van Eijkelenburg")
    factories.InvestigatorFactory(name="A. Other")

    response = staff_client.get(url, {"q": term})

    assert [obj.name for obj in response.context["cl"].result_list] == [expected]


def test_staff_edit_a_glossary_explanation_that_trial_pages_show(staff_client, client):
    from trials.models import GlossaryTerm

    term = GlossaryTerm.objects.get(slug="phase")
    response = staff_client.post(
        f"/admin/trials/glossaryterm/{term.pk}/change/",
        {"term_en": "Phase", "slug": "phase", "explanation_en": "A step in testing.", "order": 0},
    )
    assert response.status_code == 302
    trial = factories.TrialFactory()
    assert "A step in testing." in client.get(trial.get_absolute_url()).text


@pytest.fixture
def fifty_five_trials():
    """Two pages of the trial list (50 a page), found by one search."""
    for number in range(55):
        factories.TrialFactory(short_name=f"PAGED-{number:02d}", status=Status.RECRUITING)
    return [f"PAGED-{number:02d}" for number in range(55)]


@pytest.mark.parametrize(
    ("query", "expected_queries"),
    [
        # With a search, each page's ids come with the total in one query, then its rows
        # by id: as many queries as a list of one page.
        ("?q=PAGED", CHANGELIST_SEARCH_QUERIES),
        # Without, the total is counted apart (from an index), then the ids, then the rows.
        ("?status__exact=recruiting", CHANGELIST_QUERIES + 1),
    ],
)
def test_changelist_pages_keep_the_order_and_the_number_of_queries(
    staff_client, django_assert_num_queries, fifty_five_trials, query, expected_queries
):
    with django_assert_num_queries(expected_queries):
        first = staff_client.get(CHANGELIST_URL + query)
    with django_assert_num_queries(expected_queries):
        second = staff_client.get(CHANGELIST_URL + query + "&p=2")

    assert [trial.short_name for trial in first.context["cl"].result_list] == (
        fifty_five_trials[:50]
    )
    assert [trial.short_name for trial in second.context["cl"].result_list] == (
        fifty_five_trials[50:]
    )
    assert first.context["cl"].result_count == second.context["cl"].result_count == 55
    assert "55 trials" in first.text


@pytest.mark.parametrize("page", ["3", "999", "0", "two"])
def test_changelist_page_that_does_not_exist_is_answered_as_django_does(
    staff_client, fifty_five_trials, page
):
    response = staff_client.get(CHANGELIST_URL + f"?q=PAGED&p={page}")
    # The admin's own answer to a bad page number: back to the list, with ?e=1 ...
    if page == "two":  # ... or, for what is no number at all, the first page.
        assert response.status_code == 200
        assert response.context["cl"].result_count == 55
    else:
        assert response.status_code == 302
        assert "e=1" in response.url
