"""Generated trials for measuring the site at a registry's scale: ``manage.py generate_trials``
and ``benchmarks/bench_pages.py`` both build their data here, so the benchmark and an
operator's load test see the same shapes.

Values are realistic rather than real: names, drugs, cancer types, ages, phases and statuses
drawn at random (seeded, so a run can be repeated), about ten study arms a trial, an NCT number
for each and a EudraCT number for every other one, one to three cancer types, two
investigators and an approval, and texts about as long as ClinicalTrials.gov's (a summary of
some 800 characters, eligibility of some 1,500). Rows go in with ``bulk_create`` in batches, so
memory stays flat however many trials are asked for; it skips ``Trial.save()``, so the
addresses are written here and the texts are already plain, safe HTML.

The shapes follow the test factories (tests/factories.py), which the shipped app cannot
import (factory_boy is a development dependency); tests/test_generated_trials.py checks that
every generated row passes the same validation a form would apply.
"""

import datetime
import multiprocessing
import os
import random
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache

from django.db import connection, reset_queries, transaction

from trialportal.processes import set_up_django
from trials.models import (
    Approval,
    ApprovalKind,
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
    TrialAddress,
    TrialInvestigator,
)
from trials.models.content_version import version_moved_at_the_end

GROUPS = {
    "Solid tumors": ["Neuroblastoma", "Wilms tumor", "Rhabdomyosarcoma", "Osteosarcoma"],
    "Hematologic malignancies": [
        "Acute lymphoblastic leukemia",
        "Acute myeloid leukemia",
        "Hodgkin lymphoma",
    ],
    "Brain tumors": ["Medulloblastoma", "Low-grade glioma", "Ependymoma"],
}
DRUGS = [
    "dinutuximab",
    "larotrectinib",
    "crizotinib",
    "palbociclib",
    "olaparib",
    "nivolumab",
    "blinatumomab",
    "venetoclax",
    "selumetinib",
    "dabrafenib",
    "everolimus",
    "irinotecan",
    "temozolomide",
    "vincristine",
    "topotecan",
    "cyclophosphamide",
]
TARGETS = ["", "", "ALK alterations", "CDK4/6 pathway alterations", "BRAF V600", "NTRK fusion"]
SHORT_NAME_WORDS = ["ESMART", "INTER", "EURO", "NEXT", "PEDS", "CARE", "GLOBAL", "PRIME"]
SPONSORS = 15
NETWORKS = 3
INVESTIGATORS = 30

ELIGIBILITY_ITEMS = [
    "Able to swallow tablets or take a liquid by mouth",
    "No other trial medicine in the last four weeks",
    "Heart, liver and kidneys working well enough, as blood tests show",
    "Recovered from the side effects of earlier treatment",
    "Not pregnant or breastfeeding",
    "A tumour sample from diagnosis or relapse is available for testing",
    "At least one tumour that can be measured on a scan",
    "Well enough to be up and about for most of the day",
    "No serious infection that is not under control",
    "Parents or guardians agree in writing, and the child too where old enough",
    "No earlier treatment with the same kind of medicine",
    "Blood counts high enough to start treatment safely",
]
BACKGROUND_SENTENCES = [
    "{Drug} blocks a signal that some tumour cells need to grow.",
    "In adults with other cancers {drug} has been given for several years.",
    "Laboratory studies suggest that {type} cells with this signal respond to it.",
    "Children's bodies handle medicines differently, so the dose has to be found anew.",
    "Earlier trials in children gave {drug} alone; this trial adds it to standard care.",
    "Side effects seen so far were mostly mild: tiredness, nausea and a lower blood count.",
    "About one in three children with {setting} {type} are cured with standard treatment.",
    "New treatments are needed for the children for whom standard treatment does not work.",
    "The trial team measures the medicine in the blood to find the right dose for each age.",
    "Tumour samples are tested so that children get the arm most likely to help them.",
]


@dataclass
class Reference:
    """What generated trials point at: cancer types, organisations and investigators."""

    cancer_types: list[CancerType]
    sponsors: list[Organisation]
    networks: list[Organisation]
    investigators: list[Investigator]


def reference_data() -> Reference:
    """The cancer types (3 groups, 10 types), 15 sponsors, 3 networks and 30 investigators
    generated trials use, created once and found again on the next run."""
    types = []
    for group_name, type_names in GROUPS.items():
        group = _cancer_type(group_name, None)
        types += [_cancer_type(name, group) for name in type_names]
    sponsors = [
        Organisation.objects.get_or_create(
            name=f"Example Sponsor {n}", defaults={"location": "Utrecht, the Netherlands"}
        )[0]
        for n in range(SPONSORS)
    ]
    networks = [
        Organisation.objects.get_or_create(
            name=f"Example Network {n}", defaults={"description": "an international collaboration"}
        )[0]
        for n in range(NETWORKS)
    ]
    investigators = [
        Investigator.objects.get_or_create(
            name=f"A. Investigator {n}",
            defaults={"title": "Dr.", "specialty": "Paediatric oncology"},
        )[0]
        for n in range(INVESTIGATORS)
    ]
    return Reference(types, sponsors, networks, investigators)


def _cancer_type(name: str, parent: CancerType | None) -> CancerType:
    from django.utils.text import slugify

    description = (
        f"<p>Trials for children with {name.lower()}.</p>"
        if parent is None
        else f"<p>What {name.lower()} is.</p>"
    )
    cancer_type = CancerType.objects.filter(slug=slugify(name)).first()
    if cancer_type is None:
        # save(), not bulk_create: a cancer type's address is written on save.
        cancer_type = CancerType(name=name, parent=parent, description=description)
        cancer_type.slug = slugify(name)
        cancer_type.save()
    return cancer_type


def age_range(rng: random.Random) -> tuple[int | None, int | None]:
    minimum = rng.choice([None, 0, 6, 12, 36, 72, 144])
    maximum = rng.choice([None, 216, 216, 252, 300, 120])
    if minimum is not None and maximum is not None and minimum > maximum:
        minimum, maximum = maximum, minimum
    return minimum, maximum


def _paragraphs(rng: random.Random, count: int, **words) -> str:
    sentences = [rng.choice(BACKGROUND_SENTENCES).format(**words) for _ in range(count)]
    return "".join(f"<p>{' '.join(sentences[i : i + 3])}</p>" for i in range(0, count, 3))


@dataclass
class Plan:
    """What goes with one trial besides its own row."""

    number: int
    types: list[CancerType]
    drug: str
    arms: int


def build_trial(number: int, reference: Reference, rng: random.Random) -> tuple[Trial, Plan]:
    """Trial `number` (unsaved) and what to write with it. Trial 0 is published, recruiting
    and has five arms, so a benchmark can always find such a page."""
    types = rng.sample(reference.cancer_types, rng.choice([1, 1, 1, 2, 2, 3]))
    drug = rng.choice(DRUGS)
    setting = rng.choice(DiseaseSetting.values)
    minimum, maximum = age_range(rng)
    started = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3650))
    total = rng.choice([None, 40, 120, 300, 1200])
    publication = (
        Publication.PUBLISHED
        if number == 0 or rng.random() < 0.9
        else rng.choice([Publication.DRAFT, Publication.WITHDRAWN])
    )
    short_name = f"{rng.choice(SHORT_NAME_WORDS)}-{number:06d}"
    setting_words = {
        "newly_diagnosed": "newly diagnosed",
        "relapsed_refractory": "relapsed or refractory",
    }.get(setting, "newly diagnosed or relapsed")
    type_words = " and ".join(cancer_type.name.lower() for cancer_type in types)
    words = {"drug": drug, "Drug": drug.capitalize(), "type": type_words, "setting": setting_words}
    items = rng.sample(ELIGIBILITY_ITEMS, rng.randint(6, 10))
    trial = Trial(
        short_name=short_name,
        slug=short_name.lower(),
        subtitle=f"{drug} in {types[0].name.lower()}",
        official_title=(
            f"A phase {rng.choice(['I', 'I/II', 'II', 'III'])} study of {drug} for children, "
            f"adolescents and young adults with {setting_words} {type_words}"
        ),
        summary=(
            f"This trial tests whether {drug} helps children and young people with "
            f"{setting_words} {type_words}. It asks how safe the medicine is and how well it "
            "works. " + " ".join(rng.choice(BACKGROUND_SENTENCES).format(**words) for _ in range(8))
        ),
        eligibility=(
            f"<p>Children and young people with {setting_words} {type_words}.</p><ul>"
            + "".join(f"<li>{item}</li>" for item in items)
            + "</ul><p>"
            + " ".join(rng.choice(BACKGROUND_SENTENCES).format(**words) for _ in range(6))
            + "</p>"
        ),
        min_age_months=minimum,
        max_age_months=maximum,
        disease_setting=setting,
        goal=f"<p>To find out how safe {drug} is, the best dose, and how well it works.</p>",
        background=_paragraphs(rng, 12, **words),
        arms_intro="<p>The following arms have started.</p>",
        phase=rng.choice(Phase.values),
        design_note=rng.choice(["", "multi arm", "randomised"]),
        max_patients_total=total,
        max_patients_local=None if total is None else total // 10,
        start_date=started,
        end_date=started + datetime.timedelta(days=rng.randrange(365, 3650)),
        status=Status.RECRUITING if number == 0 else rng.choice(Status.values),
        sponsor=rng.choice(reference.sponsors),
        network=rng.choice([None, *reference.networks]),
        last_reviewed=datetime.date(2025, 1, 1) + datetime.timedelta(rng.randrange(700)),
        publication=publication,
    )
    arms = 5 if number == 0 else rng.randint(6, 14)
    return trial, Plan(number, types, drug, arms)


def related_rows(trial: Trial, plan: Plan, reference: Reference, rng: random.Random) -> list:
    """The saved `trial`'s arms, investigator roles, approval, registry numbers, cancer-type
    tags and address, unsaved."""
    through = Trial.cancer_types.through
    rows = [TrialAddress(trial=trial, slug=trial.slug)]
    rows += [through(trial_id=trial.pk, cancertype_id=t.pk) for t in plan.types]
    rows += [
        Arm(
            trial=trial,
            name=f"Arm {n + 1}: {plan.drug} {'with ' + rng.choice(DRUGS) if n else 'alone'}",
            intervention=plan.drug,
            target=rng.choice(TARGETS),
            description=f"One treatment option of the trial: {plan.drug} by mouth, daily.",
            status=rng.choice(ArmStatus.values),
            order=n,
        )
        for n in range(plan.arms)
    ]
    rows += [
        TrialInvestigator(
            trial=trial,
            investigator=investigator,
            role=(
                InvestigatorRole.LOCAL_PRINCIPAL_INVESTIGATOR
                if order == 0
                else InvestigatorRole.RESEARCH_NURSE
            ),
            order=order,
        )
        for order, investigator in enumerate(rng.sample(reference.investigators, 2))
    ]
    rows.append(
        Approval(
            trial=trial,
            body="An accredited medical research ethics committee",
            kind=ApprovalKind.ETHICS,
            decision_date=trial.start_date,
            note="<p>The committee decided it is justified to ask patients.</p>",
        )
    )
    number = plan.number
    nct = f"NCT{number + 10_000_000:08d}"
    rows.append(RegistryNumber(trial=trial, registry=Registry.NCT, value=nct))
    if number % 2 == 0:
        rows.append(
            RegistryNumber(
                trial=trial,
                registry=Registry.EUDRACT,
                value=f"{2010 + number % 15}-{number % 1_000_000:06d}-{10 + number % 90:02d}",
            )
        )
    return rows


def generate_trials(
    count: int,
    *,
    start: int | None = None,
    seed: int = 1,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> range:
    """Write `count` generated trials, numbered from `start` (by default after the trials
    already there), in batches of `batch_size`, each batch in its own transaction and with
    its own seeded values (so a batch is the same however many `jobs` write them). Returns
    the trial numbers written. `progress(done)` is called after each batch.

    `jobs` > 1 (PostgreSQL, outside a transaction): that many batches are written side by
    side, by as many processes. Writing a trial is about 40 % Python (building the rows)
    and 60 % the database (its search document), taken in turns: in one process, 100,000
    trials took 391 s and kept one of two cores busy."""
    reference = reference_data()
    if start is None:
        start = Trial.objects.count()
    numbers = range(start, start + count)
    batches = [numbers[index : index + batch_size] for index in range(0, count, batch_size)]
    side_by_side = jobs > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block
    done = 0
    if side_by_side:
        written = _written_side_by_side(batches, seed, jobs)
    else:
        written = (_write_batch(batch, reference, seed) for batch in batches)
    for batch in written:
        done += len(batch)
        if progress:
            progress(done)
    return numbers


def _write_batch(numbers: range, reference: Reference, seed: int) -> range:
    """Write the trials `numbers` and their rows in one transaction."""
    rng = random.Random(f"{seed}-{numbers.start}")  # noqa: S311 (made-up values, repeatable)
    with transaction.atomic(), version_moved_at_the_end():
        _write_trials(numbers, reference, rng)
    # With DEBUG on, Django keeps the last 9,000 statements' SQL: bulk inserts of a
    # thousand rows each made that 1.1 GB at 100,000 trials.
    reset_queries()
    return numbers


def _written_side_by_side(batches: list[range], seed: int, jobs: int):
    """Each of `batches` written by one of `jobs` processes, each with its own connection
    to the same database, as each is done. Processes, not threads: building the rows is
    Python's work, and two threads took turns at it (one core busy)."""
    # Started afresh ("spawn"), not forked from this process and whatever threads it has.
    context = multiprocessing.get_context("spawn")
    database = (os.environ["DJANGO_SETTINGS_MODULE"], connection.settings_dict["NAME"])
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=set_up_django, initargs=database
    ) as pool:
        written = [pool.submit(_write_batch_in_job, batch, seed) for batch in batches]
        try:
            for future in as_completed(written):
                yield future.result()
        except BaseException:
            # A batch failed (or the operator pressed Ctrl-C): write no more.
            pool.shutdown(cancel_futures=True)
            raise


@cache
def _job_reference() -> Reference:
    """The reference data, read once in each job's process."""
    return reference_data()


def _write_batch_in_job(numbers: range, seed: int) -> range:
    return _write_batch(numbers, _job_reference(), seed)


def _write_trials(numbers: range, reference: Reference, rng: random.Random) -> None:
    built = [build_trial(number, reference, rng) for number in numbers]
    trials = [trial for trial, _ in built]
    if connection.vendor == "postgresql":
        # The trials' ids first, then their arms, tags, people and numbers, then the trials
        # (PostgreSQL checks the foreign keys at commit). Each trial's keys and search
        # document are then written once, when it is inserted; the other way round every
        # related table's trigger wrote them again (migrations 0016 and 0019), and 100,000
        # trials took 798 s instead of 381 s.
        for trial, pk in zip(trials, _next_trial_ids(len(trials)), strict=True):
            trial.pk = pk
        _write_related_rows(trials, built, reference, rng)
        Trial.objects.bulk_create(trials)
        return
    trials = Trial.objects.bulk_create(trials)
    if trials[0].pk is None:  # A backend that returns no ids on bulk insert.
        by_slug = dict(
            Trial.objects.filter(slug__in=[t.slug for t in trials]).values_list("slug", "pk")
        )
        for trial in trials:
            trial.pk = by_slug[trial.slug]
    _write_related_rows(trials, built, reference, rng)


def _next_trial_ids(count: int) -> list[int]:
    """`count` ids for new trials, taken from the trials' own sequence (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('trials_trial', 'id')) "
            "FROM generate_series(1, %s)",
            [count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _write_related_rows(trials: list[Trial], built, reference: Reference, rng) -> None:
    rows: dict[type, list] = {}
    for trial, (_, plan) in zip(trials, built, strict=True):
        for row in related_rows(trial, plan, reference, rng):
            rows.setdefault(type(row), []).append(row)
    for model, model_rows in rows.items():
        model.objects.bulk_create(model_rows, batch_size=2000)
