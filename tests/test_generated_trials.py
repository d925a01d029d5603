"""manage.py generate_trials: fictional trials in a registry's shape, for measuring scale."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from trials.models import Publication, Registry, SearchDocument, Trial


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_trials", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_generated_trials_have_arms_numbers_types_and_an_address():
    output = generate("12", "--batch-size", "5")

    assert "Added 12 trials" in output
    trials = Trial.objects.prefetch_related("arms", "registry_numbers", "cancer_types", "addresses")
    assert trials.count() == 12
    for trial in trials:
        assert 5 <= len(trial.arms.all()) <= 14
        assert 1 <= len(trial.cancer_types.all()) <= 3
        registries = {number.registry for number in trial.registry_numbers.all()}
        assert Registry.NCT in registries
        assert [address.slug for address in trial.addresses.all()] == [trial.slug]
        assert len(trial.summary) > 500
        assert len(trial.eligibility) > 500


@pytest.mark.django_db
def test_generated_trials_pass_the_forms_validation():
    generate("6")

    for trial in Trial.objects.all():
        trial.full_clean()
        for arm in trial.arms.all():
            arm.full_clean()
        for number in trial.registry_numbers.all():
            number.full_clean()


@pytest.mark.django_db
def test_published_generated_trials_show_in_the_finder(client):
    generate("10")

    published = Trial.objects.published().order_by("short_name")
    assert published.exists()
    response = client.get(reverse("trials:list"), {"sort": "name"})
    assert published[0].short_name in response.content.decode()


@pytest.mark.django_db
def test_a_second_run_adds_more_trials_with_their_own_addresses():
    generate("4")
    generate("4")

    assert Trial.objects.count() == 8
    assert Trial.objects.values("slug").distinct().count() == 8
    assert Trial.objects.filter(publication=Publication.PUBLISHED).exists()


@pytest.mark.django_db
def test_dry_run_adds_nothing():
    output = generate("50", "--dry-run")

    assert "Would add 50 trials" in output
    assert not Trial.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("args", [["0"], ["5", "--batch-size", "0"], ["5", "--jobs", "0"]])
def test_a_count_below_one_is_refused_with_a_message(args):
    with pytest.raises(CommandError, match="at least 1"):
        generate(*args)
    assert not Trial.objects.exists()


@pytest.mark.django_db
def test_generated_trials_are_found_by_their_numbers_drugs_and_people_and_counted_right():
    """On PostgreSQL the trials go in after their arms, tags and people (one write of each
    search document): every one must still be found by what those hold, and its cancer
    types and open arms must still count in the finder."""
    generate("6", "--batch-size", "4")

    for trial in Trial.objects.prefetch_related("arms", "registry_numbers", "cancer_types"):
        number = next(n.value for n in trial.registry_numbers.all() if n.registry == Registry.NCT)
        investigator = trial.investigator_roles.first().investigator
        arm = trial.arms.first()
        assert list(Trial.objects.matching(number)) == [trial]
        assert trial in Trial.objects.matching(arm.intervention)
        assert trial in Trial.objects.matching(investigator.name.split()[-1])
        tags = sorted(cancer_type.pk for cancer_type in trial.cancer_types.all())
        assert trial.cancer_type_key == "," + ",".join(map(str, tags)) + ","
        assert trial.has_open_arm == any(a.status == "open" for a in trial.arms.all())


def written_trials() -> list[tuple]:
    """Every trial's values and rows, by its name (ids differ from run to run)."""
    trials = Trial.objects.prefetch_related("arms", "registry_numbers", "cancer_types")
    return sorted(
        (
            trial.short_name,
            trial.phase,
            trial.status,
            trial.summary,
            trial.min_age_months,
            [(arm.name, arm.status) for arm in trial.arms.all()],
            sorted(number.value for number in trial.registry_numbers.all()),
            sorted(cancer_type.name for cancer_type in trial.cancer_types.all()),
        )
        for trial in trials
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="processes side by side need a database server; on SQLite one process writes",
)
@pytest.mark.django_db(transaction=True)
def test_batches_written_side_by_side_are_those_one_process_writes():
    output = generate("23", "--batch-size", "5", "--jobs", "2")

    assert "Added 23 trials" in output
    side_by_side = written_trials()
    assert len({trial[0] for trial in side_by_side}) == 23
    assert SearchDocument.objects.count() == 23
    Trial.objects.all().delete()
    generate("23", "--batch-size", "5", "--jobs", "1")
    assert written_trials() == side_by_side
