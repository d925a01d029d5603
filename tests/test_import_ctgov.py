"""Importing ClinicalTrials.gov API v2 records: manage.py import_ctgov and what it writes."""

import copy
import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories
from trials.models import (
    ArmStatus,
    ConditionMapping,
    DatePrecision,
    DiseaseSetting,
    Investigator,
    InvestigatorRole,
    Organisation,
    PendingRegistryChange,
    Phase,
    Publication,
    Registry,
    RegistryNumber,
    RegistryRecord,
    Status,
    Trial,
)
from trials.registries import ctgov
from trials.registries.ctgov import parse_age, parse_date, phase_from, read_study

REAL = Path("/work/shared/data/real/ctgov_v2")
REAL_FILES = sorted(REAL.glob("*/*.json"))
DEMO_RECORDS = Path(__file__).resolve().parent.parent / "trials" / "demo" / "ctgov"
AML = DEMO_RECORDS / "NCT05183035.json"
ESMART = DEMO_RECORDS / "NCT02813135.json"

# Everything an import may write.
WRITTEN = [Trial, RegistryNumber, RegistryRecord, PendingRegistryChange, Organisation, Investigator]


def real_files():
    """The shared real records when this machine has them, else the demo's copies of the
    five paediatric ones (byte-identical)."""
    return REAL_FILES or sorted(DEMO_RECORDS.glob("*.json"))


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_ctgov", *map(str, args), stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def record(path=AML) -> dict:
    return json.loads(Path(path).read_text())


def write(tmp_path, data, name="study.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in WRITTEN}


# Every real file, twice


@pytest.mark.django_db
def test_every_real_record_imports_as_a_draft_and_again_as_unchanged(tmp_path):
    files = real_files()
    assert files
    for file in files:
        (tmp_path / file.name).write_bytes(file.read_bytes())

    status, output = run(tmp_path)

    assert status == 0, output
    assert f"{len(files)} records: {len(files)} created, 0 updated, 0 unchanged, 0 refused" in (
        output
    )
    assert Trial.objects.count() == len(files)
    assert set(Trial.objects.values_list("publication", flat=True)) == {Publication.DRAFT}
    for trial in Trial.objects.all():
        assert trial.registry_record.data["protocolSection"]["identificationModule"]["nctId"] in (
            output
        )

    status, output = run(tmp_path)

    assert status == 0
    assert f"0 created, 0 updated, {len(files)} unchanged, 0 refused" in output
    assert not PendingRegistryChange.objects.exists()


@pytest.mark.django_db
def test_an_imported_draft_carries_the_registry_values():
    status, output = run(AML)

    assert status == 0, output
    trial = Trial.objects.get(registry_numbers__value="NCT05183035")
    protocol = record()["protocolSection"]
    assert trial.publication == Publication.DRAFT
    assert trial.official_title == protocol["identificationModule"]["officialTitle"]
    # No acronym: a short form of the brief title.
    assert trial.short_name == "Venetoclax in Children With Relapsed Acute Myeloid Leukemia…"
    assert trial.phase == Phase.PHASE_3
    assert trial.status == Status.UNKNOWN  # the trimmed record has no overallStatus
    assert (trial.min_age_months, trial.max_age_months) == (1, 252)
    assert trial.max_patients_total == protocol["designModule"]["enrollmentInfo"]["count"]
    assert trial.start_date == datetime.date(2022, 10, 1)
    assert trial.start_date_precision == DatePrecision.DAY
    assert trial.end_date == datetime.date(2031, 4, 1)
    assert trial.end_date_precision == DatePrecision.MONTH  # "2031-04"
    assert trial.sponsor.name == protocol["sponsorCollaboratorsModule"]["leadSponsor"]["name"]
    assert trial.disease_setting == DiseaseSetting.RELAPSED_REFRACTORY
    assert sorted(trial.registry_numbers.values_list("registry", "value")) == [
        (Registry.EU_CT, "2023-510160-12-00"),
        (Registry.EUDRACT, "2021-003212-11"),
        (Registry.NCT, "NCT05183035"),
    ]
    arms = list(trial.arms.all())
    assert [arm.name for arm in arms] == [
        group["label"] for group in protocol["armsInterventionsModule"]["armGroups"]
    ]
    assert not any("Drug:" in arm.intervention for arm in arms)
    assert {arm.status for arm in arms} == {ArmStatus.PLANNED}
    [role] = trial.investigator_roles.select_related("investigator")
    assert role.role == InvestigatorRole.STUDY_LEADER
    assert role.investigator.name == "Seth Karol, MD"
    # The registry's texts are kept for staff, not put on the page as if staff wrote them.
    assert "venetoclax" not in trial.summary.lower()
    assert "NCT05183035" in trial.summary
    assert trial.registry_record.study.eligibility_criteria.startswith("Inclusion Criteria")
    assert trial.registry_record.last_update_posted == datetime.date(2026, 8, 24)
    assert "warning: The record has no overall status" in output  # named in the report


@pytest.mark.django_db
def test_the_acronym_is_the_short_name_and_the_slug_is_free():
    factories.TrialFactory(short_name="Other", slug="esmart")

    run(ESMART)

    trial = Trial.objects.get(registry_numbers__value="NCT02813135")
    assert trial.short_name == "ESMART"
    assert trial.slug == "esmart-2"


@pytest.mark.django_db
def test_a_search_page_of_studies_imports_each(tmp_path):
    page = {"studies": [record(AML), record(ESMART)]}

    status, output = run(write(tmp_path, page))

    assert status == 0
    assert "2 created" in output
    assert Trial.objects.count() == 2


# Conditions -> cancer types


@pytest.mark.django_db
def test_conditions_map_to_cancer_types_and_unmapped_ones_are_named(leukemia):
    ConditionMapping.objects.create(term="acute myeloid leukemia", cancer_type=leukemia)

    run(AML, ESMART)

    aml = Trial.objects.get(registry_numbers__value="NCT05183035")
    assert list(aml.cancer_types.all()) == [leukemia]
    assert aml.registry_record.unmapped_conditions == []
    esmart = Trial.objects.get(registry_numbers__value="NCT02813135")
    assert not esmart.cancer_types.exists()
    assert esmart.registry_record.unmapped_conditions == ["Pediatric Cancer"]


@pytest.mark.django_db
def test_a_mapping_matches_whole_words_ignoring_case(neuroblastoma, leukemia):
    ConditionMapping.objects.create(term="Wilms", cancer_type=neuroblastoma)
    ConditionMapping.objects.create(term="AML", cancer_type=leukemia)

    found, unmapped = ConditionMapping.objects.cancer_types_for(
        ["Stage II Kidney Wilms Tumor", "Relapsed aml", "Hamlet syndrome"]
    )

    assert found == [neuroblastoma, leukemia]
    assert unmapped == ["Hamlet syndrome"]


# Ages, phases, status


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("18 Months", 18),
        ("21 Years", 252),
        ("1 Year", 12),
        ("6 Weeks", 1),  # 42 days / 30.4375 = 1.38: nearest whole month
        ("2 Weeks", 0),
        ("28 Days", 1),  # 0.92
        ("29 Days", 1),
        ("45 Days", 1),  # 1.48
        ("46 Days", 2),  # 1.51
        (None, None),  # missing stays unknown, never 0
        ("", None),
    ],
)
def test_age_strings_become_months_by_one_rounding_rule(text, months):
    assert parse_age(text) == months


@pytest.mark.django_db
def test_a_missing_age_is_imported_as_no_limit(tmp_path):
    data = record()
    del data["protocolSection"]["eligibilityModule"]["minimumAge"]
    del data["protocolSection"]["eligibilityModule"]["maximumAge"]

    run(write(tmp_path, data))

    trial = Trial.objects.get()
    assert (trial.min_age_months, trial.max_age_months) == (None, None)


@pytest.mark.django_db
def test_an_age_that_is_not_an_age_is_refused_naming_the_field(tmp_path):
    data = record()
    data["protocolSection"]["eligibilityModule"]["maximumAge"] = "21 Yrs"

    status, output = run(write(tmp_path, data))

    assert status == 1
    assert "protocolSection.eligibilityModule.maximumAge" in output
    assert "“21 Yrs” is not an age" in output
    assert not Trial.objects.exists()


@pytest.mark.parametrize(
    ("phases", "phase"),
    [
        (["EARLY_PHASE1"], Phase.EARLY_PHASE_1),
        (["PHASE1"], Phase.PHASE_1),
        (["PHASE1", "PHASE2"], Phase.PHASE_1_2),
        (["PHASE2"], Phase.PHASE_2),
        (["PHASE2", "PHASE3"], Phase.PHASE_2_3),
        (["PHASE3"], Phase.PHASE_3),
        (["PHASE4"], Phase.PHASE_4),
        (["NA"], Phase.NOT_APPLICABLE),
        ([], Phase.NOT_APPLICABLE),  # observational studies have none
    ],
)
def test_each_phase_list_has_its_phase(phases, phase):
    assert phase_from(phases) == phase


@pytest.mark.django_db
def test_a_phase_list_we_have_no_code_for_is_refused(tmp_path):
    data = record()
    data["protocolSection"]["designModule"]["phases"] = ["PHASE1", "PHASE3"]

    status, output = run(write(tmp_path, data))

    assert status == 1
    assert "protocolSection.designModule.phases" in output
    assert not Trial.objects.exists()


def test_a_month_date_is_a_month_not_its_first_day():
    assert parse_date("2018-04") == (datetime.date(2018, 4, 1), DatePrecision.MONTH)
    assert parse_date("2018-04-05") == (datetime.date(2018, 4, 5), DatePrecision.DAY)
    assert parse_date(None) == (None, DatePrecision.DAY)


def test_a_status_is_read_when_present_and_unknown_when_missing():
    data = record()
    assert read_study(data).status is None
    data["protocolSection"]["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    assert read_study(data).status == Status.ACTIVE_NOT_RECRUITING
    data["protocolSection"]["statusModule"]["overallStatus"] = "WITHHELD"
    study = read_study(data)
    assert study.status == Status.UNKNOWN
    assert "WITHHELD" in study.warnings[0]


@pytest.mark.django_db
def test_a_record_with_a_status_gets_it_and_arms_follow_it(tmp_path):
    data = record()
    data["protocolSection"]["statusModule"]["overallStatus"] = "RECRUITING"

    run(write(tmp_path, data))

    trial = Trial.objects.get()
    assert trial.status == Status.RECRUITING
    assert {arm.status for arm in trial.arms.all()} == {ArmStatus.OPEN}


# Plausibility warnings: imported anyway, flagged


@pytest.mark.django_db
def test_implausible_records_are_imported_with_their_warnings(tmp_path):
    data = record()
    protocol = data["protocolSection"]
    protocol["eligibilityModule"]["maximumAge"] = "9 Months"  # meant as years?
    protocol["statusModule"]["completionDateStruct"]["date"] = "2020-01"  # before the start
    protocol["armsInterventionsModule"]["armGroups"] = []
    protocol["identificationModule"]["secondaryIdInfos"][0]["id"] = "2021-03212-11"

    status, output = run(write(tmp_path, data))

    assert status == 0, output
    trial = Trial.objects.get()
    warnings = " ".join(trial.registry_record.warnings)
    assert "maximum age is under one year" in warnings
    assert "completion date (2020-01-01) is before the start date" in warnings
    assert "no study arms" in warnings
    assert "“2021-03212-11” fails that registry's own check" in warnings
    assert trial.end_date is None
    assert not trial.registry_numbers.filter(registry=Registry.EUDRACT).exists()
    assert "warning: The maximum age is under one year" in output


# Files that are not API v2 JSON: refused, nothing written


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("", "The file is empty."),
        ("   \n", "The file is empty."),
        (
            '<?xml version="1.0"?>\n<clinical_study><id_info><nct_id>NCT05183035</nct_id>',
            "classic XML format",
        ),
        ("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "web page (HTML)"),
        ('{"protocolSection": {"identificationModule": {"nctId": "NCT0518', "stops before"),
        ('{"hello": "world"}', "not a ClinicalTrials.gov API v2 study"),
    ],
)
def test_a_file_that_is_not_api_v2_json_is_refused_and_nothing_is_written(tmp_path, content, says):
    before = counts()

    status, output = run(write(tmp_path, content), AML)

    assert status == 1
    assert says in output
    assert "Expected a ClinicalTrials.gov API v2 study in JSON" in output
    assert "study.json" in output
    # The other file of the run still imports: each record is its own transaction.
    assert counts()["Trial"] == before["Trial"] + 1
    assert "1 created" in output and "1 refused" in output


@pytest.mark.django_db
def test_a_truncated_real_record_is_refused(tmp_path):
    text = AML.read_text()

    status, output = run(write(tmp_path, text[: len(text) // 2]))

    assert status == 1
    assert "cut-off download" in output
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_a_malformed_record_in_a_page_changes_nothing_and_the_others_import(tmp_path):
    bad = record(ESMART)
    bad["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "sometime in 2016"

    status, output = run(write(tmp_path, {"studies": [bad, record(AML)]}))

    assert status == 1
    assert "NCT02813135 (" in output
    assert "protocolSection.statusModule.startDateStruct.date" in output
    assert "“sometime in 2016” is not a date" in output
    assert list(Trial.objects.values_list("registry_numbers__value", flat=True)).count(
        "NCT05183035"
    )
    assert not RegistryNumber.objects.filter(value="NCT02813135").exists()


@pytest.mark.django_db
def test_a_record_refused_by_our_rules_names_the_registry_field(tmp_path):
    data = record()
    data["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = 10**20

    status, output = run(write(tmp_path, data))

    assert status == 1
    assert "protocolSection.designModule.enrollmentInfo.count" in output
    assert counts() == dict.fromkeys(counts(), 0)


# --dry-run and the command's arguments


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    status, output = run("--dry-run", AML, ESMART)

    assert status == 0
    assert "Dry run, nothing saved" in output
    assert "2 created" in output
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_dry_run_of_a_changed_record_records_no_pending_change(tmp_path):
    run(AML)
    data = record()
    data["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"

    status, output = run("--dry-run", write(tmp_path, data))

    assert "status (Unknown status → Completed)" in output
    assert not PendingRegistryChange.objects.exists()


@pytest.mark.django_db
def test_a_missing_path_is_an_error():
    with pytest.raises(CommandError, match="No such file or folder: nowhere.json"):
        call_command("import_ctgov", "nowhere.json")


# --fetch, through a fake transport (never the network)


@pytest.fixture
def registry(monkeypatch, settings):
    """ClinicalTrials.gov as a dict of NCT number -> record bytes; asked URLs recorded."""
    settings.TRIALPORTAL_REGISTRY_FETCH = True
    records, asked = {}, []

    def transport(url, *, timeout):
        asked.append((url, timeout))
        nct_id = url.rsplit("/", 1)[1]
        if nct_id not in records:
            raise OSError("HTTP Error 404: Not Found")
        return records[nct_id]

    monkeypatch.setattr(ctgov, "transport", transport)
    transport.records, transport.asked = records, asked
    return transport


@pytest.mark.django_db
def test_fetch_downloads_over_https_with_a_timeout(registry):
    registry.records["NCT05183035"] = AML.read_bytes()

    status, output = run("--fetch", "NCT05183035", "nct02813135")

    assert status == 1
    assert registry.asked[0] == ("https://clinicaltrials.gov/api/v2/studies/NCT05183035", 20)
    assert Trial.objects.get().registry_record.received_how == "fetch"
    assert "NCT02813135" in output and "could not be reached" in output and "404" in output


@pytest.mark.django_db
def test_fetch_is_refused_when_the_site_may_not_reach_the_registry(settings):
    settings.TRIALPORTAL_REGISTRY_FETCH = False
    with pytest.raises(CommandError, match="TRIALPORTAL_REGISTRY_FETCH=1"):
        call_command("import_ctgov", "--fetch", "NCT05183035")


# Importing again: the page stays as it is; differences wait for staff


def changed(**status_module) -> dict:
    data = copy.deepcopy(record())
    data["protocolSection"]["statusModule"].update(status_module)
    return data


@pytest.mark.django_db
def test_reimport_never_touches_what_staff_wrote(tmp_path, leukemia):
    run(AML)
    trial = Trial.objects.get()
    staff_wrote = {
        "summary": "For children whose AML came back.",
        "eligibility": "<p>Children from 1 month.</p>",
        "goal": "<p>To learn whether venetoclax helps.</p>",
        "background": "<p>Written by our staff.</p>",
        "max_patients_local": 5,
        "short_name": "ITCC-101",
    }
    Trial.objects.filter(pk=trial.pk).update(**staff_wrote)
    trial.cancer_types.set([leukemia])
    pi = factories.TrialInvestigatorFactory(trial=trial)
    data = record()
    data["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    data["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = 300
    data["protocolSection"]["descriptionModule"]["briefSummary"] = "A new registry summary."

    status, output = run(write(tmp_path, data))

    assert status == 0
    trial.refresh_from_db()
    assert {name: getattr(trial, name) for name in staff_wrote} == staff_wrote
    assert list(trial.cancer_types.all()) == [leukemia]
    assert trial.investigator_roles.filter(pk=pi.pk).exists()
    assert trial.status == Status.UNKNOWN
    assert trial.registry_record.study.brief_summary == "A new registry summary."
    assert "NCT05183035: updated: status (Unknown status → Completed)" in output
    assert "maximum number of patients" in output
