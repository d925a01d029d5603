"""Four eyes: an Editor's change to a published trial waits until a Publisher approves it."""

import pytest
from reversion.models import Version

from trials.models import (
    Approval,
    Arm,
    ArmStatus,
    ChangeRequest,
    ChangeState,
    Publication,
    Registry,
    RegistryNumber,
    Trial,
    TrialInvestigator,
)

from .admin_forms import (
    CHANGELIST_URL,
    add_row,
    change_form_data,
    change_url,
    changes_url,
    decide,
    row_index,
    save_through_admin,
)
from .factories import (
    ArmFactory,
    CancerTypeFactory,
    InvestigatorFactory,
    RegistryNumberFactory,
    TrialFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_trial():
    trial = TrialFactory(
        short_name="LIVE", slug="live", summary="The published summary.", status_note=""
    )
    ArmFactory(trial=trial, name="Arm A", status=ArmStatus.OPEN, order=1)
    return trial


def public_page(client, trial):
    response = client.get(f"/en/trials/{trial.slug}/")
    assert response.status_code == 200
    return response.text


def edit_summary_and_arm(client, trial, summary="The corrected summary."):
    """An edit of a field, an existing arm and a new arm, through the admin."""
    data, prefixes = change_form_data(client, trial)
    arms = prefixes[Arm]
    arm_a = trial.arms.get(name="Arm A")
    data["summary_en"] = summary
    data[f"{arms}-{row_index(data, arms, arm_a.pk)}-status"] = ArmStatus.CLOSED
    add_row(data, arms, {"name": "Arm B", "status": ArmStatus.OPEN, "order": "2"})
    return client.post(change_url(trial), data)


def test_editor_change_is_invisible_publicly_until_a_publisher_approves(
    editor_client, publisher_client, client, live_trial
):
    response = edit_summary_and_arm(editor_client, live_trial)

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("waiting for a publisher's approval" in m for m in messages)
    page = public_page(client, live_trial)
    assert "The published summary." in page and "The corrected summary." not in page
    assert "Arm B" not in page
    assert "Closed for inclusion" not in page
    assert list(live_trial.arms.values_list("name", "status")) == [("Arm A", "open")]
    change = ChangeRequest.objects.get(trial=live_trial)
    assert (change.state, change.submitted_by) == (ChangeState.WAITING, editor_client.user)

    response = decide(publisher_client, live_trial, "_approve")

    assert response.status_code == 302
    page = public_page(client, live_trial)
    assert "The corrected summary." in page and "The published summary." not in page
    assert "Arm B" in page and "Closed for inclusion" in page
    change.refresh_from_db()
    assert (change.state, change.decided_by) == (ChangeState.APPROVED, publisher_client.user)
    live_trial.refresh_from_db()
    assert live_trial.publication == Publication.PUBLISHED
    newest = Version.objects.get_for_object(live_trial).first().revision
    assert newest.user == publisher_client.user
    assert newest.get_comment().startswith("Approved the changes editor submitted on")
    assert all(pk > 0 for pk in live_trial.arms.values_list("pk", flat=True))


def test_every_inline_and_the_cancer_types_wait_too(editor_client, publisher_client, live_trial):
    neuroblastoma = CancerTypeFactory(name="Neuroblastoma")
    investigator = InvestigatorFactory(name="N. van Eijkelenburg")
    data, prefixes = change_form_data(editor_client, live_trial)
    data["cancer_types"] = [str(neuroblastoma.pk)]
    add_row(data, prefixes[Approval], {"kind": "ethics", "body": "METC", "decision_date": ""})
    add_row(data, prefixes[RegistryNumber], {"registry": Registry.NCT, "value": "NCT02813135"})
    add_row(
        data,
        prefixes[TrialInvestigator],
        {"investigator": str(investigator.pk), "role": "local_pi", "order": "0"},
    )
    assert editor_client.post(change_url(live_trial), data).status_code == 302

    def state():
        return (
            list(live_trial.cancer_types.all()),
            live_trial.approvals.count(),
            live_trial.registry_numbers.count(),
            live_trial.investigator_roles.count(),
        )

    assert state() == ([], 0, 0, 0)
    decide(publisher_client, live_trial, "_approve")
    assert state() == ([neuroblastoma], 1, 1, 1)
    assert str(live_trial.investigator_roles.get()) == (
        "Dr. N. van Eijkelenburg (Local principal investigator)"
    )


def test_the_editor_who_reopens_the_trial_sees_the_waiting_version_and_goes_on(
    editor_client, publisher_client, client, live_trial
):
    edit_summary_and_arm(editor_client, live_trial)
    response = editor_client.get(change_url(live_trial))
    assert "Changes awaiting approval" in response.text
    form = response.context["adminform"].form
    assert form["summary_en"].value() == "The corrected summary."
    arm_names = [
        form.instance.name
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Arm
        for form in inline.formset.initial_forms
    ]
    assert arm_names == ["Arm A", "Arm B"]

    # A second round of edits, on top of the first: the new version replaces the old.
    save_through_admin(editor_client, live_trial, status_note="Closed for the summer.")

    first, second = ChangeRequest.objects.filter(trial=live_trial).order_by("pk")
    assert (first.state, second.state) == (ChangeState.SUPERSEDED, ChangeState.WAITING)
    assert "Closed for the summer." not in public_page(client, live_trial)
    decide(publisher_client, live_trial, "_approve")
    live_trial.refresh_from_db()
    assert (live_trial.summary, live_trial.status_note) == (
        "The corrected summary.",
        "Closed for the summer.",
    )
    assert sorted(live_trial.arms.values_list("name", flat=True)) == ["Arm A", "Arm B"]


def test_a_row_added_while_waiting_never_takes_over_another_trials_row(
    editor_client, publisher_client, live_trial
):
    edit_summary_and_arm(editor_client, live_trial)
    # Rows saved meanwhile: on SQLite they may get the id the rolled-back Arm B had.
    other = TrialFactory(short_name="OTHER")
    others = [ArmFactory(trial=other, name=f"Other arm {n}") for n in range(3)]

    decide(publisher_client, live_trial, "_approve")

    for arm in others:
        arm.refresh_from_db()
        assert arm.trial == other and arm.name.startswith("Other arm")
    assert sorted(live_trial.arms.values_list("name", flat=True)) == ["Arm A", "Arm B"]


def test_a_publisher_sends_back_with_a_comment_the_editor_sees(
    editor_client, publisher_client, live_trial
):
    edit_summary_and_arm(editor_client, live_trial)

    response = decide(publisher_client, live_trial, "_send_back", "Say which arms reopened.")

    assert response.status_code == 302
    change = ChangeRequest.objects.get(trial=live_trial)
    assert (change.state, change.comment) == (ChangeState.SENT_BACK, "Say which arms reopened.")
    form_page = editor_client.get(change_url(live_trial)).text
    assert "publisher sent these changes back on" in form_page
    assert "Say which arms reopened." in form_page
    listed = editor_client.get(CHANGELIST_URL + "?changes=sent_back").context["cl"].result_list
    assert list(listed) == [live_trial]
    # Saved again, even unchanged, the changes wait again.
    save_through_admin(editor_client, live_trial)
    assert live_trial.change_requests.open().get().state == ChangeState.WAITING


def test_sending_back_needs_a_comment(editor_client, publisher_client, live_trial):
    edit_summary_and_arm(editor_client, live_trial)

    response = decide(publisher_client, live_trial, "_send_back", "   ")

    assert response.status_code == 200
    assert "Say what the editor should change" in response.text
    assert live_trial.change_requests.get().state == ChangeState.WAITING


@pytest.mark.parametrize("decision", ["_approve", "_send_back"])
def test_an_editors_crafted_decision_is_refused(
    editor_client, second_editor_client, client, live_trial, decision
):
    edit_summary_and_arm(second_editor_client, live_trial)

    response = decide(editor_client, live_trial, decision, "Looks fine to me.")

    assert response.status_code == 403
    assert live_trial.change_requests.get().state == ChangeState.WAITING
    assert "The corrected summary." not in public_page(client, live_trial)


def test_only_the_author_or_a_publisher_discards(
    editor_client, second_editor_client, publisher_client, live_trial
):
    edit_summary_and_arm(editor_client, live_trial)
    assert decide(second_editor_client, live_trial, "_discard").status_code == 403
    assert decide(editor_client, live_trial, "_discard").status_code == 302
    assert live_trial.change_requests.get().state == ChangeState.DISCARDED
    response = editor_client.get(change_url(live_trial))
    assert response.context["adminform"].form["summary_en"].value() == "The published summary."


def test_a_decision_on_a_version_replaced_meanwhile_is_refused(
    editor_client, publisher_client, live_trial
):
    edit_summary_and_arm(editor_client, live_trial)
    seen = live_trial.change_requests.open().get()
    save_through_admin(editor_client, live_trial, status_note="A later change.")

    response = publisher_client.post(
        changes_url(live_trial), {"change": str(seen.pk), "_approve": "1"}, follow=True
    )

    assert "replaced or decided on while you were reading" in response.text
    live_trial.refresh_from_db()
    assert live_trial.summary == "The published summary."


def test_the_approval_page_compares_the_live_page_with_the_waiting_version(
    editor_client, publisher_client, live_trial
):
    edit_summary_and_arm(editor_client, live_trial)

    page = publisher_client.get(changes_url(live_trial))

    assert [(c.label, c.old, c.new) for c in page.context["changes"]] == [
        ("Summary (English)", "The published summary.", "The corrected summary.")
    ]
    assert sorted((c.kind, c.name) for c in page.context["inline_changes"]) == [
        ("added", "Arm B"),
        ("changed", "Arm A"),
    ]
    assert "<del>The published summary.</del> → <ins>The corrected summary.</ins>" in page.text
    assert 'name="_approve"' in page.text and 'name="_send_back"' in page.text
    editor_page = editor_client.get(changes_url(live_trial))
    assert 'name="_approve"' not in editor_page.text
    assert 'name="_discard"' in editor_page.text


def test_the_approval_page_warns_when_the_live_page_changed_since(
    editor_client, publisher_client, live_trial
):
    edit_summary_and_arm(editor_client, live_trial)
    # Changed directly, not through the form (an import, a script).
    Trial.objects.filter(pk=live_trial.pk).update(status_note="Changed outside the form.")

    page = publisher_client.get(changes_url(live_trial))

    assert "these later changes would be undone" in page.text
    assert [c.label for c in page.context["drift_changes"]] == ["Status note (English)"]


@pytest.mark.parametrize("row_count", [1, 15])
def test_the_approval_page_runs_a_fixed_number_of_queries(
    editor_client, publisher_client, django_assert_num_queries, live_trial, row_count
):
    from .factories import ApprovalFactory, TrialInvestigatorFactory

    live_trial.cancer_types.set(CancerTypeFactory.create_batch(row_count))
    for number in range(row_count):
        ArmFactory(trial=live_trial, name=f"Extra arm {number}")
        ApprovalFactory(trial=live_trial)
        TrialInvestigatorFactory(trial=live_trial)
    RegistryNumberFactory(trial=live_trial)
    edit_summary_and_arm(editor_client, live_trial)
    # Session, user, the trial, permissions (2), its open change; the live rows (cancer
    # types, four inlines); the waiting version (trial version, rows); the checks of what
    # it names (cancer types, organisations, investigators, registry numbers, address);
    # the live version it was based on (version, rows); the names the differ shows
    # (cancer types, investigators, organisations).
    with django_assert_num_queries(23):
        publisher_client.get(changes_url(live_trial))


def test_a_publisher_chooses_to_publish_at_once_or_to_wait(publisher_client, client, live_trial):
    save_through_admin(publisher_client, live_trial, summary="Live at once.")
    assert "Live at once." in public_page(client, live_trial)

    save_through_admin(
        publisher_client, live_trial, summary="Checked first.", _submit_for_approval="1"
    )
    assert "Checked first." not in public_page(client, live_trial)
    assert live_trial.change_requests.open().get().submitted_by == publisher_client.user


def test_a_publisher_saving_the_form_with_waiting_changes_approves_them(
    editor_client, publisher_client, client, live_trial
):
    edit_summary_and_arm(editor_client, live_trial)

    save_through_admin(publisher_client, live_trial, status_note="And a note.")

    page = public_page(client, live_trial)
    assert "The corrected summary." in page and "Arm B" in page and "And a note." in page
    change = live_trial.change_requests.get()
    assert (change.state, change.decided_by) == (ChangeState.APPROVED, publisher_client.user)
    assert not live_trial.arms.filter(pk__lt=0).exists()


def test_the_staff_preview_shows_the_waiting_version(editor_client, client, live_trial):
    edit_summary_and_arm(editor_client, live_trial)

    preview = editor_client.get(live_trial.get_preview_url())

    assert "These are changes awaiting approval, submitted by editor" in preview.text
    assert "The corrected summary." in preview.text and "Arm B" in preview.text
    assert "The published summary." not in preview.text
    assert list(live_trial.arms.values_list("name", flat=True)) == ["Arm A"]
    assert "Arm B" not in public_page(client, live_trial)


@pytest.mark.parametrize("publication", [Publication.DRAFT, Publication.WITHDRAWN])
def test_editors_save_drafts_and_withdrawn_trials_directly(editor_client, publication):
    trial = TrialFactory(publication=publication, summary="Before.")

    save_through_admin(editor_client, trial, summary="After.")

    trial.refresh_from_db()
    assert trial.summary == "After."
    assert not ChangeRequest.objects.exists()


def test_saving_a_published_trial_unchanged_submits_nothing(editor_client, live_trial):
    response = editor_client.post(
        change_url(live_trial), change_form_data(editor_client, live_trial)[0]
    )

    assert response.status_code == 302
    assert not ChangeRequest.objects.exists()
    follow = editor_client.get(response.url)
    assert "Nothing was changed, so there is nothing to approve." in follow.text


def test_an_editors_review_of_a_published_trial_waits_too(
    editor_client, publisher_client, live_trial
):
    live_trial.last_reviewed = None
    live_trial.save()
    data, _ = change_form_data(editor_client, live_trial)

    editor_client.post(change_url(live_trial), {**data, "_mark_reviewed": "1"})

    live_trial.refresh_from_db()
    assert live_trial.last_reviewed is None
    decide(publisher_client, live_trial, "_approve")
    live_trial.refresh_from_db()
    assert live_trial.last_reviewed is not None
    assert live_trial.last_reviewed_by == editor_client.user


def test_the_trial_list_shows_and_filters_changes_awaiting_approval(
    editor_client, second_editor_client, publisher_client, live_trial
):
    other = TrialFactory(short_name="OTHER", summary="Other summary.")
    quiet = TrialFactory(short_name="QUIET")
    edit_summary_and_arm(editor_client, live_trial)
    save_through_admin(second_editor_client, other, summary="Changed by a colleague.")

    def listed(client, query):
        response = client.get(CHANGELIST_URL + query)
        return sorted(trial.short_name for trial in response.context["cl"].result_list)

    assert listed(publisher_client, "?changes=waiting") == ["LIVE", "OTHER"]
    assert listed(editor_client, "?changes=mine") == ["LIVE"]
    assert listed(editor_client, "?changes=sent_back") == []
    page = publisher_client.get(CHANGELIST_URL).text
    assert f'href="{changes_url(live_trial)}">Waiting: editor</a>' in page
    assert quiet.short_name in page


def test_the_admin_index_lists_waiting_changes(
    editor_client, second_editor_client, publisher_client, live_trial
):
    other = TrialFactory(short_name="OTHER")
    edit_summary_and_arm(editor_client, live_trial)
    save_through_admin(second_editor_client, other, summary="Changed by a colleague.")

    publisher_panel = publisher_client.get("/admin/").context["change_panel"]["changes"]
    editor_panel = editor_client.get("/admin/").context["change_panel"]["changes"]

    assert sorted(change.trial.short_name for change in publisher_panel) == ["LIVE", "OTHER"]
    assert [change.trial.short_name for change in editor_panel] == ["LIVE"]


def test_code_outside_the_admin_can_submit_changes_for_approval(
    django_user_model, client, live_trial
):
    from trials.moderation import submit_change

    importer = django_user_model.objects.create_user("importer")

    def edit(trial):
        trial.summary = "From the registry."
        trial.save()
        Arm.objects.create(trial=trial, name="Arm from the registry")

    change = submit_change(trial=live_trial, user=importer, edit=edit, comment="Imported.")

    assert change.state == ChangeState.WAITING
    assert "From the registry." not in public_page(client, live_trial)
    assert not live_trial.arms.filter(name="Arm from the registry").exists()


def test_changes_naming_a_cancer_type_deleted_since_say_so_and_go_live_without_it(
    editor_client, publisher_client, live_trial
):
    doomed = CancerTypeFactory(name="Doomed type")
    data, _ = change_form_data(editor_client, live_trial)
    editor_client.post(change_url(live_trial), {**data, "cancer_types": [str(doomed.pk)]})
    doomed.delete()

    page = publisher_client.get(changes_url(live_trial))

    assert page.context["notes"] == [
        "A cancer type in this version has been deleted since; the trial is kept without it."
    ]
    assert editor_client.get(change_url(live_trial)).status_code == 200
    assert editor_client.get(live_trial.get_preview_url()).status_code == 200
    assert decide(publisher_client, live_trial, "_approve").status_code == 302
    assert live_trial.change_requests.get().state == ChangeState.APPROVED
    assert list(live_trial.cancer_types.all()) == []


def test_decisions_are_audit_events_without_names(
    editor_client, publisher_client, live_trial, caplog, django_capture_on_commit_callbacks
):
    # Audit lines are written once the change is committed.
    with (
        caplog.at_level("INFO", logger="trialportal.audit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        edit_summary_and_arm(editor_client, live_trial)
        decide(publisher_client, live_trial, "_send_back", "Not yet.")
        save_through_admin(editor_client, live_trial, status_note="Fixed.")
        decide(publisher_client, live_trial, "_approve")

    audit = [record for record in caplog.records if record.name == "trialportal.audit"]
    events = [(r.event, r.user_id, r.object_type, r.object_id) for r in audit]
    editor, publisher = editor_client.user.pk, publisher_client.user.pk
    assert events == [
        ("submit_for_approval", editor, "trial", live_trial.pk),
        ("send_back", publisher, "trial", live_trial.pk),
        ("submit_for_approval", editor, "trial", live_trial.pk),
        ("approve", publisher, "trial", live_trial.pk),
    ]
    for record in audit:
        assert "editor" not in record.getMessage() and "publisher" not in str(record.__dict__)
