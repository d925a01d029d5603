"""The demo data `manage.py load_demo_trials` loads.

Three kinds of trial:

- ESMART, exactly as the centre's own page describes it (seed page 000_e43dc84f18d0d9c9),
  with its eighteen arms taken from its ClinicalTrials.gov record;
- four other real paediatric trials, built only from their ClinicalTrials.gov records in
  ``trials/demo/ctgov/`` (see ``REAL_TRIALS``);
- clearly fictional example trials that fill in the statuses, phases, ages and cancer types
  the real ones do not show. Every one of them says so in its subtitle and official title,
  names fictional people and organisations, and carries no registry number.
"""

import datetime

from trials.models import (
    ApprovalKind,
    ArmStatus,
    DiseaseSetting,
    InvestigatorRole,
    Phase,
    Publication,
    Registry,
    Status,
)

# ---------------------------------------------------------------------------------------------
# Cancer types: three groups, each with its specific types. Descriptions are general facts in
# plain language, for families.
# ---------------------------------------------------------------------------------------------

CANCER_TYPE_GROUPS = [
    {
        "name": "Solid tumors",
        "slug": "solid-tumors",
        "lay_name": "cancers that grow as a lump",
        "other_names": ["solid tumour", "solid cancer"],
        "description": (
            "Cancers that grow as a lump (a tumor) somewhere in the body, for example in a bone, "
            "a muscle, a kidney or nerve tissue. Brain and spinal cord tumors are listed "
            "separately."
        ),
        "types": [
            {
                "name": "Neuroblastoma",
                "slug": "neuroblastoma",
                "other_names": ["nerve cell tumour", "adrenal tumour"],
                "description": (
                    "A tumor that develops from immature nerve cells, most often in an adrenal "
                    "gland (above a kidney) or along the spine. It mostly affects babies and "
                    "young children."
                ),
            },
            {
                "name": "Osteosarcoma",
                "slug": "osteosarcoma",
                "lay_name": "bone cancer",
                "other_names": ["bone tumour", "osteogenic sarcoma"],
                "description": (
                    "A cancer of the bone, most often near the knee or the shoulder. It occurs "
                    "mostly in teenagers and young adults."
                ),
            },
            {
                "name": "Wilms tumor",
                "slug": "wilms-tumor",
                "lay_name": "kidney cancer",
                "other_names": ["nephroblastoma", "kidney tumour", "Wilms' tumour"],
                "description": (
                    "The most common kidney cancer in children, also called nephroblastoma. It "
                    "is usually found in young children."
                ),
            },
            {
                "name": "Rhabdomyosarcoma",
                "slug": "rhabdomyosarcoma",
                "lay_name": "a soft-tissue cancer",
                "other_names": ["soft tissue sarcoma", "muscle cancer"],
                "description": (
                    "A soft-tissue cancer that develops from cells that would normally become "
                    "muscle. It can start almost anywhere in the body, for example in the head "
                    "and neck, the bladder or an arm or leg."
                ),
            },
            {
                "name": "Ewing sarcoma",
                "slug": "ewing-sarcoma",
                "lay_name": "bone cancer",
                "other_names": ["Ewing's sarcoma", "Ewing tumour"],
                "description": (
                    "A cancer of the bone or, less often, of the soft tissue around it. It occurs "
                    "mostly in teenagers and young adults."
                ),
            },
            {
                "name": "Retinoblastoma",
                "slug": "retinoblastoma",
                "lay_name": "eye cancer",
                "other_names": ["eye tumour"],
                "description": (
                    "A cancer of the retina, the light-sensitive layer at the back of the eye. It "
                    "mostly affects babies and young children."
                ),
            },
        ],
    },
    {
        "name": "Hematologic malignancies",
        "slug": "hematologic-malignancies",
        "lay_name": "blood cancers: leukaemia and lymphoma",
        "other_names": ["blood cancer", "haematological cancer", "bone marrow cancer"],
        "description": (
            "Cancers of the blood, the bone marrow and the lymph nodes, such as leukemia and "
            "lymphoma."
        ),
        "types": [
            {
                "name": "Acute lymphoblastic leukemia",
                "slug": "acute-lymphoblastic-leukemia",
                "lay_name": "leukaemia",
                # Not "ALL": search would read the everyday word "all" as this leukaemia.
                "other_names": ["lymphoblastic leukaemia", "lymphatic leukaemia"],
                "description": (
                    "A cancer of the bone marrow in which immature lymphocytes (a kind of white "
                    "blood cell) grow out of control. It is the most common cancer in children."
                ),
            },
            {
                "name": "Acute myeloid leukemia",
                "slug": "acute-myeloid-leukemia",
                "lay_name": "leukaemia",
                "other_names": ["AML", "myeloid leukaemia"],
                "description": (
                    "A cancer of the blood-forming cells in the bone marrow, in which immature "
                    "myeloid cells grow out of control. In children it is less common than "
                    "acute lymphoblastic leukemia."
                ),
            },
            {
                "name": "Lymphoma",
                "slug": "lymphoma",
                "lay_name": "cancer of the lymph glands",
                "other_names": ["Hodgkin lymphoma", "non-Hodgkin lymphoma", "lymph node cancer"],
                "description": (
                    "A cancer of the lymphatic system, which is part of the body's defence "
                    "against infection. The two main kinds are Hodgkin lymphoma and non-Hodgkin "
                    "lymphoma."
                ),
            },
        ],
    },
    {
        "name": "Brain and spinal cord tumors",
        "slug": "brain-and-spinal-cord-tumors",
        "lay_name": "brain tumours",
        "other_names": ["brain tumour", "brain cancer", "spinal cord tumour", "CNS tumour"],
        "description": (
            "Tumors that start in the brain or the spinal cord (the central nervous system). "
            "Together they are the most common solid tumors in children."
        ),
        "types": [
            {
                "name": "Medulloblastoma",
                "slug": "medulloblastoma",
                "lay_name": "a brain tumour in the back of the brain",
                "other_names": ["cerebellum tumour"],
                "description": (
                    "A fast-growing tumor that starts in the cerebellum, at the back of the "
                    "brain. It is the most common malignant brain tumor in children."
                ),
            },
            {
                "name": "High-grade glioma / DIPG",
                "slug": "high-grade-glioma-dipg",
                "other_names": ["diffuse midline glioma", "brainstem glioma", "glioblastoma"],
                "description": (
                    "Fast-growing tumors that start in the glial (supporting) cells of the brain "
                    "or spinal cord. DIPG (diffuse intrinsic pontine glioma) is a high-grade "
                    "glioma in the brainstem."
                ),
            },
            {
                "name": "Low-grade glioma",
                "slug": "low-grade-glioma",
                "other_names": ["astrocytoma", "pilocytic astrocytoma", "optic pathway glioma"],
                "description": (
                    "Slow-growing tumors that start in the glial (supporting) cells of the brain "
                    "or spinal cord. They are the most common brain tumors in children."
                ),
            },
        ],
    },
]

# How the registry's condition texts and MeSH terms map to the demo's cancer types (staff
# keep these in the admin: "Condition mappings"). A term matches a condition that is it or
# contains it as whole words, ignoring case; a condition matching none gets no cancer type
# (nothing is guessed) and is named in the import's report.
CONDITION_MAPPINGS = [
    ("Wilms", "wilms-tumor"),
    ("nephroblastoma", "wilms-tumor"),
    ("acute myeloid leukemia", "acute-myeloid-leukemia"),
    ("acute myeloid leukaemia", "acute-myeloid-leukemia"),
    ("AML", "acute-myeloid-leukemia"),
    ("acute lymphoblastic leukemia", "acute-lymphoblastic-leukemia"),
    ("acute lymphoblastic leukaemia", "acute-lymphoblastic-leukemia"),
    ("lymphoma", "lymphoma"),
    ("lymphomas", "lymphoma"),
    ("osteosarcoma", "osteosarcoma"),
    ("Ewing", "ewing-sarcoma"),
    ("retinoblastoma", "retinoblastoma"),
    ("neuroblastoma", "neuroblastoma"),
    ("rhabdomyosarcoma", "rhabdomyosarcoma"),
    ("medulloblastoma", "medulloblastoma"),
    ("high-grade glioma", "high-grade-glioma-dipg"),
    ("high grade glioma", "high-grade-glioma-dipg"),
    ("DIPG", "high-grade-glioma-dipg"),
    ("diffuse intrinsic pontine glioma", "high-grade-glioma-dipg"),
    ("low-grade glioma", "low-grade-glioma"),
    ("low grade glioma", "low-grade-glioma"),
]

# ---------------------------------------------------------------------------------------------
# ESMART, as seed page 000_e43dc84f18d0d9c9 describes it. Its arms come from its registry record.
# ---------------------------------------------------------------------------------------------

ESMART_NCT_ID = "NCT02813135"

ESMART = {
    "trial": {
        "slug": "esmart",
        "short_name": "ESMART",
        "subtitle": "different tumor types",
        "official_title": (
            "European proof-of-concept therapeutic stratification trial of molecular anomalies "
            "in relapsed or refractory tumors."
        ),
        "summary": (
            "ESMART tests whether a drug, or a combination of drugs, that matches a molecular "
            "alteration in the tumor is safe and effective in children and teenagers whose "
            "cancer has come back or has not responded well enough to treatment."
        ),
        "eligibility": (
            "Children and teenagers with cancer in whom the disease has returned (relapse) or "
            "responded insufficiently to treatment (refractory)."
        ),
        "min_age_months": None,
        "max_age_months": 18 * 12,
        "disease_setting": DiseaseSetting.RELAPSED_REFRACTORY,
        "goal": (
            "The goal of this study is to assess how safe and effective a drug (or a combination "
            "of drugs) is that matches a molecular alteration in the tumor of children with "
            "cancer."
        ),
        "background": "\n\n".join(
            [
                "Cancer arises by the accumulation of multiple changes in the DNA, also called "
                "molecular alterations. These changes can for example result in uncontrolled "
                "growth and division of tumor cells, or insufficient sensitivity to chemotherapy. "
                "Therefore, more and more drugs are being developed that are specifically aimed "
                "at certain molecular alterations in the tumor.",
                "Previously, the iTHER-study determined which alterations are present in the "
                "tumor (the so-called ‘molecular profile’) of children with relapsed or "
                "refractory disease. When such an alteration is present, treatment with a drug "
                "directly targeting this alteration may be possible in certain cases. This is "
                "also called ‘precision medicine’ or ‘targeted therapy’. These treatments are "
                "part of the clinical study ESMART.",
                "The ESMART study is divided into different treatment options (so-called "
                "‘arms’). In doing so, we try to choose a drug that matches the molecular "
                "alteration in the tumor.",
            ]
        ),
        "arms_intro": (
            "The following ‘arms’ have started (at the moment, all arms are closed for inclusion):"
        ),
        "phase": Phase.PHASE_1_2,
        "design_note": "multi arm",
        "max_patients_total": 280,
        "max_patients_local": 25,
        "start_date": datetime.date(2018, 4, 5),
        "end_date": None,
        "status": Status.ACTIVE_NOT_RECRUITING,
        "status_note": "This study is momentarily closed for inclusion.",
        "last_reviewed": datetime.date(2025, 9, 16),
        "publication": Publication.PUBLISHED,
    },
    "cancer_types": ["hematologic-malignancies", "solid-tumors"],
    "sponsor": {"name": "Institut Gustave Roussy", "location": "Villejuif, France"},
    "network": {
        "name": "ITCC",
        "description": (
            "an international collaboration that promotes drug research for children with "
            "cancer in Europe"
        ),
    },
    "investigators": [
        {
            "title": "Dr.",
            "name": "N. van Eijkelenburg",
            "role": InvestigatorRole.LOCAL_PRINCIPAL_INVESTIGATOR,
        },
    ],
    "approvals": [
        {
            "body": "An accredited medical research ethics committee",
            "kind": ApprovalKind.ETHICS,
            "note": (
                "The study of this new treatment has been reviewed by an accredited medical "
                "research ethics committee. This committee has decided that it is justified to "
                "ask patients to participate in this study."
            ),
            "more_information_url": "https://www.ccmo.nl/",
            "more_information_label": "CCMO",
        }
    ],
    # The seed page's EudraCT number; the loader adds the record's NCT and EU CT numbers.
    "registry_numbers": [(Registry.EUDRACT, "2016-000133-40")],
    "arm_status": ArmStatus.CLOSED,
}

# ESMART's arms as families read them, by the record's arm label: the record's dosing
# shorthand ("iv QD", "BID") in plain words, and what the arm's drug targets where the record
# says so. The record lists no targets with its arms; its references (published results of
# arms A/B, E/F, G and K) name the drugs' targets: vistusertib "the dual mTORC1/2 inhibitor",
# nivolumab "programmed cell death protein 1 inhibitor", fadraciclib "the CDK2/9 inhibitor".
# Nothing else is known from the record or the seed page, so other arms name no target.
VISTUSERTIB_TARGET = "mTORC1 and mTORC2, which vistusertib blocks"
NIVOLUMAB_TARGET = "PD-1 (programmed cell death protein 1), which nivolumab blocks"
FADRACICLIB_TARGET = "CDK2 and CDK9, which fadraciclib blocks"
EVERY_28_DAYS = "Each treatment cycle lasts 28 days."
EVERY_21_DAYS = "Each treatment cycle lasts 21 days."

ESMART_ARMS = {
    "Arm A. Ribociclib + Topotecan and Temozolomide": {
        "description": (
            "Topotecan (into a vein) and temozolomide (capsules by mouth) once a day on days 1 "
            "to 5, then ribociclib (capsules or liquid by mouth) once a day on days 6 to 20. "
            + EVERY_28_DAYS
        ),
    },
    "Arm B. Ribociclib + Everolimus": {
        "description": (
            "Ribociclib (capsules or liquid by mouth) once a day for 21 days, and everolimus "
            "(tablets that melt in the mouth) once a day every day. " + EVERY_28_DAYS
        ),
    },
    "ARM C. Adavosertib + Carboplatin": {
        "description": (
            "Adavosertib (capsules by mouth) twice a day, 3 days on and 4 days off, in the "
            "first week, and carboplatin (into a vein) on day 1. " + EVERY_21_DAYS
        ),
    },
    "Arm D. Olaparib + Irinotecan": {
        "description": (
            "Olaparib (tablets by mouth) twice a day on days 1 to 10, and irinotecan (into a "
            "vein) once a day on days 4 to 8. " + EVERY_21_DAYS
        ),
    },
    "Arm E. Vistusertib single agent": {
        "target": VISTUSERTIB_TARGET,
        "description": (
            "Vistusertib (tablets by mouth) twice a day, 2 days on and 5 days off, every week. "
            + EVERY_28_DAYS
        ),
    },
    "Arm F. Vistusertib + Topotecan and Temozolomide": {
        "target": VISTUSERTIB_TARGET,
        "description": (
            "Topotecan (into a vein) and temozolomide (capsules by mouth) once a day on days 1 "
            "to 5, and vistusertib (tablets by mouth) twice a day, 3 days on and 4 days off, "
            "every week. " + EVERY_28_DAYS
        ),
    },
    "Arm G. Nivolumab + Cyclophosphamide +/- Radiotherapy": {
        "target": NIVOLUMAB_TARGET,
        "description": (
            "Nivolumab (into a vein) on days 1 and 15, and cyclophosphamide (tablets or liquid "
            "by mouth) twice a day, one week on and one week off. " + EVERY_28_DAYS + " From "
            "two weeks after the first nivolumab, radiotherapy or another local treatment "
            "(radiofrequency or cryotherapy) may be given to ease symptoms."
        ),
    },
    "Arm H. Selumetinib + Vistusertib": {
        "target": VISTUSERTIB_TARGET,
        "description": (
            "Selumetinib (capsules by mouth) twice a day, every day, and vistusertib (by mouth) "
            "twice a day, 2 days on and 5 days off, every week. " + EVERY_28_DAYS
        ),
    },
    "Arm I. Enasidenib": {
        "description": (
            "Enasidenib (tablets, or a form sprinkled on food, by mouth) once a day, every day. "
            + EVERY_28_DAYS
        ),
    },
    "Arm J. Lirilumab + Nivolumab": {
        "target": NIVOLUMAB_TARGET,
        "description": (
            "Nivolumab (into a vein) on days 1 and 15, and lirilumab (into a vein) on day 1. "
            + EVERY_28_DAYS
        ),
    },
    "Arm K. Fadraciclib (CYC065) + Temozolomide": {
        "target": FADRACICLIB_TARGET,
        "description": (
            "Fadraciclib (into a vein) on day 1, and in some cases day 15, and temozolomide "
            "(capsules by mouth) once a day on days 1 to 5. " + EVERY_28_DAYS
        ),
    },
    "Arm L. Fadraciclib (CYC065) + Cytarabine": {
        "target": FADRACICLIB_TARGET,
        "description": (
            "Fadraciclib (into a vein) on day 1, and in some cases day 15, and cytarabine (into "
            "a vein or under the skin) on days 2 to 5 and 8 to 11. " + EVERY_28_DAYS
        ),
    },
    "Arm M. Ribociclib + Everolimus +/- Dexamethasone": {
        "description": (
            "Ribociclib (capsules or tablets by mouth) once a day on days 1 to 21, and "
            "everolimus (tablets that dissolve in water) once a day, every day. "
            + EVERY_28_DAYS
            + " Children with leukemia or lymphoma also get dexamethasone (by mouth or into a "
            "vein) on days 1 to 7 of each cycle; with ALL, AML or non-Hodgkin lymphoma, also "
            "chemotherapy into the fluid around the spinal cord as usual, depending on whether "
            "the disease has reached the brain or spinal cord."
        ),
    },
    "Arm N. Ceralasertib (AZD6738) + Olaparib": {
        "description": (
            "Olaparib (tablets by mouth) twice a day, and ceralasertib (tablets by mouth) once "
            "or twice a day. " + EVERY_28_DAYS
        ),
    },
    "Arm O. Futibatinib (TAS-120)": {
        "description": ("Futibatinib (tablets by mouth) once a day, every day. " + EVERY_28_DAYS),
    },
    "Arm P. Capmatinib (INC280) + Everolimus": {
        "description": (
            "Capmatinib (tablets by mouth) twice a day, every day, and everolimus (tablets that "
            "dissolve in water) once a day, every day. " + EVERY_28_DAYS
        ),
    },
    "Arm Q. Peposertib + Avelumab and Metronomic Temozolomide": {
        "description": (
            "Peposertib (tablets by mouth) twice a day, every day; avelumab (into a vein) on "
            "days 1 and 15; and temozolomide (capsules by mouth) once a day, 5 days a week, at a "
            "low, regular dose (“metronomic”). " + EVERY_28_DAYS
        ),
    },
    "Arm R. Capivasertib + metronomic Vinorelbine": {
        "description": (
            "Capivasertib (tablets by mouth) twice a day, 4 days on and 3 days off, every week, "
            "and vinorelbine (soft capsules by mouth) once a day on days 1, 3 and 5 of every "
            "week. " + EVERY_28_DAYS
        ),
    },
}

# ---------------------------------------------------------------------------------------------
# The other real trials. Everything else about them is read from their records; only the name
# families see is chosen here, and it too comes from the record (its acronym, its
# organisation's study ID or a short form of its brief title).
# ---------------------------------------------------------------------------------------------

# Each has a summary written for families from its record; the record's own summary follows
# in the page's background, as registered.
REAL_TRIALS = {
    "NCT02559778": {
        "short_name": "PEDS-PLAN",  # acronym
        "subtitle": "neuroblastoma",
        "summary": (
            "For children and young people who have just been diagnosed with high-risk "
            "neuroblastoma. The study looks at whether it is possible and safe to add medicines "
            "chosen to match the tumor's molecular make-up to the first chemotherapy. After "
            "that, children are divided by chance between the usual immunotherapy with or "
            "without a medicine called DFMO, and then all go on with DFMO to try to keep the "
            "neuroblastoma from coming back."
        ),
    },
    "NCT03900793": {
        "short_name": "Losartan + Sunitinib",
        "subtitle": "osteosarcoma",
        "summary": (
            "For children from 10 years old, and adults, whose osteosarcoma (bone cancer) has "
            "come back or did not respond well enough to treatment. Two medicines, losartan and "
            "sunitinib, are given together. The study first looks for the highest dose that is "
            "safe, trying it step by step in small groups of patients, then gives that dose to "
            "more patients to get a first idea of how well it works."
        ),
    },
    "NCT04322318": {
        "short_name": "AREN1921",  # COG study ID
        "subtitle": "Wilms tumor",
        "summary": (
            "For children and young people with Wilms tumor (a kidney cancer): those just "
            "diagnosed with a stage II to IV diffuse anaplastic Wilms tumor, and those whose "
            "favorable histology Wilms tumor has come back. The study looks at how well "
            "combinations of chemotherapy work: regimen UH-3 or regimen ICE/Cyclo/Topo, "
            "depending on the kind of tumor and on the earlier treatment."
        ),
    },
    "NCT05183035": {
        "short_name": "ITCC-101/APAL2020D",  # the organisation's study ID
        "subtitle": "relapsed acute myeloid leukemia",
        "summary": (
            "For children, teenagers and young adults whose acute myeloid leukemia (AML) has "
            "come back a second time, or a first time when they cannot have more of the "
            "medicines called anthracyclines. Everyone gets chemotherapy (fludarabine, "
            "cytarabine and gemtuzumab ozogamicin [GO]); by chance, one of two groups also gets "
            "venetoclax, a medicine that blocks BCL-2, a protein that helps leukemia cells "
            "survive. The study looks at whether adding venetoclax helps children live longer."
        ),
    },
}

# The centre's contact details as the demo shows them: clearly examples (the number cannot
# be dialled: Dutch local numbers never start with 0), filled in only where staff have not
# set their own.
DEMO_CENTRE_CONTACT = {
    "phone": "+31 30 000 0000",
    "email": "trialoffice@example.org",
    "opening_hours": "Monday to Friday, 9:00 to 17:00 (example contact details)",
    "how_to_take_part": (
        "<p>Talk to your child's doctor first. They know your child's illness and can tell "
        "you whether a trial could fit.</p>"
        "<ul><li>Your doctor can refer your child to us, or ask the trial office whether a "
        "trial is open for your child. A second opinion is possible too.</li>"
        "<li>If a trial may fit, the trial team explains it in a conversation and in "
        "writing. You decide in your own time, and you can always say no or stop later, "
        "without giving a reason.</li></ul>"
    ),
    "international_patients": (
        "Living outside the Netherlands? Your child's doctor can contact the trial office "
        "about a referral."
    ),
}

# ---------------------------------------------------------------------------------------------
# Fictional example trials. Nothing here describes a real study.
# ---------------------------------------------------------------------------------------------

FICTIONAL_SPONSOR = {
    "name": "Example Children's Oncology Network (fictional)",
    "description": "a fictional network, used only to show how a trial page looks",
}
FICTIONAL_NETWORK = {
    "name": "Example Brain Tumour Collaboration (fictional)",
    "description": "a fictional collaboration of children's brain tumour centres",
}

DR_EXAMPLE = {"title": "Dr.", "name": "A. Example", "specialty": "Neuro-oncology (fictional)"}
DR_SAMPLE = {"title": "Dr.", "name": "B. Sample", "specialty": "Haematology (fictional)"}
PROF_DEMO = {"title": "Prof.", "name": "C. Demo", "specialty": "Solid tumours (fictional)"}
NURSE_PLACEHOLDER = {
    "title": "",
    "name": "D. Placeholder",
    "specialty": "Research nurse (fictional)",
}
COORDINATOR_MOCK = {"title": "", "name": "E. Mock", "specialty": "Trial office (fictional)"}

FICTIONAL_ETHICS_APPROVAL = {
    "body": "An accredited medical research ethics committee (fictional example)",
    "kind": ApprovalKind.ETHICS,
    "note": (
        "Fictional example: this is how the page shows that a medical research ethics "
        "committee has reviewed a study and decided that it is justified to ask patients to "
        "take part."
    ),
}


def _fictional(
    *,
    slug: str,
    short_name: str,
    topic: str,
    official_title: str,
    cancer_types: list[str],
    principal_investigator: dict,
    team: list[tuple[dict, InvestigatorRole]] = (),
    ethics_approved: datetime.date | None = None,
    other_approvals: list[dict] = (),
    arms: list[dict] = (),
    network: dict | None = None,
    **trial_fields,
) -> dict:
    """A fictional example trial, with the fields every example shares: `topic` names it in
    the subtitle, the fictional sponsor runs it, `principal_investigator` leads it here, and
    the fictional ethics committee approved it on `ethics_approved` (a draft: not yet)."""
    fields = {
        "slug": slug,
        "short_name": short_name,
        "subtitle": f"fictional example: {topic}",
        "official_title": f"Fictional example trial: {official_title}",
        "goal": "",
        "background": "",
        "max_patients_total": None,
        "max_patients_local": None,
        "start_date": None,
        "end_date": None,
        "design_note": "",
        "arms_intro": "",
        "status_note": "",
        "publication": Publication.PUBLISHED,
    }
    fields.update(trial_fields)
    people = [(principal_investigator, InvestigatorRole.LOCAL_PRINCIPAL_INVESTIGATOR), *team]
    approvals = [{**FICTIONAL_ETHICS_APPROVAL, "decision_date": ethics_approved}]
    return {
        "trial": fields,
        "cancer_types": cancer_types,
        "sponsor": FICTIONAL_SPONSOR,
        "network": network,
        "arms": list(arms),
        "investigators": [{**person, "role": role} for person, role in people],
        "approvals": [*(approvals if ethics_approved else []), *other_approvals],
    }


def _arms(names: list[str], *, intervention: str, status: ArmStatus) -> list[dict]:
    """Arms that differ only in name: the dose levels or parts of one study."""
    return [{"name": name, "intervention": intervention, "status": status} for name in names]


FICTIONAL_TRIALS = [
    _fictional(
        slug="example-mb",
        short_name="EXAMPLE-MB",
        topic="medulloblastoma",
        official_title=(
            "a randomised study of standard versus reduced-dose radiotherapy after surgery "
            "for children with newly diagnosed standard-risk medulloblastoma."
        ),
        summary=(
            "This fictional example study compares the usual dose of radiotherapy with a "
            "lower dose for children with medulloblastoma, to see whether fewer late "
            "effects can be achieved without making treatment less effective. It exists "
            "only to show how a trial page looks."
        ),
        eligibility=(
            "Children and young people with a newly diagnosed medulloblastoma that has not "
            "spread, who have had surgery and have not yet had radiotherapy (fictional "
            "example)."
        ),
        min_age_months=3 * 12,
        max_age_months=21 * 12,
        disease_setting=DiseaseSetting.NEWLY_DIAGNOSED,
        goal=(
            "To find out whether a lower dose of radiotherapy works as well as the usual "
            "dose, with fewer side effects later in life (fictional example)."
        ),
        background=(
            "Radiotherapy of the brain and spinal cord is part of the usual treatment for "
            "medulloblastoma, but it can affect growth, hormones and learning. This "
            "fictional example shows how a page explains why a study is being done."
        ),
        arms_intro="Children are assigned to one of two arms by chance (randomisation):",
        phase=Phase.PHASE_3,
        design_note="randomised, two arms",
        max_patients_total=400,
        max_patients_local=30,
        start_date=datetime.date(2025, 3, 1),
        status=Status.RECRUITING,
        last_reviewed=datetime.date(2026, 10, 12),
        cancer_types=["medulloblastoma"],
        network=FICTIONAL_NETWORK,
        arms=[
            {
                "name": "Arm A. Standard-dose radiotherapy",
                "intervention": "Radiotherapy (standard dose), then chemotherapy",
                "description": "The usual treatment (fictional example).",
                "status": ArmStatus.OPEN,
            },
            {
                "name": "Arm B. Reduced-dose radiotherapy",
                "intervention": "Radiotherapy (reduced dose), then chemotherapy",
                "description": "A lower radiotherapy dose (fictional example).",
                "status": ArmStatus.OPEN,
            },
        ],
        principal_investigator=DR_EXAMPLE,
        team=[(NURSE_PLACEHOLDER, InvestigatorRole.RESEARCH_NURSE)],
        ethics_approved=datetime.date(2024, 11, 20),
        other_approvals=[
            {
                "body": "The centre's board of directors (fictional example)",
                "kind": ApprovalKind.INSTITUTION,
                "decision_date": datetime.date(2025, 1, 15),
                "note": "Fictional example of a local approval to run the study at this centre.",
            },
        ],
    ),
    _fictional(
        slug="example-all",
        short_name="EXAMPLE-ALL",
        topic="acute lymphoblastic leukemia",
        official_title=(
            "treatment of newly diagnosed acute lymphoblastic leukemia in children, "
            "adolescents and young adults, adapted to the response to the first weeks of "
            "treatment."
        ),
        summary=(
            "This fictional example study adjusts the intensity of leukemia treatment to "
            "how well the disease responds in the first weeks. It exists only to show how a "
            "trial page with several arms looks."
        ),
        eligibility=(
            "Children, adolescents and young adults with newly diagnosed acute "
            "lymphoblastic leukemia who have not yet started treatment (fictional example)."
        ),
        min_age_months=12,
        max_age_months=30 * 12,
        disease_setting=DiseaseSetting.NEWLY_DIAGNOSED,
        goal=(
            "To find out whether treatment can be made lighter for children who respond "
            "well, and more effective for children who do not (fictional example)."
        ),
        arms_intro="Which arm a child takes part in depends on the response to treatment:",
        phase=Phase.PHASE_3,
        design_note="risk-adapted, three arms",
        max_patients_total=1200,
        max_patients_local=90,
        start_date=datetime.date(2023, 6, 1),
        status=Status.RECRUITING,
        last_reviewed=datetime.date(2026, 9, 28),
        cancer_types=["acute-lymphoblastic-leukemia"],
        arms=[
            {
                "name": "Arm 1. Good response: lighter treatment",
                "intervention": "Standard chemotherapy with fewer intensive blocks",
                "status": ArmStatus.OPEN,
            },
            {
                "name": "Arm 2. Good response: standard treatment",
                "intervention": "Standard chemotherapy",
                "status": ArmStatus.OPEN,
            },
            {
                "name": "Arm 3. Slow response: added immunotherapy",
                "intervention": "Standard chemotherapy plus an immunotherapy (fictional)",
                "description": "This arm has included all the patients it needed.",
                "status": ArmStatus.CLOSED,
            },
        ],
        principal_investigator=DR_SAMPLE,
        team=[(COORDINATOR_MOCK, InvestigatorRole.STUDY_COORDINATOR)],
        ethics_approved=datetime.date(2023, 3, 7),
    ),
    _fictional(
        slug="example-hgg",
        short_name="EXAMPLE-HGG",
        topic="high-grade glioma and DIPG",
        official_title=(
            "a phase 1/2 study of an oral targeted drug combined with radiotherapy in "
            "children with newly diagnosed or relapsed high-grade glioma, including DIPG."
        ),
        summary=(
            "This fictional example study first looks for a safe dose of a new oral drug "
            "given with radiotherapy, then whether it slows the growth of high-grade glioma. "
            "It exists only to show how a page for a study that has not yet opened looks."
        ),
        eligibility=(
            "Children and young people with a high-grade glioma or DIPG, either just "
            "diagnosed or after the tumor has grown again (fictional example)."
        ),
        min_age_months=6,
        max_age_months=21 * 12,
        disease_setting=DiseaseSetting.BOTH,
        goal="To find a safe dose of the study drug and see whether it works (fictional).",
        arms_intro="The following arms are planned:",
        phase=Phase.PHASE_1_2,
        design_note="dose finding, then expansion",
        max_patients_total=60,
        max_patients_local=8,
        start_date=datetime.date(2027, 1, 15),
        status=Status.NOT_YET_RECRUITING,
        status_note="This study is expected to open for inclusion in early 2027.",
        last_reviewed=datetime.date(2026, 11, 2),
        cancer_types=["high-grade-glioma-dipg"],
        network=FICTIONAL_NETWORK,
        arms=_arms(
            ["Part 1. Dose finding", "Part 2. Expansion at the recommended dose"],
            intervention="Example drug X (fictional) with radiotherapy",
            status=ArmStatus.PLANNED,
        ),
        principal_investigator=DR_EXAMPLE,
        ethics_approved=datetime.date(2026, 8, 31),
    ),
    _fictional(
        slug="example-lymphoma",
        short_name="EXAMPLE-LYMPHOMA",
        topic="lymphoma",
        official_title=(
            "a phase 2 study of an antibody treatment for adolescents and adults with "
            "relapsed or refractory lymphoma."
        ),
        summary=(
            "This fictional example study looks at how well an antibody treatment works in "
            "lymphoma that has come back or did not respond to earlier treatment. It exists "
            "only to show how a page for a study open by invitation looks."
        ),
        eligibility=(
            "Adolescents and adults with a lymphoma that has come back (relapse) or did not "
            "respond well enough to treatment (refractory) (fictional example)."
        ),
        min_age_months=12 * 12,
        max_age_months=None,
        disease_setting=DiseaseSetting.RELAPSED_REFRACTORY,
        goal="To see how many patients respond to the antibody treatment (fictional).",
        phase=Phase.PHASE_2,
        max_patients_total=45,
        max_patients_local=5,
        start_date=datetime.date(2025, 9, 1),
        status=Status.ENROLLING_BY_INVITATION,
        status_note="Patients can only take part after an invitation from their treating doctor.",
        last_reviewed=datetime.date(2026, 7, 14),
        cancer_types=["lymphoma"],
        principal_investigator=DR_SAMPLE,
        team=[(PROF_DEMO, InvestigatorRole.CO_INVESTIGATOR)],
        ethics_approved=datetime.date(2025, 5, 19),
    ),
    _fictional(
        slug="example-rms",
        short_name="EXAMPLE-RMS",
        topic="rhabdomyosarcoma",
        official_title=(
            "a phase 1 dose-escalation study of a new drug combined with chemotherapy in "
            "children and young adults with relapsed or refractory rhabdomyosarcoma."
        ),
        summary=(
            "This fictional example study looks for a safe dose of a new drug given with "
            "chemotherapy for rhabdomyosarcoma that has come back. It exists only to show "
            "how a page for a temporarily closed study looks."
        ),
        eligibility=(
            "Children and young adults with rhabdomyosarcoma that has come back or did not "
            "respond well enough to treatment (fictional example)."
        ),
        min_age_months=None,
        max_age_months=25 * 12,
        disease_setting=DiseaseSetting.RELAPSED_REFRACTORY,
        goal="To find the highest safe dose of the new drug (fictional example).",
        arms_intro="The study gives the drug at increasing doses, one dose level at a time:",
        phase=Phase.PHASE_1,
        design_note="dose escalation",
        max_patients_total=30,
        max_patients_local=6,
        start_date=datetime.date(2024, 2, 1),
        status=Status.SUSPENDED,
        status_note=(
            "Inclusion is paused while the study team reviews the safety data of the first "
            "dose levels."
        ),
        last_reviewed=datetime.date(2026, 10, 30),
        cancer_types=["rhabdomyosarcoma"],
        arms=_arms(
            ["Dose level 1", "Dose level 2"],
            intervention="Example drug Y (fictional), vincristine, irinotecan",
            status=ArmStatus.CLOSED,
        ),
        principal_investigator=PROF_DEMO,
        team=[(NURSE_PLACEHOLDER, InvestigatorRole.RESEARCH_NURSE)],
        ethics_approved=datetime.date(2023, 12, 4),
    ),
    _fictional(
        slug="example-lgg",
        short_name="EXAMPLE-LGG",
        topic="low-grade glioma",
        official_title=(
            "a phase 2 study of a weekly oral treatment for children and adults with newly "
            "diagnosed low-grade glioma."
        ),
        summary=(
            "This fictional example study tested a weekly oral treatment for low-grade "
            "glioma. It exists only to show how a page for a completed study looks."
        ),
        eligibility=(
            "Patients of any age with a newly diagnosed low-grade glioma that needs "
            "treatment (fictional example)."
        ),
        min_age_months=None,
        max_age_months=None,
        disease_setting=DiseaseSetting.NEWLY_DIAGNOSED,
        goal="To see whether the weekly treatment stops the tumor from growing (fictional).",
        phase=Phase.PHASE_2,
        max_patients_total=80,
        max_patients_local=12,
        start_date=datetime.date(2019, 5, 1),
        end_date=datetime.date(2025, 12, 31),
        status=Status.COMPLETED,
        status_note="This study has finished. No new patients can take part.",
        last_reviewed=datetime.date(2026, 2, 9),
        cancer_types=["low-grade-glioma"],
        network=FICTIONAL_NETWORK,
        principal_investigator=DR_EXAMPLE,
        ethics_approved=datetime.date(2019, 1, 22),
    ),
    # The draft: staff are still writing this page, so the public site must not show it.
    _fictional(
        slug="example-nb-draft",
        short_name="EXAMPLE-NB",
        topic="neuroblastoma and other solid tumors (draft page)",
        official_title=(
            "an early phase 1 study of a new targeted drug in children with relapsed or "
            "refractory neuroblastoma or other solid tumors."
        ),
        summary=(
            "This fictional example page is a draft: staff are still writing it, so it is "
            "not shown on the public site."
        ),
        eligibility=(
            "Children with neuroblastoma or another solid tumor that has come back or did "
            "not respond well enough to treatment (fictional example)."
        ),
        min_age_months=12,
        max_age_months=18 * 12,
        disease_setting=DiseaseSetting.RELAPSED_REFRACTORY,
        phase=Phase.EARLY_PHASE_1,
        max_patients_total=24,
        start_date=None,
        status=Status.NOT_YET_RECRUITING,
        last_reviewed=datetime.date(2026, 11, 16),
        publication=Publication.DRAFT,
        cancer_types=["neuroblastoma", "osteosarcoma", "rhabdomyosarcoma"],
        arms=[
            {
                "name": "Single arm",
                "intervention": "Example drug Z (fictional)",
                "status": ArmStatus.PLANNED,
            }
        ],
        principal_investigator=PROF_DEMO,
    ),
]
