import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from trials.ages import describe_age_range
from trials.models import (
    CancerType,
    InvestigatorRole,
    Registry,
    RegistryNumber,
    Status,
    Trial,
)

from .factories import (
    CancerTypeFactory,
    RegistryNumberFactory,
    TrialFactory,
    TrialInvestigatorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("minimum", "maximum", "expected"),
    [
        (None, 216, "up to 18 years"),
        (0, 216, "up to 18 years"),
        (6, 252, "6 months to 21 years"),
        (144, None, "from 12 years"),
        (None, None, "all ages"),
        (12, 360, "1 year to 30 years"),
        (18, 30, "18 months to 2 years and 6 months"),
    ],
)
def test_age_range_reads_as_families_say_it(minimum, maximum, expected):
    assert describe_age_range(minimum, maximum) == expected


def test_trial_str_and_url():
    trial = TrialFactory(short_name="ESMART", subtitle="different tumor types", slug="esmart")
    assert str(trial) == "ESMART (different tumor types)"
    assert trial.get_absolute_url() == "/en/trials/esmart/"


def test_minimum_age_above_maximum_is_rejected_naming_the_field():
    trial = TrialFactory.build(min_age_months=240, max_age_months=216, slug="ages")
    with pytest.raises(ValidationError) as excinfo:
        trial.full_clean()
    assert "max_age_months" in excinfo.value.message_dict
    assert "below the minimum age" in excinfo.value.message_dict["max_age_months"][0]


def test_database_refuses_minimum_age_above_maximum():
    trial = TrialFactory()
    trial.min_age_months, trial.max_age_months = 300, 12
    with pytest.raises(IntegrityError), transaction.atomic():
        trial.save()


def test_local_patients_cannot_exceed_total():
    trial = TrialFactory.build(max_patients_total=20, max_patients_local=25, slug="patients")
    with pytest.raises(ValidationError) as excinfo:
        trial.full_clean()
    assert "max_patients_local" in excinfo.value.message_dict
    saved = TrialFactory()
    saved.max_patients_total, saved.max_patients_local = 20, 25
    with pytest.raises(IntegrityError), transaction.atomic():
        saved.save()


def test_end_date_before_start_date_is_rejected():
    trial = TrialFactory.build(
        start_date=datetime.date(2024, 5, 1), end_date=datetime.date(2023, 1, 1), slug="dates"
    )
    with pytest.raises(ValidationError) as excinfo:
        trial.full_clean()
    assert "end_date" in excinfo.value.message_dict


def test_slugs_are_unique():
    TrialFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        TrialFactory(slug="same")


@pytest.mark.parametrize(
    ("registry", "value"),
    [
        (Registry.NCT, "NCT02813135"),
        (Registry.NCT, "nct02813135"),
        (Registry.EUDRACT, "2016-000133-40"),
        (Registry.EU_CT, "2024-514791-40-00"),
        (Registry.ISRCTN, "ISRCTN12345678"),
    ],
)
def test_valid_registry_numbers_pass(registry, value):
    number = RegistryNumber(trial=TrialFactory(), registry=registry, value=value)
    number.full_clean()
    assert number.value == value.upper()


@pytest.mark.parametrize(
    ("registry", "value", "example"),
    [
        (Registry.NCT, "NCT123", "NCT02813135"),
        (Registry.NCT, "02813135", "NCT02813135"),
        (Registry.EUDRACT, "2016-133-40", "2016-000133-40"),
        (Registry.EUDRACT, "2024-514791-40-00", "2016-000133-40"),
        (Registry.EU_CT, "2016-000133-40", "2024-514791-40-00"),
        (Registry.ISRCTN, "ISRCTN1234", "ISRCTN12345678"),
    ],
)
def test_malformed_registry_numbers_name_the_expected_format(registry, value, example):
    number = RegistryNumber(trial=TrialFactory(), registry=registry, value=value)
    with pytest.raises(ValidationError) as excinfo:
        number.full_clean()
    message = excinfo.value.message_dict["value"][0]
    assert value in message
    assert example in message


def test_registry_numbers_link_to_the_registry():
    number = RegistryNumberFactory(registry=Registry.NCT, value="NCT02813135")
    assert number.url == "https://clinicaltrials.gov/study/NCT02813135"
    eudract = RegistryNumberFactory(registry=Registry.EUDRACT, value="2016-000133-40")
    assert "2016-000133-40" in eudract.url


def test_one_number_per_registry_per_trial():
    trial = TrialFactory()
    RegistryNumberFactory(trial=trial, registry=Registry.NCT, value="NCT00000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistryNumberFactory(trial=trial, registry=Registry.NCT, value="NCT00000002")


def test_cancer_type_cannot_sit_under_a_type(solid_tumors, neuroblastoma):
    deeper = CancerType(name="Deeper", slug="deeper", parent=neuroblastoma)
    with pytest.raises(ValidationError) as excinfo:
        deeper.full_clean()
    assert "parent" in excinfo.value.message_dict


def test_group_with_types_cannot_get_a_group(solid_tumors, neuroblastoma, hematologic):
    solid_tumors.parent = hematologic
    with pytest.raises(ValidationError) as excinfo:
        solid_tumors.full_clean()
    assert "parent" in excinfo.value.message_dict


def test_published_excludes_drafts():
    published = TrialFactory()
    TrialFactory(publication="draft")
    assert list(Trial.objects.published()) == [published]


def test_status_labels_are_for_families_with_registry_term():
    trial = TrialFactory(status=Status.ACTIVE_NOT_RECRUITING)
    assert trial.get_status_display() == "Closed for inclusion"
    assert trial.status_registry_term == "Active, not recruiting"
    assert not trial.is_open
    assert TrialFactory(status=Status.RECRUITING).is_open


def test_local_principal_investigator_is_told_apart_from_others():
    trial = TrialFactory()
    pi = TrialInvestigatorFactory(trial=trial, investigator__name="N. van Eijkelenburg")
    co = TrialInvestigatorFactory(trial=trial, role=InvestigatorRole.CO_INVESTIGATOR)
    assert trial.local_principal_investigators == [pi]
    assert trial.other_investigators == [co]


def test_group_counts_include_trials_of_its_types(solid_tumors, neuroblastoma, hematologic):
    osteosarcoma = CancerTypeFactory(name="Osteosarcoma", parent=solid_tumors)
    TrialFactory(cancer_types=[neuroblastoma, osteosarcoma])  # counted once for the group
    TrialFactory(cancer_types=[solid_tumors])
    TrialFactory(cancer_types=[hematologic])
    TrialFactory(cancer_types=[neuroblastoma], publication="draft")
    groups, total = CancerType.objects.tree_and_total(Trial.objects.published())
    assert total == 3
    counts = {
        cancer_type.slug: cancer_type.trial_count
        for group in groups
        for cancer_type in [group, *group.types]
    }
    # A trial for the whole group counts for each of its types too.
    assert counts == {
        "solid-tumors": 2,
        "neuroblastoma": 2,
        "osteosarcoma": 2,
        "hematologic-malignancies": 1,
    }
