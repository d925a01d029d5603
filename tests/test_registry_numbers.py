"""Registry numbers pasted with look-alike characters: what can be read as the registry's
own spelling is stored that way (and so meets the duplicate check); the rest is refused."""

import pytest

from trials.models import Registry, RegistryNumber, Trial

from .admin_forms import ADD_URL, add_form_data
from .factories import RegistryNumberFactory, TrialFactory

pytestmark = pytest.mark.django_db


def add_trial_with_number(client, registry, value, **fields):
    data = add_form_data(
        client, registry_numbers=[{"registry": registry, "value": value}], **fields
    )
    return client.post(ADD_URL, data)


@pytest.mark.parametrize(
    ("registry", "typed", "stored"),
    [
        (Registry.NCT, "NCT0255977\u0660", "NCT02559770"),  # Arabic-Indic zero
        (Registry.NCT, "ＮＣＴ０２５５９７７８", "NCT02559778"),  # full-width
        (Registry.NCT, "nct\u0966\u0968\u096b\u096b\u096f\u096d\u096d\u096e", "NCT02559778"),
        (Registry.EUDRACT, "2016\u2013000133\u201340", "2016-000133-40"),  # en dashes
        (Registry.EU_CT, "2024\u2011514791\u201140\u201100", "2024-514791-40-00"),
        (Registry.ISRCTN, "isrctn\u00a012345678", "ISRCTN12345678"),  # no-break space
        (Registry.NCT, "NCT0255977\U0001d7d8\n", "NCT02559770"),  # mathematical zero
    ],
)
def test_look_alike_characters_are_stored_as_the_registry_writes_them(
    staff_client, registry, typed, stored
):
    response = add_trial_with_number(staff_client, registry, typed)
    assert response.status_code == 302, response.context["errors"]
    assert RegistryNumber.objects.get().value == stored


@pytest.mark.parametrize(
    "typed", ["NCT0255977\u2168", "NCT0255977\u00bd", "NCT0255977O", "NCT025597\u0e01\u0e02"]
)
def test_what_cannot_be_read_as_ascii_digits_is_refused(staff_client, typed):
    response = add_trial_with_number(staff_client, Registry.NCT, typed)
    assert response.status_code == 200
    assert "is not a valid ClinicalTrials.gov identifier" in response.text
    assert not Trial.objects.exists()


def test_a_look_alike_of_a_number_in_use_meets_the_duplicate_check(staff_client):
    esmart = TrialFactory(short_name="ESMART", subtitle="")
    RegistryNumberFactory(trial=esmart, registry=Registry.NCT, value="NCT02559770")

    response = add_trial_with_number(
        staff_client, Registry.NCT, "ＮＣＴ0255977\u0660", slug="esmart-copy"
    )

    assert response.status_code == 200
    assert "NCT02559770 is already the ClinicalTrials.gov identifier of ESMART." in response.text
    assert Trial.objects.get() == esmart
