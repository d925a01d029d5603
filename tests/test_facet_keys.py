"""Trial.cancer_type_key and Trial.has_open_arm, which the database keeps from a trial's
tags and arms however they are written, so that the finder counts from the trials alone."""

import pytest

from trials.models import Arm, ArmStatus, CancerType, Trial, count_trials_by_cancer_type

from .factories import ArmFactory, CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db


def key_of(trial) -> set[int]:
    key = Trial.objects.values_list("cancer_type_key", flat=True).get(pk=trial.pk)
    assert key == "" or (key.startswith(",") and key.endswith(","))  # ",2,9,"
    return {int(pk) for pk in key.split(",") if pk}


def has_open_arm(trial) -> bool:
    return Trial.objects.values_list("has_open_arm", flat=True).get(pk=trial.pk)


def test_the_key_follows_every_way_of_tagging():
    group = CancerTypeFactory(name="Solid tumours")
    one, two = CancerTypeFactory(parent=group), CancerTypeFactory(parent=group)
    trial = TrialFactory(cancer_types=[one])
    assert key_of(trial) == {one.pk}
    trial.cancer_types.add(two, group)
    assert key_of(trial) == {one.pk, two.pk, group.pk}
    trial.cancer_types.remove(one)
    assert key_of(trial) == {two.pk, group.pk}
    Trial.cancer_types.through.objects.filter(trial=trial, cancertype=two).delete()
    assert key_of(trial) == {group.pk}
    trial.cancer_types.add(one)
    one.delete()  # deleting a cancer type removes its tags too
    assert key_of(trial) == {group.pk}
    trial.cancer_types.clear()
    assert key_of(trial) == set()


def test_open_arm_follows_saves_bulk_writes_and_deletes():
    trial = TrialFactory()
    assert not has_open_arm(trial)
    arm = ArmFactory(trial=trial, status=ArmStatus.CLOSED)
    assert not has_open_arm(trial)
    Arm.objects.filter(pk=arm.pk).update(status=ArmStatus.OPEN)  # no save(), no signal
    assert has_open_arm(trial)
    Arm.objects.bulk_create([Arm(trial=trial, name="Arm Z", status=ArmStatus.OPEN, order=9)])
    arm.delete()
    assert has_open_arm(trial)
    trial.arms.update(status=ArmStatus.CLOSED)
    assert not has_open_arm(trial)
    assert list(Trial.objects.with_open_arm()) == []


def test_counts_by_key_agree_with_the_filter_for_every_cancer_type():
    solid = CancerTypeFactory(name="Solid tumours")
    blood = CancerTypeFactory(name="Blood cancers")
    types = [CancerTypeFactory(parent=parent) for parent in (solid, solid, solid, blood, blood)]
    tag_sets = [
        [types[0]],
        [types[0], types[1]],
        [solid],
        [solid, types[2]],
        [types[3], types[4]],
        [blood],
        [types[1], types[3]],
        [],
    ]
    for tags in tag_sets:
        TrialFactory(cancer_types=tags)
    cancer_types = list(CancerType.objects.all())
    published = Trial.objects.published()
    count_trials_by_cancer_type(cancer_types, published)
    for cancer_type in cancer_types:
        by_tags = set(published.in_cancer_types([cancer_type]))
        assert set(published.in_cancer_types_among([cancer_type], cancer_types)) == by_tags
        assert cancer_type.trial_count == len(by_tags), cancer_type
    pair = [types[0], types[3]]
    assert set(published.in_cancer_types_among(pair, cancer_types)) == set(
        published.in_cancer_types(pair)
    )
    assert {ct.name: ct.trial_count for ct in cancer_types}["Solid tumours"] == 5


def test_saving_a_trial_read_before_its_tags_and_arms_keeps_both_keys():
    cancer_type = CancerTypeFactory()
    trial = TrialFactory()
    stale = Trial.objects.get(pk=trial.pk)  # read while it has no tags or arms
    trial.cancer_types.add(cancer_type)
    ArmFactory(trial=trial, status=ArmStatus.OPEN)
    stale.short_name = "RENAMED"
    stale.save()  # Django writes every column, the stale keys too
    assert key_of(trial) == {cancer_type.pk}
    assert has_open_arm(trial)
