"""The interface in Dutch: every string of the catalogues translated (none fuzzy), the
compiled .mo files up to date with their .po, and no English left on the Dutch pages.

Pure Python (polib): running the tests needs no gettext tools."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail

from trials.models import SiteSettings, Status

from .factories import (
    ArmFactory,
    CancerTypeFactory,
    RegistryNumberFactory,
    TrialFactory,
)
from .test_follow import run_worker

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_every_language_but_english_has_a_catalogue():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {code for code, _name in settings.LANGUAGES} - {"en"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3:]))
def test_every_string_is_translated_and_none_is_fuzzy(path):
    catalogue = polib.pofile(path)
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3:]))
def test_translations_keep_every_placeholder(path):
    """A translation that drops or misspells "%(name)s" would fail, or show nothing, only
    when that page is shown in that language."""
    wrong = []
    for entry in polib.pofile(path):
        if entry.obsolete:
            continue
        source = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        used = set(PLACEHOLDER.findall("".join(forms)))
        if used != source:
            wrong.append(entry.msgid)
    assert wrong == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3:]))
def test_the_compiled_catalogue_is_up_to_date(path):
    """Django reads the .mo: after editing the .po, run `manage.py compilemessages`."""
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run manage.py compilemessages"
    assert messages(polib.mofile(compiled)) == messages(polib.pofile(path)), (
        f"{compiled} differs from {path.name}: run manage.py compilemessages"
    )


def messages(catalogue) -> dict:
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural): (
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
        )
        for entry in catalogue
        if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags
    }


# No English on the Dutch pages -------------------------------------------------------

# Interface sentences of the public pages (not content, which staff write per language).
ENGLISH_SENTINELS = [
    "Skip to main content",
    "Find a trial",
    "Words explained",
    "How to take part",
    "Browse by cancer type",
    "See all",
    "Questions? Ask the trial office",
    "Find a clinical trial",
    "Age of your child",
    "More filters",
    "Clear all filters",
    "trials found",
    "Sort by",
    "Active filters",
    "Some of your search could not be used",
    "No trials match all of these filters",
    "Looking further?",
    "What do the statuses mean?",
    "Open for inclusion",
    "Key facts",
    "Who it is for",
    "What you can do now",
    "Who can enter",
    "Study arms",
    "Study details",
    "Official title",
    "Maximum number of patients",
    "Last reviewed",
    "Printed from",
    "Email me when this changes",
    "Other trials for the same cancer type",
    "There are no public trials for this cancer type",
    "Check your inbox",
    "This link does not work",
    "We could not find that page",
    "Previous",
    "Next",
    "Trial office",
    "It does not replace advice from your child's doctor",
]

PAGES = [
    "",
    "trials/",
    "trials/?page=2",
    "trials/?phase=phase_9&age=abc&cancer_type=solid-tumors&q=nothing-like-this",
    "trials/trial-one/",
    "cancer-types/solid-tumors/",
    "cancer-types/neuroblastoma/",
    "cancer-types/kidney/",
    "glossary/",
    "follow/trials/trial-one/",
    "follow/check-your-inbox/",
    "follow/confirm/not-a-valid-token/",
    "trials/no-such-trial/",
]


@pytest.fixture
def site(db, settings, solid_tumors, neuroblastoma):
    settings.TRIALPORTAL_PAGE_SIZE = 2
    trials = [
        TrialFactory(
            short_name=f"TRIAL-{name}",
            slug=f"trial-{name}",
            cancer_types=[neuroblastoma],
            official_title="A study",
            max_patients_total=30,
        )
        for name in ["one", "two", "three"]
    ]
    trials[0].status = Status.ACTIVE_NOT_RECRUITING  # closed: "what you can do now"
    trials[0].save()
    ArmFactory(trial=trials[0])
    RegistryNumberFactory(trial=trials[0])
    CancerTypeFactory(name="Kidney tumours", slug="kidney", parent=solid_tumors)  # no trials
    office = SiteSettings.load()
    office.phone = "+31 88 972 72 72"
    office.email = "trials@example.org"
    office.save()
    return trials


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    # What the language switch offers is, rightly, in the other language.
    html = re.sub(r"(?s)<nav class=\"language-switch\".*?</nav>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def texts_of(client, language: str) -> dict[str, str]:
    texts = {}
    for page in PAGES:
        response = client.get(f"/{language}/{page}")
        assert response.status_code in {200, 400, 404}, page
        assert f'<html lang="{language}">' in response.text, page
        texts[page] = visible_text(response.text)
    return texts


def test_dutch_pages_show_no_english_interface_text(client, site):
    leftovers = {
        page: [sentinel for sentinel in ENGLISH_SENTINELS if sentinel in text]
        for page, text in texts_of(client, "nl").items()
    }
    assert {page: found for page, found in leftovers.items() if found} == {}


def test_the_english_sentinels_are_on_the_english_pages(client, site):
    """Else the Dutch test above would pass whatever the Dutch pages show."""
    english = " ".join(texts_of(client, "en").values())
    assert [sentinel for sentinel in ENGLISH_SENTINELS if sentinel not in english] == []


def test_dutch_pages_count_in_dutch(client, site, neuroblastoma):
    text = visible_text(client.get("/nl/trials/").text)
    assert "3 onderzoeken gevonden" in text
    one = visible_text(client.get("/nl/trials/?q=TRIAL-one").text)
    assert "1 onderzoek gevonden" in one


def test_dutch_dates_are_written_the_dutch_way(client, site):
    trial = site[0]
    trial.last_reviewed = "2026-03-04"
    trial.save()
    assert "4 maart 2026" in client.get("/nl/trials/trial-one/").text
    assert "March 4, 2026" in client.get("/en/trials/trial-one/").text


def test_a_dutch_follower_gets_dutch_emails(client, site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/nl/follow/trials/trial-one/", {"email": "ouder@example.org"})
    run_worker()
    [message] = mail.outbox
    assert message.subject.startswith("Graag bevestigen")
    assert "Open deze link om te bevestigen" in message.body
    assert "/nl/follow/confirm/" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "total", "option"), [("nl", "1.234", "(2.345)"), ("en", "1,234", "(2,345)")]
)
def test_counts_of_a_thousand_or_more_are_grouped_as_each_language_writes_them(
    client, monkeypatch, language, total, option
):
    """A registry's collection counts in thousands: "1.234 onderzoeken", not "1234"."""
    TrialFactory(short_name="TRIAL-one")
    monkeypatch.setattr("trials.filters.FacetCounts.results", property(lambda counts: 1234))
    monkeypatch.setattr("trials.filters.FacetCounts.of", lambda counts, facet, value: 2345)

    text = visible_text(client.get(f"/{language}/trials/").text)

    found = "onderzoeken gevonden" if language == "nl" else "trials found"
    assert f"{total} {found}" in text
    assert option in text
