import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils.html import strip_tags

from trials.demo import CTGOV_DIR
from trials.demo.content import ESMART_NCT_ID, FICTIONAL_TRIALS, REAL_TRIALS
from trials.models import (
    Approval,
    Arm,
    ArmStatus,
    CancerType,
    DiseaseSetting,
    Investigator,
    InvestigatorRole,
    Organisation,
    Phase,
    Publication,
    Registry,
    RegistryNumber,
    Status,
    Trial,
    TrialInvestigator,
)

# Everything the demo loader writes, a trial first and then what it refers to.
DEMO_MODELS = [
    Trial,
    Arm,
    Approval,
    RegistryNumber,
    TrialInvestigator,
    Trial.cancer_types.through,
    CancerType,
    Investigator,
    Organisation,
]
REAL_NCT_IDS = sorted(path.stem for path in CTGOV_DIR.glob("*.json") if path.stem != ESMART_NCT_ID)
FICTIONAL_SLUGS = [spec["trial"]["slug"] for spec in FICTIONAL_TRIALS]


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo_trials", *args, stdout=out)
    return out.getvalue()


def rows_without_timestamps() -> dict:
    """Every demo row's fields, less the timestamps a save moves on."""
    rows = {}
    for model in DEMO_MODELS:
        rows[model._meta.label] = [
            {k: v for k, v in row.items() if k not in {"created_at", "updated_at"}}
            for row in model.objects.order_by("pk").values()
        ]
    return rows


@pytest.fixture
def demo(db):
    load_demo()


# ESMART, as seed page 000_e43dc84f18d0d9c9 describes it: what families read there, they read
# on our page (quoted from the seed page, not from the demo content).

SEED_PAGE_FACTS = [
    "ESMART (different tumor types)",
    "Children and teenagers with cancer in whom the disease has returned (relapse) or "
    "responded insufficiently to treatment (refractory).",
    "Age: up to 18 years.",
    "The goal of this study is to assess how safe and effective a drug (or a combination of "
    "drugs) is that matches a molecular alteration in the tumor of children with cancer.",
    "Cancer arises by the accumulation of multiple changes in the DNA, also called molecular "
    "alterations.",
    "These treatments are part of the clinical study ESMART.",
    "The following ‘arms’ have started (at the moment, all arms are closed for inclusion):",
    "This study was initiated by ITCC, an international collaboration that promotes drug "
    "research for children with cancer in Europe.",
    "This study is momentarily closed for inclusion.",
    "Last reviewed: September 16, 2025",
    "European proof-of-concept therapeutic stratification trial of molecular anomalies in "
    "relapsed or refractory tumors.",
    "Hematologic malignancies",
    "Solid tumors",
    "1/2, multi arm",
    "280, of whom 25 are expected to participate in the Netherlands",
    "April 5, 2018",
    "Closed for inclusion",
    "Active, not recruiting",
    "Dr. N. van Eijkelenburg",
    "Institut Gustave Roussy, Villejuif, France",
    "This committee has decided that it is justified to ask patients to participate in this study.",
    "More information can be found at: CCMO.",
    "EudraCT number 2016-000133-40",
]


def page_text(html: str) -> str:
    """The words of a page as a reader sees them, markup and line breaks aside."""
    return " ".join(strip_tags(html).split())


def test_the_esmart_page_says_what_the_seed_page_says(demo, client):
    page = page_text(client.get("/en/trials/esmart/").text)
    assert [fact for fact in SEED_PAGE_FACTS if fact not in page] == []


def test_esmart_is_published_and_listed_under_both_its_cancer_groups(demo, client):
    for group in ["solid-tumors", "hematologic-malignancies"]:
        page = client.get(f"/en/cancer-types/{group}/").text
        assert "ESMART" in page


def test_esmart_has_the_eighteen_closed_arms_of_its_registry_record(demo):
    arms = list(Trial.objects.get(slug="esmart").arms.all())

    assert len(arms) == 18
    assert arms[0].name == "Arm A. Ribociclib + Topotecan and Temozolomide"
    assert arms[0].intervention == "Ribociclib, Topotecan, Temozolomide"
    assert arms[-1].name == "Arm R. Capivasertib + metronomic Vinorelbine"
    assert [arm.order for arm in arms] == list(range(18))
    assert {arm.status for arm in arms} == {ArmStatus.CLOSED}
    assert not any("Drug:" in arm.intervention for arm in arms)


def test_esmart_arms_read_in_plain_words_not_protocol_shorthand(demo):
    arms = {arm.name: arm for arm in Trial.objects.get(slug="esmart").arms.all()}

    assert arms["Arm A. Ribociclib + Topotecan and Temozolomide"].description == (
        "Topotecan (into a vein) and temozolomide (capsules by mouth) once a day on days 1 to 5, "
        "then ribociclib (capsules or liquid by mouth) once a day on days 6 to 20. Each "
        "treatment cycle lasts 28 days."
    )
    shorthand = re.compile(r"\b(iv|QD|BID|sc|AUC)\b|orally|\+/-")
    for arm in arms.values():
        assert arm.description, arm.name
        assert not shorthand.search(arm.description), arm.description


def test_esmart_arms_name_the_targets_their_registry_record_states(demo):
    targets = {arm.name[:6]: arm.target for arm in Trial.objects.get(slug="esmart").arms.all()}

    # From the record's references: vistusertib "the dual mTORC1/2 inhibitor" (arms E, F
    # and H use it), nivolumab a "programmed cell death protein 1 inhibitor" (G, J),
    # fadraciclib "the CDK2/9 inhibitor" (K, L).
    assert targets["Arm E."] == targets["Arm F."] == targets["Arm H."]
    assert "mTORC1" in targets["Arm E."]
    assert "PD-1" in targets["Arm G."] and targets["Arm G."] == targets["Arm J."]
    assert "CDK2 and CDK9" in targets["Arm K."] and targets["Arm K."] == targets["Arm L."]
    # Nothing in the record or on the seed page says what the other arms target.
    assert targets["Arm A."] == targets["ARM C."] == targets["Arm R."] == ""


# Running again, and --dry-run


def test_loading_twice_leaves_the_same_rows(db):
    load_demo()
    first = rows_without_timestamps()

    output = load_demo()

    assert rows_without_timestamps() == first
    assert "Created nothing" in output
    assert Arm.objects.filter(trial__slug="esmart").count() == 18


def test_loading_again_restores_edited_demo_rows(demo):
    esmart = Trial.objects.get(slug="esmart")
    esmart.arms.filter(name__startswith="Arm B.").delete()
    esmart.arms.create(name="An arm staff added by mistake")
    esmart.arms.filter(name__startswith="Arm A.").update(status=ArmStatus.OPEN)
    esmart.registry_numbers.create(registry=Registry.ISRCTN, value="ISRCTN12345678")
    esmart.approvals.all().delete()
    Trial.objects.filter(slug="esmart").update(status=Status.RECRUITING)

    load_demo()

    esmart.refresh_from_db()
    assert esmart.status == Status.ACTIVE_NOT_RECRUITING
    assert esmart.arms.count() == 18
    assert esmart.arms.filter(status=ArmStatus.CLOSED).count() == 18
    assert esmart.arms.filter(name__startswith="Arm B.").exists()
    assert sorted(esmart.registry_numbers.values_list("value", flat=True)) == [
        "2016-000133-40",
        "2024-514791-40-00",
        ESMART_NCT_ID,
    ]
    assert esmart.approvals.count() == 1


def test_dry_run_writes_nothing(db):
    output = load_demo("--dry-run")

    assert "Dry run, nothing saved" in output
    assert "12 trials" in output
    for model in DEMO_MODELS:
        assert not model.objects.exists(), model


def test_dry_run_after_a_load_changes_nothing(demo):
    before = rows_without_timestamps()

    output = load_demo("--dry-run")

    assert "Would create nothing" in output
    assert rows_without_timestamps() == before


def test_output_summarises_what_was_loaded(db):
    output = load_demo()

    assert "Loaded 12 trials (11 published, 1 draft), 12 cancer types in 3 groups." in output
    assert "Created " in output


# What the demo set covers


def test_cancer_types_form_three_groups_with_types_under_them(demo):
    groups = CancerType.objects.groups()

    assert sorted(groups.values_list("slug", flat=True)) == [
        "brain-and-spinal-cord-tumors",
        "hematologic-malignancies",
        "solid-tumors",
    ]
    for group in groups:
        assert group.children.count() >= 3
    assert CancerType.objects.get(slug="wilms-tumor").parent.slug == "solid-tumors"
    assert CancerType.objects.get(slug="medulloblastoma").parent.slug == (
        "brain-and-spinal-cord-tumors"
    )
    assert not CancerType.objects.filter(description="").exists()


def test_demo_set_varies_enough_to_try_every_filter(demo):
    trials = Trial.objects.all()

    assert trials.count() >= 12
    assert trials.filter(publication=Publication.DRAFT).exists()
    assert len(trials.facet_counts("phase")) >= 5
    assert len(trials.facet_counts("status")) >= 6
    assert len(trials.facet_counts("disease_setting")) >= 3
    assert trials.filter(status=Status.RECRUITING).exists()
    assert trials.filter(arms__status=ArmStatus.OPEN).exists()
    assert trials.filter(arms__status=ArmStatus.PLANNED).exists()
    published = Trial.objects.published()
    for group in ["solid-tumors", "hematologic-malignancies", "brain-and-spinal-cord-tumors"]:
        assert published.in_cancer_types(CancerType.objects.filter(slug=group)).count() >= 3
    assert {t.age_range_display for t in trials} >= {
        "up to 18 years",
        "6 months to 21 years",
        "from 12 years",
        "all ages",
    }


def test_draft_demo_trial_is_fictional(demo):
    for trial in Trial.objects.filter(publication=Publication.DRAFT):
        assert trial.slug in FICTIONAL_SLUGS


def test_fictional_trials_say_so_and_carry_no_registry_numbers(demo):
    fictional = Trial.objects.filter(slug__in=FICTIONAL_SLUGS)

    assert fictional.count() == len(FICTIONAL_SLUGS) >= 7
    for trial in fictional:
        assert trial.short_name.startswith("EXAMPLE-")
        assert trial.subtitle.startswith("fictional example:")
        assert trial.official_title.startswith("Fictional example trial: ")
        assert "(fictional)" in trial.sponsor.name
        assert not trial.registry_numbers.exists()
        for role in trial.investigator_roles.all():
            assert "(fictional)" in role.investigator.specialty
        assert trial.last_reviewed.year == 2026


# The real trials other than ESMART, from their ClinicalTrials.gov records


def test_every_real_record_is_loaded():
    assert sorted(REAL_TRIALS) == REAL_NCT_IDS


@pytest.mark.parametrize("nct_id", REAL_NCT_IDS)
def test_real_trial_carries_its_nct_number_and_an_unknown_status(demo, nct_id):
    number = RegistryNumber.objects.select_related("trial").get(registry=Registry.NCT, value=nct_id)
    trial = number.trial

    assert trial.status == Status.UNKNOWN
    assert trial.short_name == REAL_TRIALS[nct_id]["short_name"]
    assert trial.background.endswith(f"Source: ClinicalTrials.gov record {nct_id}.</p>")
    assert nct_id in trial.eligibility
    assert not trial.arms.exists()
    # Only the registry's overall official, as the importer names them.
    official = json.loads((CTGOV_DIR / f"{nct_id}.json").read_text())["protocolSection"][
        "contactsLocationsModule"
    ]["overallOfficials"][0]
    [role] = trial.investigator_roles.select_related("investigator")
    assert (role.role, role.investigator.name) == (InvestigatorRole.STUDY_LEADER, official["name"])
    assert trial.last_reviewed is None
    assert trial.cancer_types.count() == 1


@pytest.mark.parametrize("nct_id", REAL_NCT_IDS)
def test_real_trial_takes_its_facts_from_the_record(demo, nct_id):
    protocol = json.loads((CTGOV_DIR / f"{nct_id}.json").read_text())["protocolSection"]
    trial = Trial.objects.get(registry_numbers__value=nct_id)

    assert trial.official_title == protocol["identificationModule"]["officialTitle"]
    assert trial.sponsor.name == protocol["sponsorCollaboratorsModule"]["leadSponsor"]["name"]
    assert trial.max_patients_total == protocol["designModule"]["enrollmentInfo"]["count"]
    assert trial.max_patients_local is None


def test_real_trial_ages_come_from_the_record(demo):
    # NCT05183035: minimumAge "29 Days", maximumAge "21 Years".
    aml = Trial.objects.get(registry_numbers__value="NCT05183035")
    assert (aml.min_age_months, aml.max_age_months) == (1, 252)
    assert aml.age_range_display == "1 month to 21 years"
    # NCT03900793: minimumAge "10 Years", no maximum.
    osteosarcoma = Trial.objects.get(registry_numbers__value="NCT03900793")
    assert (osteosarcoma.min_age_months, osteosarcoma.max_age_months) == (120, None)
    assert osteosarcoma.age_range_display == "from 10 years"
    # NCT02559778: maximumAge "22 Years", no minimum.
    neuroblastoma = Trial.objects.get(registry_numbers__value="NCT02559778")
    assert neuroblastoma.age_range_display == "up to 22 years"


def test_real_trial_details_parsed_from_the_record(demo):
    aml = Trial.objects.get(registry_numbers__value="NCT05183035")
    assert aml.phase == Phase.PHASE_3
    assert aml.disease_setting == DiseaseSetting.RELAPSED_REFRACTORY
    assert aml.start_date == datetime.date(2022, 10, 1)
    assert list(aml.cancer_types.values_list("slug", flat=True)) == ["acute-myeloid-leukemia"]
    assert "[GO]" in aml.summary  # the record's Markdown escapes are gone

    wilms = Trial.objects.get(registry_numbers__value="NCT04322318")
    assert wilms.disease_setting == DiseaseSetting.BOTH
    assert list(wilms.cancer_types.values_list("slug", flat=True)) == ["wilms-tumor"]

    neuroblastoma = Trial.objects.get(registry_numbers__value="NCT02559778")
    assert neuroblastoma.start_date == datetime.date(2015, 9, 1)  # "2015-09"
    assert neuroblastoma.disease_setting == DiseaseSetting.NEWLY_DIAGNOSED


def test_real_trial_keeps_only_well_formed_european_numbers(demo):
    aml = Trial.objects.get(registry_numbers__value="NCT05183035")
    assert sorted(aml.registry_numbers.values_list("registry", "value")) == [
        (Registry.EU_CT, "2023-510160-12-00"),
        (Registry.EUDRACT, "2021-003212-11"),
        (Registry.NCT, "NCT05183035"),
    ]
    # NCT04322318's secondary IDs are American (NCI, COG, NIH): only its NCT number is kept.
    wilms = Trial.objects.get(registry_numbers__value="NCT04322318")
    assert list(wilms.registry_numbers.values_list("registry", flat=True)) == [Registry.NCT]


@pytest.mark.parametrize("nct_id", REAL_NCT_IDS)
def test_real_trial_has_a_summary_written_for_families(demo, nct_id):
    protocol = json.loads((CTGOV_DIR / f"{nct_id}.json").read_text())["protocolSection"]
    trial = Trial.objects.get(registry_numbers__value=nct_id)

    assert trial.summary == REAL_TRIALS[nct_id]["summary"]
    assert trial.summary.startswith("For ")
    assert protocol["descriptionModule"]["briefSummary"][:60] not in trial.summary
    # No protocol shorthand a family would have to look up.
    assert not re.search(r"\b(RCT|MTD|3\+3|RP2D|prospective|open label)\b", trial.summary)


def test_demo_cancer_types_carry_the_words_families_use(demo):
    wilms = CancerType.objects.get(slug="wilms-tumor")
    assert wilms.lay_name == "kidney cancer"
    assert "nephroblastoma" in wilms.search_names
    assert CancerType.objects.get(slug="retinoblastoma").lay_name == "eye cancer"
    assert CancerType.objects.get(slug="ewing-sarcoma").lay_name == "bone cancer"
    assert CancerType.objects.get(slug="hematologic-malignancies").lay_name == (
        "blood cancers: leukaemia and lymphoma"
    )


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("leukaemia", {"ITCC-101/APAL2020D", "ESMART"}),
        ("kidney cancer", {"AREN1921", "ESMART"}),
        ("bone cancer", {"Losartan + Sunitinib", "ESMART"}),
        ("eye cancer", {"ESMART"}),  # no retinoblastoma trial, but ESMART is for all solid tumours
        ("brain tumour", {"EXAMPLE-MB", "EXAMPLE-HGG", "EXAMPLE-LGG"}),
        ("nct 02813135", {"ESMART"}),
        ("EudraCT 2016-000133-40", {"ESMART"}),
        ("futibatinib", {"ESMART"}),
        ("van Eijkelenburg", {"ESMART"}),
        ("neuroblastoma", {"PEDS-PLAN", "ESMART"}),
    ],
)
def test_the_demo_answers_what_parents_type(client, demo, words, expected):
    response = client.get("/en/trials/", {"q": words})
    assert {trial.short_name for trial in response.context["trials"]} >= expected
    if words in {"eye cancer", "nct 02813135", "futibatinib", "van Eijkelenburg"}:
        assert {trial.short_name for trial in response.context["trials"]} == expected


def test_demo_fills_in_example_contact_details_but_keeps_the_centres_own(db):
    from trials.models import SiteSettings

    centre = SiteSettings.load()
    centre.email = "trials@hospital.example"
    centre.save()
    load_demo()
    centre.refresh_from_db()
    assert centre.email == "trials@hospital.example"
    assert centre.phone == "+31 30 000 0000"
    assert "example contact details" in centre.opening_hours
