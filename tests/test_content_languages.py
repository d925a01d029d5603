"""Texts in Dutch and English: the page's language or the other, said so; translations
that may be out of date, flagged until staff confirm them; both languages through history,
conflicts, approval, backups and search."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from trials.models import Arm, GlossaryTerm, Publication, SiteSettings, Trial

from .admin_forms import change_form_data, change_url, changes_url, decide, save_through_admin
from .factories import ArmFactory, CancerTypeFactory, GlossaryTermFactory, TrialFactory
from .test_backup import empty_the_app

pytestmark = pytest.mark.django_db


def page(client, obj_or_url_name, language):
    """The public page in `language` (of an object, or by its URL's name), reached as a
    visitor of that language would."""
    with translation.override(language):
        if isinstance(obj_or_url_name, str):
            url = reverse(obj_or_url_name)
        else:
            url = obj_or_url_name.get_absolute_url()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert response.status_code == 200
    return response.text


def notices(html: str) -> list[str]:
    return [part.split("</p>")[0] for part in html.split('class="translation-notice">')[1:]]


@pytest.fixture
def bilingual():
    trial = TrialFactory(
        slug="bilingual",
        publication=Publication.PUBLISHED,
        summary_en="Medicines matched to the tumour.",
        summary_nl="Medicijnen die passen bij de tumor.",
        eligibility_en="<p>Children whose cancer came back.</p>",
        eligibility_nl="<p>Kinderen bij wie de kanker is teruggekomen.</p>",
        goal_en="<p>Find a safe dose.</p>",
        goal_nl="",
    )
    ArmFactory(trial=trial, name_en="Arm A", name_nl="Arm A (nl)", description_en="One drug.")
    return trial


def test_a_dutch_page_shows_dutch_texts_without_notice(client, bilingual):
    html = page(client, bilingual, "nl")
    assert "Kinderen bij wie de kanker is teruggekomen." in html
    assert "Children whose cancer came back." not in html
    assert '<div class="trial__text"><p>Kinderen' in html  # in the page's language: no lang


def test_a_text_missing_in_dutch_is_shown_in_english_with_lang_and_a_notice(client, bilingual):
    html = page(client, bilingual, "nl")
    assert '<div class="trial__text" lang="en"><p>Find a safe dose.</p></div>' in html
    assert '<p class="arm__description" lang="en">One drug.</p>' in html
    with translation.override("nl"):
        english = str(translation.get_language_info("en")["name_translated"])
    goal = html.split("Find a safe dose.</p></div>")[1]
    assert goal.startswith('<p class="translation-notice">') and english in notices(goal)[0]
    # Every arm's description in English: said once above the list, not once per arm.
    arms = html.split('<ul class="arms">')
    assert english in notices(arms[0])[-1] and not notices(arms[1].split("</ul>")[0])


def test_a_text_only_in_dutch_is_shown_on_the_english_page_marked_as_dutch(client, bilingual):
    bilingual.goal_en, bilingual.goal_nl = "", "<p>Een veilige dosis vinden.</p>"
    bilingual.save()
    html = page(client, bilingual, "en")
    notice = '<p class="translation-notice">This text is only available in Dutch.</p>'
    assert (
        '<div class="trial__text" lang="nl"><p>Een veilige dosis vinden.</p></div>' + notice
    ) in html


def test_an_english_page_of_a_bilingual_trial_has_no_notices(client, bilingual):
    html = page(client, bilingual, "en")
    assert "Children whose cancer came back." in html and not notices(html)
    assert ' lang="nl"' not in html.split("<main")[1]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_glossary_cancer_type_and_finder_mark_texts_in_the_other_language(client, language):
    other = "nl" if language == "en" else "en"
    # Each text written in the other language only.
    GlossaryTermFactory(
        slug="fase",
        **{f"term_{other}": "Fase", f"explanation_{other}": "<p>Een stap.</p>"},
        **{f"term_{language}": None, f"explanation_{language}": ""},
    )
    cancer_type = CancerTypeFactory(
        **{f"description_{other}": "<p>Een beschrijving.</p>", f"description_{language}": ""}
    )
    TrialFactory(
        publication=Publication.PUBLISHED,
        **{f"summary_{other}": "Alleen dit.", f"summary_{language}": ""},
    )
    glossary = page(client, "trials:glossary", language)
    assert f'<div lang="{other}"><p>Een stap.</p></div><p class="translation-notice">' in glossary
    type_page = page(client, cancer_type, language)
    assert (
        f'<div class="lead" lang="{other}"><p>Een beschrijving.</p></div>'
        '<p class="translation-notice">'
    ) in type_page
    finder = page(client, "trials:list", language)
    assert f'lang="{other}">Alleen dit.</p>' in finder


def test_each_page_runs_as_many_queries_in_dutch_as_in_english(client, bilingual):
    pages = {
        "detail": bilingual,
        "list": "trials:list",
        "glossary": "trials:glossary",
        "home": "trials:home",
    }
    counts = {}
    for language in ["en", "nl"]:
        for name, target in pages.items():
            page(client, target, language)  # warm the caches of the first visit
            with CaptureQueriesContext(connection) as queries:
                html = page(client, target, language)
            assert f'<html lang="{language}"' in html
            counts[language, name] = len(queries)
    assert {name: counts["nl", name] for name in pages} == {
        name: counts["en", name] for name in pages
    }


# Out-of-date translations ------------------------------------------------------------


def test_editing_the_english_text_flags_the_dutch_one_until_it_is_edited(bilingual):
    assert bilingual.outdated_translations() == []
    bilingual.summary_en = "Medicines matched to the tumour's DNA."
    bilingual.save()
    assert bilingual.outdated_translations() == [("summary", "nl", "en")]
    bilingual.summary_en = "Medicines matched to the tumour's genes."
    bilingual.save()
    assert bilingual.outdated_translations() == [("summary", "nl", "en")]
    bilingual.summary_nl = "Medicijnen die passen bij de genen van de tumor."
    bilingual.save()
    assert bilingual.outdated_translations() == []


def test_a_new_translation_or_both_languages_edited_together_is_not_flagged(bilingual):
    bilingual.goal_nl = "<p>Een veilige dosis vinden.</p>"
    bilingual.save()
    bilingual.summary_en, bilingual.summary_nl = "New.", "Nieuw."
    bilingual.save()
    assert bilingual.outdated_translations() == []


def test_the_public_page_says_a_translation_may_be_out_of_date_until_staff_confirm(
    client, staff_client, bilingual
):
    bilingual.eligibility_en = "<p>Children whose cancer came back, aged 1 to 18.</p>"
    bilingual.save()
    outdated = "Kinderen bij wie de kanker is teruggekomen.</p></div>"
    assert "misschien niet actueel" in notices(page(client, bilingual, "nl").split(outdated)[1])[0]
    assert "may be out of date" not in page(client, bilingual, "en")

    form = staff_client.get(change_url(bilingual)).text
    assert "the English text changed after it was translated" in form
    save_through_admin(staff_client, bilingual, confirm_translations="on")

    bilingual.refresh_from_db()
    assert bilingual.outdated_translations() == []
    assert "misschien niet actueel" not in page(client, bilingual, "nl")
    assert (
        "text changed after it was translated" not in staff_client.get(change_url(bilingual)).text
    )


def test_an_arm_translation_is_flagged_and_confirmed_on_its_row(staff_client, bilingual):
    arm = bilingual.arms.get()
    arm.name_en = "Arm A, renamed"
    arm.save()
    form = staff_client.get(change_url(bilingual)).text
    assert "Dutch name: the English text changed after it was translated." in form
    data, prefixes = change_form_data(staff_client, bilingual)
    data[f"{prefixes[Arm]}-0-confirm_translations"] = "on"
    assert staff_client.post(change_url(bilingual), data).status_code == 302
    arm.refresh_from_db()
    assert arm.outdated_translations() == []


# Limits, cleaning, fallbacks in the models -------------------------------------------------


def test_rich_text_in_dutch_is_cleaned_and_limited_like_english(bilingual):
    bilingual.eligibility_nl = "<p>Kinderen<script>alert(1)</script></p>"
    bilingual.save()
    bilingual.refresh_from_db()
    assert bilingual.eligibility_nl == "<p>Kinderen</p>"
    bilingual.subtitle_nl = "x" * 121
    with pytest.raises(ValidationError) as error:
        bilingual.full_clean()
    assert "subtitle_nl" in error.value.message_dict


def test_saving_in_dutch_never_copies_english_into_the_dutch_column(bilingual):
    with translation.override("nl"):
        trial = Trial.objects.get(pk=bilingual.pk)
        assert trial.goal == "<p>Find a safe dose.</p>"  # the fallback, for reading
        trial.save()
    trial.refresh_from_db()
    assert (trial.goal_en, trial.goal_nl) == ("<p>Find a safe dose.</p>", "")


# History, conflicts, approval, backup ---------------------------------------------------


def test_history_names_the_language_of_each_change(staff_client, bilingual):
    save_through_admin(staff_client, bilingual)
    save_through_admin(staff_client, bilingual, summary_nl="Medicijnen op maat.")
    history = staff_client.get(f"/admin/trials/trial/{bilingual.pk}/history/").text
    assert "Summary (Dutch)" in history and "Medicijnen op maat." in history
    assert "Summary (English)" not in history


def test_a_dutch_edit_waits_for_approval_and_goes_live_with_it(
    editor_client, publisher_client, client, bilingual
):
    bilingual.published_at = bilingual.updated_at
    bilingual.save()
    save_through_admin(editor_client, bilingual, goal_nl="<p>Een veilige dosis.</p>")
    assert "Een veilige dosis." not in page(client, bilingual, "nl")
    compared = publisher_client.get(changes_url(bilingual)).context
    assert [change.label for change in compared["changes"]] == ["Goal (Dutch)"]
    assert not compared["inline_changes"]  # the arm's texts read alike in both languages

    assert decide(publisher_client, bilingual, "_approve").status_code == 302

    html = page(client, bilingual, "nl")
    assert "Een veilige dosis." in html and "Find a safe dose." not in html


def test_a_backup_keeps_both_languages(tmp_path, bilingual):
    backup = tmp_path / "backup.json"
    call_command("export_trials", "-o", str(backup), stderr=None)
    rows = [obj for obj in json.loads(backup.read_text()) if obj["model"] == "trials.trial"]
    assert rows[0]["fields"]["summary_nl"] == "Medicijnen die passen bij de tumor."
    empty_the_app()
    call_command("import_trials", str(backup), stdout=None)
    trial = Trial.objects.get(slug="bilingual")
    assert (trial.summary_en, trial.summary_nl) == (
        "Medicines matched to the tumour.",
        "Medicijnen die passen bij de tumor.",
    )


# Search ----------------------------------------------------------------------------------


def test_search_finds_a_trial_by_its_dutch_text(bilingual):
    TrialFactory(summary_en="Something else.")
    assert list(Trial.objects.search("teruggekomen")) == [bilingual]
    assert list(Trial.objects.search("Arm A (nl)")) == [bilingual]


def test_search_finds_a_cancer_type_by_its_dutch_everyday_name():
    kidney = CancerTypeFactory(name_en="Wilms tumour", lay_name_nl="nierkanker")
    trial = TrialFactory(cancer_types=[kidney])
    TrialFactory()
    assert list(Trial.objects.search("nierkanker")) == [trial]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_dutch_words_are_stemmed_on_postgresql():
    trial = TrialFactory(summary_nl="Voor kinderen met hersentumoren die zijn teruggekeerd.")
    TrialFactory()
    assert list(Trial.objects.search("hersentumor")) == [trial]


# The demo ----------------------------------------------------------------------------------


def test_the_demo_loads_esmart_and_three_more_in_dutch_and_leaves_others_english(client):
    call_command("load_demo_trials", stdout=None)
    esmart = Trial.objects.get(slug="esmart")
    html = page(client, esmart, "nl")
    assert "Kinderen en jongeren met kanker bij wie de ziekte is teruggekomen" in html
    assert esmart.outdated_translations() == []
    dutch = Trial.objects.exclude(summary_nl="").values_list("short_name", flat=True)
    assert len(dutch) >= 4 and "ESMART" in dutch
    english_only = Trial.objects.published().filter(summary_nl="").first()
    assert "This text is only available in" not in page(client, english_only, "en")
    assert 'lang="en"' in page(client, english_only, "nl")
    assert list(Trial.objects.search("nierkanker")) == list(Trial.objects.search("Wilms tumour"))


def test_the_demo_keeps_dutch_glossary_and_centre_texts_staff_wrote(client):
    GlossaryTerm.objects.filter(slug="phase").update(term_nl="Fase (van ons)")
    centre = SiteSettings.load()
    centre.opening_hours_nl = "Elke werkdag"
    centre.save()
    call_command("load_demo_trials", stdout=None)
    assert GlossaryTerm.objects.get(slug="phase").term_nl == "Fase (van ons)"
    assert SiteSettings.load().opening_hours_nl == "Elke werkdag"


@pytest.mark.parametrize("submit", [{}, {"_saveasnew": "Save as new"}])
def test_an_editors_translations_checked_leaves_the_public_notice_until_approval(
    editor_client, client, bilingual, submit
):
    bilingual.published_at = bilingual.updated_at
    bilingual.eligibility_en = "<p>Children whose cancer came back, aged 1 to 18.</p>"
    bilingual.save()
    assert bilingual.outdated_translations()

    data, _prefixes = change_form_data(editor_client, bilingual)
    data.update({"confirm_translations": "on", **submit})
    editor_client.post(change_url(bilingual), data)

    bilingual.refresh_from_db()
    assert bilingual.outdated_translations()  # the live trial still says so
    assert "misschien niet actueel" in page(client, bilingual, "nl")
