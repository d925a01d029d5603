import datetime

import pytest

from trials.models import ArmStatus, DatePrecision, InvestigatorRole, Registry, Status

from .factories import (
    ApprovalFactory,
    ArmFactory,
    OrganisationFactory,
    RegistryNumberFactory,
    RegistryRecordFactory,
    TrialFactory,
    TrialInvestigatorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def esmart_like(solid_tumors, hematologic):
    trial = TrialFactory(
        short_name="ESMART",
        subtitle="different tumor types",
        slug="esmart",
        official_title="European proof-of-concept therapeutic stratification trial.",
        eligibility="Children and teenagers with cancer in whom the disease has returned.",
        max_age_months=216,
        goal="The goal of this study is to assess how safe and effective a drug is.",
        background="Cancer arises by the accumulation of multiple changes.\n\nPreviously, iTHER.",
        arms_intro="The following ‘arms’ have started:",
        cancer_types=[solid_tumors, hematologic],
        design_note="multi arm",
        max_patients_total=280,
        max_patients_local=25,
        start_date=datetime.date(2018, 4, 5),
        status=Status.ACTIVE_NOT_RECRUITING,
        status_note="This study is momentarily closed for inclusion.",
        sponsor=OrganisationFactory(name="Institut Gustave Roussy", location="Villejuif, France"),
        network=OrganisationFactory(
            name="ITCC", location="", description="an international collaboration"
        ),
        last_reviewed=datetime.date(2025, 9, 16),
    )
    ArmFactory(trial=trial, name="Arm A. Ribociclib + Topotecan", status=ArmStatus.CLOSED, order=1)
    ArmFactory(trial=trial, name="Arm B. Ribociclib + Everolimus", status=ArmStatus.OPEN, order=2)
    TrialInvestigatorFactory(
        trial=trial, investigator__title="Dr.", investigator__name="N. van Eijkelenburg"
    )
    TrialInvestigatorFactory(
        trial=trial, role=InvestigatorRole.RESEARCH_NURSE, investigator__name="J. Nurse"
    )
    ApprovalFactory(
        trial=trial,
        note="This committee has decided that it is justified to ask patients to participate.",
        more_information_url="https://www.ccmo.nl/",
        more_information_label="CCMO",
    )
    RegistryNumberFactory(trial=trial, registry=Registry.EUDRACT, value="2016-000133-40")
    return trial


def test_trial_page_shows_the_seed_sections_in_order(client, esmart_like):
    page = client.get("/en/trials/esmart/").text
    page = page[page.index("<main") :]  # what people read (the head repeats facts for machines)
    assert page.index("<h1>ESMART") < page.index("Key facts") < page.index('class="trial__body"')
    # After the title and the key facts, the sections in the order of the centre's page.
    text = page[page.index('class="trial__body"') :]
    headings = [
        "Who can enter",
        "Age",
        "Goal",
        "Background",
        "Study arms",
        "This study was initiated by ITCC, an international collaboration.",
        "Last reviewed",
        "Study details",
        "Official title",
        "Cancer types",
        "Phase",
        "Maximum number of patients",
        "Start date",
        "Status",
        "Local principal investigator",
        "Sponsor",
        "Approval",
        "Trial registry number",
        "The above information is intended as a brief summary only",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_trial_page_shows_the_facts_as_families_read_them(client, esmart_like):
    text = client.get(esmart_like.get_absolute_url()).text
    assert "up to 18 years" in text
    assert "Phase 1/2, multi arm" in text
    assert "280, of whom 25 are expected to participate in the Netherlands" in text
    assert "April 5, 2018" in text
    assert "September 16, 2025" in text
    assert "Closed for inclusion" in text and "Active, not recruiting" in text
    assert "Dr. N. van Eijkelenburg" in text
    assert "J. Nurse" in text and "Research nurse" in text
    assert "Institut Gustave Roussy, Villejuif, France" in text
    assert '<a href="https://www.ccmo.nl/">CCMO</a>' in text
    assert "Hematologic malignancies" in text and "Solid tumors" in text
    assert "Princess Máxima Center" in text


def test_each_arm_shows_its_own_status(client, esmart_like):
    text = client.get(esmart_like.get_absolute_url()).text
    arm_a = text.index("Arm A. Ribociclib + Topotecan")
    arm_b = text.index("Arm B. Ribociclib + Everolimus")
    assert "Closed for inclusion" in text[arm_a:arm_b]
    assert "Open for inclusion" in text[arm_b:]


def test_registry_numbers_link_to_the_registry(client, esmart_like):
    text = client.get(esmart_like.get_absolute_url()).text
    assert "EudraCT number" in text
    assert (
        '<a href="https://www.clinicaltrialsregister.eu/ctr-search/search?query=2016-000133-40">'
        "2016-000133-40</a>"
    ) in text


def test_an_imported_trial_shows_when_its_registry_record_was_last_updated(client, esmart_like):
    RegistryRecordFactory(trial=esmart_like, last_update_posted=datetime.date(2026, 7, 10))

    text = client.get(esmart_like.get_absolute_url()).text

    assert "Last reviewed:</strong>" in text
    assert (
        '<strong>Registry record last updated:</strong> <time datetime="2026-07-10">July 10, 2026'
    ) in text


def test_a_trial_typed_by_hand_claims_no_registry_date(client, esmart_like):
    assert "Registry record last updated" not in client.get(esmart_like.get_absolute_url()).text


def test_a_date_known_to_the_month_is_shown_as_a_month(client):
    trial = TrialFactory(
        start_date=datetime.date(2015, 9, 1),
        start_date_precision=DatePrecision.MONTH,
        end_date=datetime.date(2031, 1, 1),
        end_date_precision=DatePrecision.YEAR,
    )

    text = client.get(trial.get_absolute_url()).text

    assert '<time datetime="2015-09">September 2015</time>' in text
    assert '<time datetime="2031">2031</time>' in text
    assert "September 1, 2015" not in text


def test_draft_trial_is_not_public(client):
    draft = TrialFactory(slug="secret", publication="draft")
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert "We could not find that page" in response.text


def test_missing_slug_is_a_friendly_404(client, db):
    response = client.get("/en/trials/no-such-trial/")
    assert response.status_code == 404
    assert "See all trials" in response.text


def test_optional_sections_are_left_out_when_empty(client):
    trial = TrialFactory(goal="", background="", sponsor=None, max_patients_total=None)
    text = client.get(trial.get_absolute_url()).text
    assert "Background" not in text
    assert "Study arms" not in text
    assert "Sponsor" not in text
    assert "Maximum number of patients" not in text


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("arm_count", [1, 18])
def test_trial_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, esmart_like, arm_count, language
):
    for number in range(arm_count):
        ArmFactory(trial=esmart_like, name=f"Extra arm {number}")
        TrialInvestigatorFactory(trial=esmart_like, role=InvestigatorRole.CO_INVESTIGATOR)
        ApprovalFactory(trial=esmart_like)
    # The trial, its cancer types, arms, approvals, registry numbers, investigator roles,
    # related trials, the glossary, the centre's settings (contact, look), and one for the
    # page's ETag and Last-Modified (trials.freshness). Its registry record comes with the
    # trial (joined, without its raw JSON).
    RegistryRecordFactory(trial=esmart_like)
    with django_assert_num_queries(10):
        response = client.get(f"/{language}/trials/{esmart_like.slug}/")
    assert response.status_code == 200
    # A repeat visit comes from the page cache: only the version is read.
    with django_assert_num_queries(1):
        again = client.get(esmart_like.get_absolute_url())
    assert again.content == response.content


def test_related_trials_share_a_cancer_type_open_ones_first(client, solid_tumors, neuroblastoma):
    trial = TrialFactory(short_name="MAIN", cancer_types=[solid_tumors])
    TrialFactory(short_name="B-CLOSED", cancer_types=[neuroblastoma], status=Status.COMPLETED)
    TrialFactory(short_name="C-OPEN", cancer_types=[neuroblastoma], status=Status.RECRUITING)
    TrialFactory(short_name="D-DRAFT", cancer_types=[neuroblastoma], publication="draft")
    TrialFactory(short_name="E-OTHER")
    response = client.get(trial.get_absolute_url())
    assert [other.short_name for other in response.context["related_trials"]] == [
        "C-OPEN",
        "B-CLOSED",
    ]
    assert "Other trials for the same cancer type" in response.text


def test_printed_page_carries_its_address_and_registry_links(client, esmart_like):
    text = client.get(esmart_like.get_absolute_url()).text
    assert "Printed from http://testserver/en/trials/esmart/" in text
    assert (
        '<span class="print-only"> '
        "(https://www.clinicaltrialsregister.eu/ctr-search/search?query=2016-000133-40)</span>"
    ) in text


# Key facts, what to do next, and a page that stays short ------------------------------------


def key_facts(text: str) -> str:
    return text[text.index('<aside class="key-facts"') : text.index("</aside>")]


def test_key_facts_say_status_who_and_phase_in_plain_words(client, esmart_like):
    facts = key_facts(client.get(esmart_like.get_absolute_url()).text)
    assert '<span class="status status--closed">Closed for inclusion</span>' in facts
    assert "No new patients can take part; the children already in the trial continue." in facts
    assert "This study is momentarily closed for inclusion." in facts
    assert "Age: up to 18 years" in facts
    assert "Relapsed or refractory" in facts
    assert '<a href="/en/cancer-types/solid-tumors/">Solid tumors</a>' in facts
    assert (
        "Phase 1/2: First looks for a safe dose of a new treatment, then at whether it works."
        in facts
    )


def test_a_closed_trial_says_what_a_family_can_do_now(client, esmart_like):
    facts = key_facts(client.get(esmart_like.get_absolute_url()).text)
    assert "What you can do now" in facts
    assert "Ask your child's doctor about other trials that could fit." in facts
    assert (
        '<a href="/en/trials/?cancer_type=hematologic-malignancies&amp;'
        'cancer_type=solid-tumors&amp;open=1#results">See open trials for these cancer types</a>'
    ) in facts


def test_an_open_trial_does_not_send_families_elsewhere(client, neuroblastoma):
    trial = TrialFactory(status=Status.RECRUITING, cancer_types=[neuroblastoma])
    assert "What you can do now" not in client.get(trial.get_absolute_url()).text


def test_status_not_confirmed_explains_itself_on_the_trial_page(client, db):
    trial = TrialFactory(status=Status.UNKNOWN)
    facts = key_facts(client.get(trial.get_absolute_url()).text)
    assert "Status not confirmed" in facts
    assert "Our staff have not yet confirmed whether this trial is open at our centre." in facts


def test_an_overdue_review_is_told_to_families_gently(client, db, settings):
    settings.TRIALPORTAL_REVIEW_INTERVAL_MONTHS = 6
    old = TrialFactory(last_reviewed=datetime.date(2020, 3, 2))
    text = client.get(old.get_absolute_url()).text
    assert (
        "This page was last checked on March 2, 2020. Things may have changed since: please "
        "ask the trial office for the latest status."
    ) in text
    never = TrialFactory(last_reviewed=None)
    assert "Our staff have not yet checked this page." in client.get(never.get_absolute_url()).text


def test_a_recently_reviewed_page_shows_no_notice(client, db):
    import django.utils.timezone

    trial = TrialFactory(last_reviewed=django.utils.timezone.localdate())
    assert "review-notice" not in client.get(trial.get_absolute_url()).text


def test_many_arms_fold_behind_their_summary(client, esmart_like):
    for letter in "CDEFGHIJKLMNOPQR":
        ArmFactory(trial=esmart_like, name=f"Arm {letter}.", status=ArmStatus.CLOSED)
    esmart_like.arms.update(status=ArmStatus.CLOSED)
    text = client.get(esmart_like.get_absolute_url()).text
    assert '<details class="arms-details">' in text
    assert "18 study arms, all closed" in text
    assert text.index("18 study arms, all closed") < text.index("Arm A. Ribociclib")


def test_a_few_arms_are_listed_open_with_a_summary(client, esmart_like):
    text = client.get(esmart_like.get_absolute_url()).text
    assert '<details class="arms-details">' not in text
    assert "2 study arms: 1 open, 1 closed" in text


def test_an_arm_shows_what_it_targets(client, esmart_like):
    arm = esmart_like.arms.first()
    arm.target = "CDK2 and CDK9, which fadraciclib blocks"
    arm.save()
    text = client.get(esmart_like.get_absolute_url()).text
    assert "<strong>Targets:</strong> CDK2 and CDK9, which fadraciclib blocks" in text


def test_the_printout_carries_the_date_and_address(client, esmart_like):
    text = client.get(esmart_like.get_absolute_url()).text
    printed = "Printed from http://testserver/en/trials/esmart/ · Printed on <time data-printed-on"
    assert printed in text
