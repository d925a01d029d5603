"""Every change is recorded (who, when, old and new values) and can be restored."""

import pytest
import reversion
from django.db import connection
from reversion.models import Version

from trials.models import Arm, ArmStatus, ChangeState, Publication, Trial

from .admin_forms import (
    change_form_data,
    change_url,
    decide,
    rendered_form_data,
    save_through_admin,
)
from .factories import (
    ArmFactory,
    CancerTypeFactory,
    OrganisationFactory,
    RegistryNumberFactory,
    TrialFactory,
    TrialInvestigatorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trial_with_arms():
    with reversion.create_revision():
        trial = TrialFactory(short_name="HIST", goal="Find a safe dose.", publication="published")
        ArmFactory(trial=trial, name="Arm A", status=ArmStatus.OPEN)
        ArmFactory(trial=trial, name="Arm B", status=ArmStatus.OPEN)
    return trial


def history(client, trial):
    return client.get(f"/admin/trials/trial/{trial.pk}/history/")


def restore_url(trial, version):
    return f"/admin/trials/trial/{trial.pk}/history/{version.pk}/"


def first_version(trial):
    return Version.objects.get_for_object(trial).order_by("pk").first()


def test_each_admin_save_records_who_changed_which_fields(publisher_client, trial_with_arms):
    save_through_admin(publisher_client, trial_with_arms, goal="<p>Find the best dose.</p>")
    response = history(publisher_client, trial_with_arms)
    newest = response.context["history_entries"][0]
    assert newest.revision.user == publisher_client.user
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("Goal (English)", "Find a safe dose.", "Find the best dose.")
    ]
    assert "<del>Find a safe dose.</del> → <ins>Find the best dose.</ins>" in response.text


def test_changes_awaiting_approval_are_in_the_history_with_their_state(
    editor_client, publisher_client, trial_with_arms
):
    save_through_admin(editor_client, trial_with_arms, goal="<p>Proposed goal.</p>")
    decide(publisher_client, trial_with_arms, "_send_back", "Not yet.")

    entries = history(editor_client, trial_with_arms).context["history_entries"]

    waiting = entries[0]
    assert waiting.change.state == ChangeState.SENT_BACK
    assert [c.label for c in waiting.changes] == ["Goal (English)"]
    assert waiting.is_current  # the edit form shows it
    page = history(editor_client, trial_with_arms).text
    assert "Changes for approval: Sent back" in page and "Not yet." in page


def test_changes_to_arms_are_recorded_with_the_trial(publisher_client, trial_with_arms):
    data, prefixes = change_form_data(publisher_client, trial_with_arms)
    arm_b = trial_with_arms.arms.get(name="Arm B")
    arms = prefixes[Arm]
    index = next(i for i in range(2) if data[f"{arms}-{i}-id"] == str(arm_b.pk))
    publisher_client.post(change_url(trial_with_arms), {**data, f"{arms}-{index}-status": "closed"})

    change = history(publisher_client, trial_with_arms).context["history_entries"][0]
    arm_change = change.inline_changes[0]
    assert (arm_change.kind, arm_change.name) == ("changed", "Arm B")
    assert [(f.label, f.old, f.new) for f in arm_change.fields] == [
        ("Status", "Open for inclusion", "Closed for inclusion")
    ]


def delete_arm_a_and_rewrite_the_goal(client, trial):
    data, prefixes = change_form_data(client, trial)
    arms = prefixes[Arm]
    arm_a = trial.arms.get(name="Arm A")
    index = next(i for i in range(2) if data[f"{arms}-{i}-id"] == str(arm_a.pk))
    data.update({"goal_en": "Something wrong.", f"{arms}-{index}-DELETE": "on"})
    assert client.post(change_url(trial), data).status_code == 302


def test_restore_an_earlier_version_with_its_arms_in_two_clicks(
    publisher_client, client, trial_with_arms
):
    version = first_version(trial_with_arms)
    delete_arm_a_and_rewrite_the_goal(publisher_client, trial_with_arms)
    assert list(trial_with_arms.arms.values_list("name", flat=True)) == ["Arm B"]

    url = restore_url(trial_with_arms, version)
    assert f'href="{url}"' in history(publisher_client, trial_with_arms).text
    # Click 1: the earlier version, in the edit form, inlines included.
    response = publisher_client.get(url)
    assert response.status_code == 200
    assert "Press the save button below to revert to this version" in response.text
    # ... without changing anything yet.
    assert list(trial_with_arms.arms.values_list("name", flat=True)) == ["Arm B"]
    # Click 2: save.
    response = publisher_client.post(url, rendered_form_data(response))
    assert response.status_code == 302

    trial_with_arms.refresh_from_db()
    assert trial_with_arms.goal == "<p>Find a safe dose.</p>"
    assert sorted(trial_with_arms.arms.values_list("name", flat=True)) == ["Arm A", "Arm B"]
    newest = Version.objects.get_for_object(trial_with_arms).first().revision
    assert newest.user == publisher_client.user
    assert newest.get_comment().startswith("Restored the version of")
    assert "Arm A" in client.get(trial_with_arms.get_absolute_url()).text


def test_an_editor_restoring_a_published_trial_waits_for_approval(
    editor_client, publisher_client, client, trial_with_arms
):
    version = first_version(trial_with_arms)
    delete_arm_a_and_rewrite_the_goal(publisher_client, trial_with_arms)
    url = restore_url(trial_with_arms, version)
    page = editor_client.get(url)
    assert "the restored version waits for a publisher's approval" in page.text

    assert editor_client.post(url, rendered_form_data(page)).status_code == 302

    assert "Arm A" not in client.get(trial_with_arms.get_absolute_url()).text
    assert trial_with_arms.change_requests.get().state == ChangeState.WAITING
    decide(publisher_client, trial_with_arms, "_approve")
    trial_with_arms.refresh_from_db()
    assert trial_with_arms.goal == "<p>Find a safe dose.</p>"
    assert "Arm A" in client.get(trial_with_arms.get_absolute_url()).text


def test_restore_keeps_the_publication_state(editor_client, publisher_client, trial_with_arms):
    version = first_version(trial_with_arms)
    data, _ = change_form_data(publisher_client, trial_with_arms)
    publisher_client.post(change_url(trial_with_arms), {**data, "_withdraw": "1"})
    url = restore_url(trial_with_arms, version)
    assert editor_client.post(url, rendered_form_data(editor_client.get(url))).status_code == 302
    trial_with_arms.refresh_from_db()
    # The content came back, but the earlier version was published and an editor
    # restoring it does not republish it.
    assert trial_with_arms.goal == "<p>Find a safe dose.</p>"
    assert trial_with_arms.publication == Publication.WITHDRAWN


@pytest.mark.parametrize("extra", [{}, {"slug": "a-published-copy"}])
def test_save_as_new_is_refused_on_restore(
    editor_client, publisher_client, client, trial_with_arms, extra
):
    version = first_version(trial_with_arms)
    data, _ = change_form_data(publisher_client, trial_with_arms)
    publisher_client.post(change_url(trial_with_arms), {**data, "_withdraw": "1"})
    url = restore_url(trial_with_arms, version)
    form_data = {**rendered_form_data(editor_client.get(url)), **extra, "_saveasnew": "1"}

    assert editor_client.post(url, form_data).status_code == 403

    assert Trial.objects.count() == 1
    assert Trial.objects.published().count() == 0


def delete_through_admin(staff_client, trial):
    with reversion.create_revision():
        reversion.add_to_revision(trial)
    staff_client.post(f"/admin/trials/trial/{trial.pk}/delete/", {"post": "yes"})
    return Version.objects.get_deleted(Trial).get(object_id=str(trial.pk))


def recover_url(version):
    return f"/admin/trials/trial/recover/{version.pk}/"


def test_a_recovered_deleted_trial_comes_back_as_a_draft(staff_client, editor_client, client):
    trial = TrialFactory(slug="deleted", publication="published")
    version = delete_through_admin(staff_client, trial)
    assert client.get("/en/trials/deleted/").status_code == 404
    response = editor_client.post(
        recover_url(version), rendered_form_data(editor_client.get(recover_url(version)))
    )
    assert response.status_code == 302
    recovered = Trial.objects.get(slug="deleted")
    assert (recovered.pk, recovered.publication) == (trial.pk, Publication.DRAFT)
    assert (recovered.published_at, recovered.published_by) == (None, None)
    assert client.get("/en/trials/deleted/").status_code == 404


def test_save_as_new_is_refused_on_recover(staff_client, editor_client):
    version = delete_through_admin(staff_client, TrialFactory(slug="deleted"))
    form_data = rendered_form_data(editor_client.get(recover_url(version)))

    response = editor_client.post(recover_url(version), {**form_data, "_saveasnew": "1"})

    assert response.status_code == 403
    assert not Trial.objects.exists()


def test_save_as_new_from_a_live_trial_makes_a_draft(editor_client, publisher_client, client):
    live = TrialFactory(slug="live", short_name="LIVE")
    for user_client, slug in [(editor_client, "copy-1"), (publisher_client, "copy-2")]:
        data, _ = change_form_data(user_client, live)
        response = user_client.post(change_url(live), {**data, "slug": slug, "_saveasnew": "1"})
        assert response.status_code == 302
        copy = Trial.objects.get(slug=slug)
        assert (copy.publication, copy.published_by, copy.published_at) == ("draft", None, None)
        assert client.get(f"/en/trials/{slug}/").status_code == 404


def test_recover_cannot_touch_a_trial_that_was_not_deleted(editor_client, trial_with_arms):
    version = Version.objects.get_for_object(trial_with_arms).first()
    assert editor_client.get(recover_url(version)).status_code == 404
    assert editor_client.post(recover_url(version), {}).status_code == 404
    trial_with_arms.refresh_from_db()
    assert trial_with_arms.publication == Publication.PUBLISHED


def test_history_url_only_restores_versions_of_that_very_trial(editor_client, publisher_client):
    # The URL names trial X, but the version is an arm (also with id X) of another trial,
    # from a revision when that other trial was still published.
    clash = 10_000 + TrialFactory().pk
    with reversion.create_revision():
        other = TrialFactory(short_name="OTHER", publication="published")
        ArmFactory(trial=other, pk=clash, name="Arm X")
    old_revision = Version.objects.get_for_object(other).first().revision
    data, _ = change_form_data(publisher_client, other)
    publisher_client.post(change_url(other), {**data, "_withdraw": "1"})
    TrialFactory(pk=clash, short_name="NAMED-IN-URL")
    arm_version = old_revision.version_set.get(object_id=str(clash), content_type__model="arm")

    url = f"/admin/trials/trial/{clash}/history/{arm_version.pk}/"
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, {}).status_code == 404
    other.refresh_from_db()
    assert other.publication == Publication.WITHDRAWN


def test_a_version_saved_with_other_trials_is_not_restored_alone(editor_client):
    with reversion.create_revision():
        first = TrialFactory(short_name="FIRST")
        second = TrialFactory(short_name="SECOND")
    version = Version.objects.get_for_object(first).get()
    response = editor_client.get(restore_url(first, version))
    assert response.status_code == 404
    assert second.pk  # untouched


def test_each_demo_trial_has_a_history_of_its_own(db):
    from django.core.management import call_command

    call_command("load_demo_trials", verbosity=0)
    for trial in Trial.objects.all():
        # The real trials have two: imported from their registry record, then the demo's.
        versions = Version.objects.get_for_object(trial)
        assert versions.exists()
        for version in versions:
            trial_versions = version.revision.version_set.filter(content_type=version.content_type)
            assert trial_versions.count() == 1


# Restoring a version that names what has gone since ---------------------------------


@pytest.fixture
def draft_with_references():
    """A draft (saves go live) whose first version names a cancer type, a sponsor, an
    investigator and a registry number."""
    cancer_type = CancerTypeFactory(name="Gone type")
    sponsor = OrganisationFactory(name="Gone sponsor")
    with reversion.create_revision():
        trial = TrialFactory(
            slug="refs", publication=Publication.DRAFT, sponsor=sponsor, cancer_types=[cancer_type]
        )
        role = TrialInvestigatorFactory(trial=trial)
        RegistryNumberFactory(trial=trial, value="NCT02813135")
    version = first_version(trial)
    # Since then: the references are removed from the trial and deleted.
    trial.cancer_types.clear()
    trial.sponsor = None
    trial.save()
    investigator = role.investigator
    role.delete()
    trial.registry_numbers.all().delete()
    investigator.delete()
    cancer_type.delete()
    sponsor.delete()
    return trial, version


def test_restoring_a_version_whose_references_were_deleted_says_what_is_left_out(
    editor_client, draft_with_references
):
    trial, version = draft_with_references
    url = restore_url(trial, version)

    page = editor_client.get(url)

    assert page.status_code == 200
    shown = [str(message) for message in page.context["messages"]]
    assert (
        "A cancer type in this version has been deleted since; the trial is kept without it."
        in shown
    )
    assert "The sponsor in this version has been deleted since; the sponsor is left empty." in shown
    assert any("has been deleted since; that role is left out." in m for m in shown)

    response = editor_client.post(url, rendered_form_data(page))

    assert response.status_code == 302
    trial.refresh_from_db()
    assert (list(trial.cancer_types.all()), trial.sponsor) == ([], None)
    assert trial.investigator_roles.count() == 0
    assert trial.registry_numbers.get().value == "NCT02813135"


def test_restoring_a_version_whose_address_or_number_is_now_taken(editor_client):
    with reversion.create_revision():
        trial = TrialFactory(slug="old-address", publication=Publication.DRAFT)
        RegistryNumberFactory(trial=trial, value="NCT02813135")
    version = first_version(trial)
    trial.slug = "new-address"
    trial.save()
    trial.registry_numbers.all().delete()
    other = TrialFactory(slug="old-address", short_name="OTHER")
    RegistryNumberFactory(trial=other, value="NCT02813135")
    url = restore_url(trial, version)

    page = editor_client.get(url)

    shown = [str(message) for message in page.context["messages"]]
    assert (
        "The address /trials/old-address/ of this version now leads to “OTHER (example)”; "
        "the trial keeps the address /trials/new-address/." in shown
    )
    assert (
        "NCT02813135 is now the number of another trial (“OTHER (example)”); it is left out."
        in shown
    )
    assert editor_client.post(url, rendered_form_data(page)).status_code == 302
    trial.refresh_from_db()
    assert trial.slug == "new-address"
    assert not trial.registry_numbers.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search document is PostgreSQL's")
def test_a_summary_edit_shows_only_the_summary_in_the_history(publisher_client, trial_with_arms):
    save_through_admin(publisher_client, trial_with_arms)  # a save without changes
    save_through_admin(publisher_client, trial_with_arms, summary="A new summary.")

    entries = history(publisher_client, trial_with_arms).context["history_entries"]

    assert [c.label for c in entries[0].changes] == ["Summary (English)"]
    assert entries[0].inline_changes == []
    assert entries[1].changes == [] and entries[1].inline_changes == []
