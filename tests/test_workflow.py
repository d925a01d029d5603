"""The editorial workflow: roles, publishing, preview and the review cycle."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from reversion.models import Version

from trials.models import ChangeRequest, Publication, Trial
from trials.review import DUE_SOON_DAYS, add_months

from .admin_forms import (
    ADD_URL,
    CHANGELIST_URL,
    add_form_data,
    change_form_data,
    change_url,
    decide,
)
from .factories import CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db


def test_editor_and_publisher_groups_are_created_by_migration():
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    publisher = set(
        Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True)
    )
    assert {"add_trial", "change_trial", "add_arm", "delete_arm", "change_approval"} <= editor
    assert "publish_trial" not in editor
    assert "delete_trial" not in editor
    # Publishers (the trial office) also edit the centre's contact details and look.
    assert publisher == editor | {"publish_trial", "change_sitesettings"}
    assert "view_sitesettings" in editor


# Publishing ------------------------------------------------------------------------


def test_editor_creates_a_trial_as_a_draft_that_the_public_cannot_see(editor_client, client):
    data = add_form_data(editor_client, publication="published")  # a crafted field is ignored
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302
    trial = Trial.objects.get(slug="esmart")
    assert trial.publication == Publication.DRAFT
    assert client.get("/en/trials/esmart/").status_code == 404
    assert "ESMART" not in client.get("/en/trials/").text


def test_editor_sees_no_publish_button(editor_client, publisher_client):
    trial = TrialFactory(publication="draft")
    assert 'name="_publish"' not in editor_client.get(change_url(trial)).text
    assert 'name="_mark_reviewed"' in editor_client.get(change_url(trial)).text
    assert 'name="_publish"' in publisher_client.get(change_url(trial)).text


def test_editor_crafting_a_publish_post_is_refused(editor_client):
    trial = TrialFactory(publication="draft")
    data, _ = change_form_data(editor_client, trial)
    response = editor_client.post(change_url(trial), {**data, "_publish": "1"})
    assert response.status_code == 403
    trial.refresh_from_db()
    assert trial.publication == Publication.DRAFT


def test_editor_cannot_use_the_bulk_publish_or_withdraw_actions(editor_client):
    draft = TrialFactory(publication="draft")
    live = TrialFactory(publication="published")
    actions = dict(
        editor_client.get(CHANGELIST_URL).context["action_form"].fields["action"].choices
    )
    assert "publish_trials" not in actions and "withdraw_trials" not in actions
    for action, trial in [("publish_trials", draft), ("withdraw_trials", live)]:
        editor_client.post(CHANGELIST_URL, {"action": action, "_selected_action": [trial.pk]})
    draft.refresh_from_db()
    live.refresh_from_db()
    assert (draft.publication, live.publication) == ("draft", "published")


def test_publisher_publishes_from_the_form_recording_who_and_when(publisher_client, client):
    trial = TrialFactory(publication="draft", slug="to-publish")
    data, _ = change_form_data(publisher_client, trial)
    response = publisher_client.post(change_url(trial), {**data, "_publish": "1"})
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.publication == Publication.PUBLISHED
    assert trial.published_by == publisher_client.user
    assert trial.published_at is not None
    assert client.get("/en/trials/to-publish/").status_code == 200
    revision = Version.objects.get_for_object(trial).first().revision
    assert revision.user == publisher_client.user
    assert revision.get_comment().startswith("Published.")


def test_publisher_withdraws_a_trial_which_is_kept_but_not_public(publisher_client, client):
    trial = TrialFactory(publication="published", slug="to-withdraw", short_name="GONE")
    data, _ = change_form_data(publisher_client, trial)
    publisher_client.post(change_url(trial), {**data, "_withdraw": "1"})
    trial.refresh_from_db()
    assert trial.publication == Publication.WITHDRAWN
    assert trial.withdrawn_by == publisher_client.user
    assert client.get("/en/trials/to-withdraw/").status_code == 404
    assert list(client.get("/en/trials/?q=GONE").context["trials"]) == []
    assert client.get("/en/").context["trial_count"] == 0


def test_publisher_bulk_actions_record_each_trial(publisher_client):
    drafts = TrialFactory.create_batch(2, publication="draft")
    response = publisher_client.post(
        CHANGELIST_URL,
        {"action": "publish_trials", "_selected_action": [trial.pk for trial in drafts]},
        follow=True,
    )
    assert "2 trials were published." in response.text
    for trial in drafts:
        trial.refresh_from_db()
        assert trial.publication == "published"
        assert Version.objects.get_for_object(trial).first().revision.user == publisher_client.user
    response = publisher_client.post(
        CHANGELIST_URL,
        {"action": "withdraw_trials", "_selected_action": [drafts[0].pk]},
        follow=True,
    )
    assert "1 trial was withdrawn from the public site." in response.text
    assert not Trial.objects.published().filter(pk=drafts[0].pk).exists()


# Preview ---------------------------------------------------------------------------


def test_staff_preview_a_draft_on_the_public_template(editor_client):
    trial = TrialFactory(publication="draft", slug="secret-draft", short_name="SECRET")
    response = editor_client.get(trial.get_preview_url())
    assert response.status_code == 200
    assert "Preview — not public" in response.text
    assert "SECRET" in response.text and "Who can enter" in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_view_on_site_opens_the_preview_for_unpublished_trials(editor_client):
    trial = TrialFactory(publication="withdrawn", slug="kept")
    assert 'href="/en/trials/kept/preview/"' in editor_client.get(change_url(trial)).text


def test_anonymous_visitors_cannot_reach_a_preview(client):
    trial = TrialFactory(publication="draft", slug="secret-draft")
    response = client.get(trial.get_preview_url())
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/?next=/en/trials/secret-draft/preview/")


def test_logged_in_non_staff_cannot_reach_a_preview(client, django_user_model):
    # Even with the Editor group's permissions, a user without staff status is public.
    user = django_user_model.objects.create_user("parent", "p@example.org", "pw")
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    trial = TrialFactory(publication="draft", slug="secret-draft")
    assert client.get(trial.get_preview_url()).status_code == 404


# Review cycle ----------------------------------------------------------------------


def test_next_review_is_due_after_the_interval(settings):
    trial = TrialFactory(last_reviewed=datetime.date(2025, 8, 31))
    assert trial.next_review_due == datetime.date(2026, 2, 28)
    settings.TRIALPORTAL_REVIEW_INTERVAL_MONTHS = 12
    assert trial.next_review_due == datetime.date(2026, 8, 31)


def test_editor_marks_a_trial_as_reviewed_with_the_button(editor_client):
    trial = TrialFactory(last_reviewed=datetime.date(2024, 1, 1), publication="draft")
    data, _ = change_form_data(editor_client, trial)
    editor_client.post(change_url(trial), {**data, "_mark_reviewed": "1"})
    trial.refresh_from_db()
    assert trial.last_reviewed == timezone.localdate()
    assert trial.last_reviewed_by == editor_client.user
    assert not trial.is_review_overdue


def test_mark_as_reviewed_bulk_action(publisher_client):
    trials = TrialFactory.create_batch(2, last_reviewed=None)
    publisher_client.post(
        CHANGELIST_URL,
        {"action": "mark_trials_reviewed", "_selected_action": [t.pk for t in trials]},
    )
    assert set(Trial.objects.values_list("last_reviewed", flat=True)) == {timezone.localdate()}


def test_an_editors_bulk_review_of_published_trials_waits_for_approval(
    editor_client, publisher_client
):
    live = TrialFactory(last_reviewed=None, short_name="LIVE")
    draft = TrialFactory(last_reviewed=None, publication="draft", short_name="DRAFT")
    response = editor_client.post(
        CHANGELIST_URL,
        {"action": "mark_trials_reviewed", "_selected_action": [live.pk, draft.pk]},
        follow=True,
    )
    assert [str(message) for message in response.context["messages"]] == [
        "1 trial was marked as reviewed.",
        "Your review of 1 published trial waits for a publisher's approval.",
    ]
    live.refresh_from_db()
    draft.refresh_from_db()
    assert (live.last_reviewed, draft.last_reviewed) == (None, timezone.localdate())
    assert ChangeRequest.objects.get().trial == live
    decide(publisher_client, live, "_approve")
    live.refresh_from_db()
    assert (live.last_reviewed, live.last_reviewed_by) == (timezone.localdate(), editor_client.user)


@pytest.fixture
def review_states():
    today = timezone.localdate()
    interval_ago = add_months(today, -6)
    return {
        "never": TrialFactory(short_name="NEVER", last_reviewed=None),
        "overdue": TrialFactory(
            short_name="OVERDUE", last_reviewed=interval_ago - datetime.timedelta(days=3)
        ),
        "soon": TrialFactory(
            short_name="SOON", last_reviewed=interval_ago + datetime.timedelta(days=10)
        ),
        "fine": TrialFactory(short_name="FINE", last_reviewed=today),
        "withdrawn": TrialFactory(
            short_name="WITHDRAWN", publication="withdrawn", last_reviewed=None
        ),
    }


def test_the_trial_list_and_the_admin_index_agree_on_what_needs_review(
    editor_client, review_states
):
    def listed(query):
        response = editor_client.get(CHANGELIST_URL + query)
        return sorted(trial.short_name for trial in response.context["cl"].result_list)

    response = editor_client.get("/admin/")
    panel = response.context["review_panel"]
    # A withdrawn trial is not public: nothing to keep current, neither here nor there.
    assert [trial.short_name for trial in panel["overdue"]] == ["NEVER", "OVERDUE"]
    assert listed("?review=overdue") == ["NEVER", "OVERDUE"]
    assert [trial.short_name for trial in panel["due_soon"]] == ["SOON"]
    assert listed("?review=due_soon") == ["SOON"]
    assert "Trial pages to review" in response.text
    assert "Never reviewed" in response.text
    assert f"Due within {DUE_SOON_DAYS} days" in response.text
    withdrawn = editor_client.get(change_url(review_states["withdrawn"])).text
    assert "never been reviewed" not in withdrawn


def test_overdue_published_trial_stays_public_but_is_flagged_to_staff(
    client, editor_client, review_states
):
    trial = review_states["overdue"]
    assert client.get(trial.get_absolute_url()).status_code == 200
    assert "Review overdue" in editor_client.get(change_url(trial)).text
    assert "Review overdue." in editor_client.get(trial.get_preview_url()).text


def test_public_page_shows_last_reviewed(client):
    trial = TrialFactory(last_reviewed=datetime.date(2025, 9, 16))
    assert "September 16, 2025" in client.get(trial.get_absolute_url()).text


@pytest.mark.parametrize("day", [29, 30, 31])
def test_review_filters_agree_with_the_due_date_at_month_ends(day):
    # Reviews on August 29, 30 and 31 are all due on February 28.
    trial = TrialFactory(last_reviewed=datetime.date(2026, 8, day))
    assert trial.next_review_due == datetime.date(2027, 2, 28)
    due_day = datetime.date(2027, 2, 28)
    assert list(Trial.objects.review_overdue(today=due_day)) == [trial]
    day_before = datetime.date(2027, 2, 27)
    assert list(Trial.objects.review_overdue(today=day_before)) == []
    assert list(Trial.objects.review_due_within(1, today=day_before)) == [trial]
    assert list(Trial.objects.review_due_within(30, today=datetime.date(2027, 1, 29))) == [trial]
    assert list(Trial.objects.review_due_within(30, today=datetime.date(2027, 1, 28))) == []


def test_never_reviewed_trial_says_so_publicly(client):
    trial = TrialFactory(last_reviewed=None)
    assert (
        "Last reviewed:</strong> not yet reviewed by our staff"
        in client.get(trial.get_absolute_url()).text
    )


def test_who_can_enter_cannot_be_saved_empty_after_cleaning(editor_client):
    data = add_form_data(editor_client, eligibility="<p> </p><script>alert(1)</script>")
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Say who can enter this trial" in str(
        response.context["adminform"].form.errors["eligibility_en"]
    )
    assert not Trial.objects.exists()


@pytest.mark.parametrize("trial_count", [2, 12])
def test_staff_pages_run_a_fixed_number_of_queries(
    editor_client, django_assert_num_queries, trial_count
):
    trials = TrialFactory.create_batch(
        trial_count, last_reviewed=None, cancer_types=[CancerTypeFactory()]
    )
    # Every trial changed once, the first one once per trial: more trials, changes
    # awaiting approval and revisions.
    for number, trial in enumerate([*trials, *[trials[0]] * trial_count]):
        data, _ = change_form_data(editor_client, trial)
        editor_client.post(change_url(trial), {**data, "status_note_en": f"Note {number}"})
    # The same whatever the number of trials and revisions: the index with its panels
    # of changes awaiting approval and of reviews; a preview of changes awaiting approval
    # (session, user, permissions, the trial, its open change, the stored version and its
    # rows, what it names, related trials, glossary); and a trial's history with its
    # field-by-field differences.
    # The index's registry panel adds one (its trials; their pending changes, when there
    # are any, one more: tests/test_admin_registry.py).
    with django_assert_num_queries(9):
        editor_client.get("/admin/")
    # 15 + the centre's settings (contact, look) + the live trial's registry record (the
    # page shows when the registry last updated it).
    with django_assert_num_queries(17):
        editor_client.get(trials[0].get_preview_url())
    with django_assert_num_queries(14):
        editor_client.get(f"/admin/trials/trial/{trials[0].pk}/history/")


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("term_count", [1, 20])
def test_glossary_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, term_count, language
):
    from trials.models import GlossaryTerm

    for number in range(term_count):
        GlossaryTerm.objects.create(term=f"Term {number}", slug=f"term_{number}", explanation="x")
    # The version of public content (trials.freshness), the terms, the centre's settings.
    with django_assert_num_queries(3):
        client.get(f"/{language}/glossary/")
    with django_assert_num_queries(1):  # a repeat visit, from the page cache
        client.get(f"/{language}/glossary/")
