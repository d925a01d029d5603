"""Search in parents' words: synonyms staff keep, spelling variants, drugs, doctors, sponsors,
registry numbers typed as people type them, and the one cancer-type hierarchy rule."""

import pytest
from django.db import connection
from django.urls import reverse

from trials.models import (
    Arm,
    CancerType,
    Registry,
    RegistryNumber,
    SearchDocument,
    SpellingVariant,
    Trial,
    TrialInvestigator,
    count_trials_by_cancer_type,
)

from .factories import (
    ArmFactory,
    CancerTypeFactory,
    OrganisationFactory,
    RegistryNumberFactory,
    TrialFactory,
    TrialInvestigatorFactory,
)
from .queries import SEARCH_SAMPLE

pytestmark = pytest.mark.django_db

LIST_URL = reverse("trials:list")


def found(client, text) -> list[str]:
    response = client.get(LIST_URL, {"q": text})
    assert response.status_code == 200
    return sorted(trial.short_name for trial in response.context["trials"])


@pytest.fixture
def wilms(solid_tumors):
    return CancerTypeFactory(
        name="Wilms tumor",
        parent=solid_tumors,
        lay_name="kidney cancer",
        other_names="nephroblastoma\nkidney tumour",
    )


@pytest.fixture
def kidney_trial(wilms):
    return TrialFactory(short_name="KIDNEY-1", cancer_types=[wilms], summary="About a study.")


# Synonyms staff keep in the admin -----------------------------------------------------------


def test_everyday_name_finds_the_trials_of_its_cancer_type(client, kidney_trial):
    assert found(client, "kidney cancer") == ["KIDNEY-1"]


def test_other_name_finds_the_trials_of_its_cancer_type(client, kidney_trial):
    assert found(client, "nephroblastoma") == ["KIDNEY-1"]


def test_a_name_staff_add_is_found_at_once(client, kidney_trial, wilms):
    assert found(client, "renal tumour") == []
    wilms.other_names += "\nrenal tumour"
    wilms.save()
    assert found(client, "renal tumour") == ["KIDNEY-1"]


def test_everyday_name_of_a_group_finds_its_types_trials(client, hematologic, leukemia):
    hematologic.lay_name = "blood cancers: leukaemia and lymphoma"
    hematologic.save()
    TrialFactory(short_name="AML-1", cancer_types=[leukemia], summary="About a study.")
    TrialFactory(short_name="OTHER", summary="About a study.")
    assert found(client, "blood cancer") == ["AML-1"]


# Spelling variants --------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["leukaemia", "leukemia", "Leukaemias"])
def test_british_and_american_spellings_find_the_same_trials(client, leukemia, typed):
    TrialFactory(short_name="AML-1", cancer_types=[leukemia], summary="About a study.")
    TrialFactory(short_name="TEXT", summary="For children whose leukaemia came back.")
    TrialFactory(short_name="OTHER", summary="About something else.")
    assert found(client, typed) == ["AML-1", "TEXT"]


def test_spelling_variants_apply_inside_words_and_to_every_word(client, wilms):
    TrialFactory(short_name="WILMS", cancer_types=[wilms], summary="About a study.")
    TrialFactory(short_name="PLAIN", summary="Tumors of the kidney in young children.")
    assert found(client, "wilms tumour") == ["WILMS"]
    assert found(client, "kidney tumours") == ["PLAIN", "WILMS"]


def test_a_spelling_variant_staff_add_is_used_at_once(client):
    TrialFactory(short_name="ANEMIA", summary="Children with anemia after treatment.")
    SpellingVariant.objects.filter(spelling="anaemia").delete()
    assert found(client, "anaemia") == []
    SpellingVariant.objects.create(spelling="anaemia", variant="anemia")
    assert found(client, "anaemia") == ["ANEMIA"]


def test_spelling_variant_rejects_sentences_and_identical_spellings():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        SpellingVariant(spelling="two words", variant="x").full_clean()
    assert "One word or part of a word" in str(error.value)
    with pytest.raises(ValidationError) as error:
        SpellingVariant(spelling="Tumor", variant="tumor ").full_clean()
    assert "The two spellings are the same." in str(error.value)


# Drugs, doctors, sponsors -------------------------------------------------------------------


def test_a_drug_name_finds_the_trial_whose_arm_gives_it(client, db):
    trial = TrialFactory(short_name="ESMART", summary="Precision medicine.")
    ArmFactory(trial=trial, name="Arm A. Ribociclib + Topotecan", intervention="Ribociclib")
    ArmFactory(trial=trial, name="Arm O", intervention="Futibatinib")
    TrialFactory(short_name="OTHER", summary="Precision medicine.")
    assert found(client, "futibatinib") == ["ESMART"]
    assert found(client, "Ribociclib") == ["ESMART"]


def test_a_targeted_alteration_finds_the_trial(client, db):
    trial = TrialFactory(short_name="ESMART", summary="Precision medicine.")
    ArmFactory(trial=trial, target="CDK2 and CDK9, which fadraciclib blocks")
    assert found(client, "CDK9") == ["ESMART"]


def test_the_doctors_name_finds_their_trials(client, db):
    trial = TrialFactory(short_name="ESMART")
    TrialInvestigatorFactory(
        trial=trial, investigator__title="Dr.", investigator__name="N. van Eijkelenburg"
    )
    TrialFactory(short_name="OTHER")
    assert found(client, "Eijkelenburg") == ["ESMART"]
    # Titles and "trial" are words that choose nothing.
    assert found(client, "Dr. van Eijkelenburg trial") == ["ESMART"]


def test_sponsor_and_network_names_find_their_trials(client, db):
    TrialFactory(short_name="SPONSORED", sponsor=OrganisationFactory(name="Gustave Roussy"))
    TrialFactory(
        short_name="NETWORKED",
        sponsor=None,
        network=OrganisationFactory(name="ITCC"),
    )
    TrialFactory(short_name="OTHER")
    assert found(client, "roussy") == ["SPONSORED"]
    assert found(client, "itcc") == ["NETWORKED"]


def test_a_word_finds_drugs_and_targets_by_their_start(client, db):
    trial = TrialFactory(short_name="ESMART", summary="Precision medicine.")
    ArmFactory(trial=trial, name="Arm A", intervention="Larotrectinib", target="NTRK fusions")
    TrialFactory(short_name="OTHER", summary="Precision medicine.")
    assert found(client, "larotrec") == ["ESMART"]
    assert found(client, "ntrk precision") == ["ESMART"]


def test_a_renamed_sponsor_or_doctor_is_found_by_the_new_name_at_once(client, db):
    sponsor = OrganisationFactory(name="Old Foundation")
    trial = TrialFactory(short_name="SPONSORED", sponsor=sponsor)
    link = TrialInvestigatorFactory(trial=trial, investigator__name="J. Jansen")
    TrialFactory(short_name="OTHER")

    sponsor.name = "Stichting Kinderoncologie"
    sponsor.save()
    link.investigator.name = "J. de Vries-Jansen"
    link.investigator.save()

    assert found(client, "kinderoncologie") == ["SPONSORED"]
    assert found(client, "old foundation") == []
    assert found(client, "vries-jansen kinderoncologie") == ["SPONSORED"]


def test_search_follows_what_a_trial_is_found_by_as_staff_change_it(client, db):
    trial = TrialFactory(short_name="FOLLOWS", summary="A study.")
    TrialFactory(short_name="OTHER", summary="A study.")
    # Each change on its own, then a search for it: a word in an arm's drug, a doctor,
    # the start of a registry number, a network.
    arm = ArmFactory(trial=trial, intervention="Dinutuximab")
    assert found(client, "dinutuximab study") == ["FOLLOWS"]
    link = TrialInvestigatorFactory(trial=trial, investigator__name="P. Zwaan")
    assert found(client, "zwaan study") == ["FOLLOWS"]
    number = RegistryNumberFactory(trial=trial, registry=Registry.NCT, value="NCT04123456")
    assert found(client, "nct041234 study") == ["FOLLOWS"]
    Trial.objects.filter(pk=trial.pk).update(network=OrganisationFactory(name="Kindernetwerk"))
    assert found(client, "kindernetwerk study") == ["FOLLOWS"]

    arm.delete()
    assert found(client, "dinutuximab study") == []
    link.delete()
    assert found(client, "zwaan study") == []
    number.value = "NCT09999999"
    number.save()
    assert found(client, "nct041234 study") == []
    assert found(client, "nct099999 study") == ["FOLLOWS"]
    Trial.objects.filter(pk=trial.pk).update(network=None)
    assert found(client, "kindernetwerk study") == []


@pytest.mark.django_db(transaction=True)
def test_a_deleted_trial_leaves_no_search_document_whatever_the_order():
    # As a restore empties the tables: the document first, then what the trial is found
    # by, whose deletion touches the trial and so writes its document again, then the
    # trial. Each statement commits; a document outliving its trial would break its key.
    trial = TrialFactory(short_name="GOES")
    ArmFactory(trial=trial)
    RegistryNumberFactory(trial=trial)
    TrialInvestigatorFactory(trial=trial)

    found_by = (Arm, RegistryNumber, TrialInvestigator)
    the_rest = [
        relation.related_model
        for relation in Trial._meta.related_objects
        if relation.related_model not in (SearchDocument, *found_by)
    ]
    with connection.cursor() as cursor:
        for model in (SearchDocument, *found_by, *the_rest, Trial):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608

    assert not SearchDocument.objects.exists()


# Registry numbers as people type them --------------------------------------------------------


@pytest.fixture
def registered(db):
    trial = TrialFactory(short_name="ESMART")
    RegistryNumberFactory(trial=trial, registry=Registry.EUDRACT, value="2016-000133-40")
    RegistryNumberFactory(trial=trial, registry=Registry.NCT, value="NCT02813135")
    RegistryNumberFactory(trial=trial, registry=Registry.EU_CT, value="2024-514791-40-00")
    TrialFactory(short_name="OTHER")
    return trial


@pytest.mark.parametrize(
    "typed",
    [
        "EudraCT 2016-000133-40",
        "eudract number: 2016-000133-40",
        "2016-000133-40",
        "nct 02813135",
        "NCT 0281 3135",
        "NCT: 02813135",
        "ClinicalTrials.gov NCT02813135",
        "EU CT 2024-514791-40-00",
        "CTIS 2024-514791-40-00",
        "02813135",
        "ＮＣＴ ０２８１３１３５",  # full-width, as some keyboards type
        "EudraCT 2016–000133–40",  # en dashes from a word processor
    ],
)
def test_registry_numbers_typed_with_their_registry_or_spaces(client, registered, typed):
    assert found(client, typed) == ["ESMART"]


@pytest.mark.parametrize("typed", ["isrctn", "ISRCTN number", "eudract"])
def test_a_registry_name_without_a_number_finds_no_trial_by_its_numbers(client, registered, typed):
    # Every ISRCTN number starts with "ISRCTN": the name alone would match them all.
    RegistryNumberFactory(trial=registered, registry=Registry.ISRCTN, value="ISRCTN12345678")
    assert found(client, typed) == []


def test_a_registry_number_is_the_best_match(client, registered):
    TrialFactory(short_name="MENTIONS", summary="Follows on from EudraCT 2016-000133-40.")
    response = client.get(LIST_URL, {"q": "EudraCT 2016-000133-40"})
    assert [trial.short_name for trial in response.context["trials"]][0] == "ESMART"


def test_a_wrong_registry_number_finds_nothing_and_says_so(client, registered):
    response = client.get(LIST_URL, {"q": "NCT99999999"})
    assert list(response.context["trials"]) == []
    assert "No trials match all of these filters" in response.text


# One hierarchy rule: search = filter = cancer-type page = counts -----------------------------


@pytest.fixture
def tree(solid_tumors, neuroblastoma, hematologic, leukemia):
    """A trial per level: for a type, for all solid tumours, for another type's group.
    Their texts name no cancer, so only their cancer types can match."""
    texts = {"summary": "x", "eligibility": "Children whose cancer came back."}
    return {
        "type": TrialFactory(short_name="NBL-ONLY", cancer_types=[neuroblastoma], **texts),
        "group": TrialFactory(short_name="ALL-SOLID", cancer_types=[solid_tumors], **texts),
        "other": TrialFactory(short_name="AML-ONLY", cancer_types=[leukemia], **texts),
        "draft": TrialFactory(
            short_name="NBL-DRAFT", cancer_types=[neuroblastoma], publication="draft", **texts
        ),
    }


@pytest.mark.parametrize(
    ("slug", "search", "expected"),
    [
        # A type also gets the trials for its whole group ...
        ("neuroblastoma", "neuroblastoma", ["ALL-SOLID", "NBL-ONLY"]),
        # ... a group the trials of each of its types ...
        ("solid-tumors", "solid tumours", ["ALL-SOLID", "NBL-ONLY"]),
        # ... and a type never its sibling's or another group's.
        ("acute-myeloid-leukemia", "acute myeloid leukaemia", ["AML-ONLY"]),
    ],
)
def test_search_filter_page_and_counts_follow_one_hierarchy_rule(
    client, tree, slug, search, expected
):
    by_filter = client.get(LIST_URL, {"cancer_type": slug}).context["trials"]
    by_page = client.get(reverse("trials:cancer_type", kwargs={"slug": slug})).context["trials"]
    cancer_types = list(CancerType.objects.all())
    count_trials_by_cancer_type(cancer_types, Trial.objects.published())
    count = next(ct.trial_count for ct in cancer_types if ct.slug == slug)
    finder_option = {
        option.value: option.count
        for group in client.get(LIST_URL).context["cancer_type_options"]
        for option in [group, *group.children]
    }[slug]

    assert found(client, search) == expected
    assert sorted(trial.short_name for trial in by_filter) == expected
    assert sorted(trial.short_name for trial in by_page) == expected
    assert count == finder_option == len(expected)


def test_related_trials_and_the_admin_filter_follow_the_same_rule(
    client, staff_client, tree, neuroblastoma
):
    related = client.get(tree["type"].get_absolute_url()).context["related_trials"]
    assert [trial.short_name for trial in related] == ["ALL-SOLID"]
    response = staff_client.get("/admin/trials/trial/", {"cancer_type": "neuroblastoma"})
    listed = sorted(trial.short_name for trial in response.context["cl"].result_list)
    assert listed == ["ALL-SOLID", "NBL-DRAFT", "NBL-ONLY"]  # staff see drafts too


def test_the_admin_searches_with_the_public_search(staff_client, tree):
    response = staff_client.get("/admin/trials/trial/", {"q": "neuroblastoma"})
    listed = sorted(trial.short_name for trial in response.context["cl"].result_list)
    assert listed == ["ALL-SOLID", "NBL-DRAFT", "NBL-ONLY"]


@pytest.mark.parametrize("typed", ["?", "...", '""', "( )", "!?!"])
def test_a_search_of_punctuation_alone_finds_nothing_and_breaks_nothing(
    client, staff_client, tree, typed
):
    response = client.get(LIST_URL, {"q": typed})
    api = client.get("/api/v1/trials/", {"q": typed})
    admin = staff_client.get("/admin/trials/trial/", {"q": typed})

    assert response.status_code == 200
    assert list(response.context["trials"]) == []
    assert api.status_code == 200 and api.json()["count"] == 0
    assert admin.status_code == 200 and list(admin.context["cl"].result_list) == []


def test_search_reads_the_vocabulary_once_however_many_words(
    client, django_assert_num_queries, tree
):
    # The version of public content, the finder's fixed queries with the text search as a
    # subquery of each, and its vocabulary (the cancer types the finder already has, and
    # the spelling variants): 9, as for one word; on PostgreSQL one more, the search's
    # count in the search documents' sample.
    with django_assert_num_queries(9 + SEARCH_SAMPLE):
        response = client.get(LIST_URL, {"q": "Solid tumours, neuroblastoma: children came back"})
    assert sorted(trial.short_name for trial in response.context["trials"]) == [
        "ALL-SOLID",
        "NBL-ONLY",
    ]


# Search at a registry's scale -----------------------------------------------------------------


@pytest.mark.parametrize("rank_every_word_up_to", [2000, 1])
def test_best_match_puts_names_and_numbers_first_however_many_matches(
    client, settings, registered, rank_every_word_up_to
):
    # Above TRIALPORTAL_RANK_EVERY_WORD_UP_TO matches, best match reads no long text, but
    # the order of what families notice most stays: their registry number, their name.
    settings.TRIALPORTAL_RANK_EVERY_WORD_UP_TO = rank_every_word_up_to
    TrialFactory(short_name="MENTIONS", summary="Follows on from EudraCT 2016-000133-40.")
    TrialFactory(short_name="ZZ-RELAPSE", subtitle="For relapsed neuroblastoma")
    TrialFactory(short_name="AA-OTHER", summary="For children whose neuroblastoma relapsed.")

    by_number = client.get(LIST_URL, {"q": "EudraCT 2016-000133-40"})
    by_words = client.get(LIST_URL, {"q": "relapsed neuroblastoma"})

    assert [trial.short_name for trial in by_number.context["trials"]][0] == "ESMART"
    assert [trial.short_name for trial in by_words.context["trials"]] == [
        "ZZ-RELAPSE",  # both words in its names, before a name earlier in the alphabet
        "AA-OTHER",
    ]
    api = client.get("/api/v1/trials/", {"q": "relapsed neuroblastoma"}).json()
    assert [trial["short_name"] for trial in api["results"]] == ["ZZ-RELAPSE", "AA-OTHER"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search document is PostgreSQL's")
def test_the_search_document_follows_every_write_of_the_texts(db):
    trial = TrialFactory(short_name="FOLLOWS", subtitle="for Ewing sarcoma", summary="Carboplatin.")
    assert list(Trial.objects.matching("ewing")) == [trial]
    assert list(Trial.objects.matching("carboplatin")) == [trial]

    Trial.objects.filter(pk=trial.pk).update(summary_en="Vincristine.", subtitle_nl="voor Wilms")

    assert not Trial.objects.matching("carboplatin").exists()
    assert list(Trial.objects.matching("vincristine")) == [trial]
    assert list(Trial.objects.matching("wilm")) == [trial]  # part of a name, in any language
    trial.delete()
    assert not SearchDocument.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search document is PostgreSQL's")
def test_every_search_document_is_stored_apart_from_its_narrow_row(db):
    # Short texts make documents far below the 2 kB at which PostgreSQL would move them
    # out of the row by itself; the rows must stay narrow all the same (migration 0018).
    trials = [TrialFactory(summary=f"Short text {number}.") for number in range(3)]
    Trial.objects.filter(pk=trials[0].pk).update(summary_en="Changed, and still short.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltoastrelid::regclass::text FROM pg_class"
            " WHERE oid = 'trials_searchdocument'::regclass"
        )
        toast_table = cursor.fetchone()[0]
        # Only the documents can be there: the spill is compressed in the row (MAIN).
        cursor.execute(f"SELECT count(DISTINCT chunk_id) FROM {toast_table}")  # noqa: S608
        stored_apart = cursor.fetchone()[0]
    assert stored_apart == len(trials)
    assert list(Trial.objects.matching("changed")) == [trials[0]]
