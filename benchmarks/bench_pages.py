"""Time the public pages and the admin trial list, and count their SQL queries.

    .venv/bin/python benchmarks/bench_pages.py [--trials N] [--db sqlite|postgres] [--strict]

Builds its own throwaway database (a SQLite file in a temporary directory, or the
PostgreSQL database `trialportal_bench`, dropped and created afresh), never the project's
db.sqlite3. It loads N/10 generated trials and counts each page's queries, grows the data
to N trials, counts again and times every page with Django's test client (in process: no
server, no network). Settings are production-like (DJANGO_DEBUG=0), so the times include
neither DEBUG's query log nor its error pages. On PostgreSQL it runs ANALYZE after loading.

Prints a markdown table and PASS/FAIL against TARGET_MEDIAN_MS and TARGET_P95_MS (public
pages) and against query counts that change with N (every page). Exits 0 whatever the
figures say, so it cannot make CI flaky; with --strict a FAIL exits 1.
"""

import argparse
import datetime
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

TARGET_MEDIAN_MS = 150
TARGET_P95_MS = 300
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/trialportal_bench"

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
]
SHORT_NAME_WORDS = ["ESMART", "INTER", "EURO", "NEXT", "PEDS", "CARE", "GLOBAL", "PRIME"]


@dataclass
class Page:
    name: str
    url: str
    admin: bool = False


@dataclass
class Result:
    page: Page
    queries: int
    queries_small: int | None = None
    median_ms: float | None = None
    p95_ms: float | None = None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=2000, help="trials to generate (2000)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="with --db postgres: the database to drop, create and use "
        f"(default {DEFAULT_POSTGRES_URL})",
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (20)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated data")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a check fails")
    parser.add_argument(
        "--show-queries",
        action="store_true",
        help="also print each page's queries with their times (at N trials)",
    )
    args = parser.parse_args()
    if args.trials < 10:
        parser.error("--trials must be at least 10")
    return args


# Database set-up, before Django is imported ---------------------------------------------


def reset_postgres_database(url: str, *, create: bool) -> None:
    """Drop the benchmark database and, with `create`, make it afresh. Connects to the
    server's `postgres` database to do so."""
    import psycopg
    from psycopg import sql

    server, _, name = url.rpartition("/")
    name = name.split("?", 1)[0]
    if not name or name in {"postgres", "trialportal", "template0", "template1"}:
        sys.exit(f"Refusing to drop the database {name!r}: give a throwaway one.")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        database = sql.Identifier(name)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(database))


def configure_environment(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "trialportal.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SECRET_KEY"] = "benchmark-only-" + "x" * 50
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
    # The admin pages are timed, not the two-factor sign-in in front of them.
    os.environ["TRIALPORTAL_REQUIRE_2FA"] = "0"
    os.environ["TRIALPORTAL_ENV_FILE"] = os.devnull  # not the checkout's development .env
    # Without collectstatic there is no STATIC_ROOT for whitenoise to scan.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    sys.path.insert(0, str(BASE_DIR))


# Data ------------------------------------------------------------------------------------


def create_reference_data() -> dict:
    """Cancer types (3 groups, 10 types), organisations and investigators, made with the
    test factories (tests/factories.py), so the benchmark data has the shape the tests
    rely on."""
    from tests import factories
    from trials.models import CancerType, CancerTypeAddress

    types = []
    for group_name, type_names in GROUPS.items():
        group = factories.CancerTypeFactory(
            name=group_name, description=f"<p>Trials for children with {group_name.lower()}.</p>"
        )
        types += [
            factories.CancerTypeFactory(
                name=name, parent=group, description=f"<p>What {name.lower()} is.</p>"
            )
            for name in type_names
        ]
    assert CancerTypeAddress.objects.count() == CancerType.objects.count()
    return {
        "types": types,
        "sponsors": factories.OrganisationFactory.create_batch(15),
        "networks": factories.OrganisationFactory.create_batch(
            3, description="an international collaboration"
        ),
        "investigators": factories.InvestigatorFactory.create_batch(30),
    }


def age_range(rng: random.Random) -> tuple[int | None, int | None]:
    minimum = rng.choice([None, 0, 6, 12, 36, 72, 144])
    maximum = rng.choice([None, 216, 216, 252, 300, 120])
    if minimum is not None and maximum is not None and minimum > maximum:
        minimum, maximum = maximum, minimum
    return minimum, maximum


def create_trials(start: int, count: int, reference: dict, rng: random.Random) -> None:
    """Trials start .. start+count-1 with their types, arms, people, approvals and numbers:
    built with the test factories, varied at random, written with bulk_create (which runs
    the rich-text cleaning of RichTextField, but not Trial.save(): the addresses are
    written here)."""
    from tests import factories
    from trials.models import (
        ArmStatus,
        DiseaseSetting,
        Phase,
        Publication,
        Registry,
        Status,
        Trial,
        TrialAddress,
    )

    trials, plans = [], []
    for i in range(start, start + count):
        types = rng.sample(reference["types"], rng.choice([1, 1, 1, 2]))
        drug = rng.choice(DRUGS)
        setting = rng.choice(DiseaseSetting.values)
        minimum, maximum = age_range(rng)
        started = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3650))
        total = rng.choice([None, 40, 120, 300, 1200])
        publication = (
            Publication.PUBLISHED
            if i == 0 or rng.random() < 0.9
            else rng.choice([Publication.DRAFT, Publication.WITHDRAWN])
        )
        short_name = f"{rng.choice(SHORT_NAME_WORDS)}-{i:05d}"
        setting_words = {
            "newly_diagnosed": "newly diagnosed",
            "relapsed_refractory": "relapsed or refractory",
        }.get(setting, "newly diagnosed or relapsed")
        type_words = " and ".join(cancer_type.name.lower() for cancer_type in types)
        trials.append(
            factories.TrialFactory.build(
                short_name=short_name,
                subtitle=f"{drug} in {types[0].name.lower()}",
                official_title=f"A study of {drug} for children with {setting_words} {type_words}",
                summary=(
                    f"This trial tests whether {drug} helps children and young people with "
                    f"{setting_words} {type_words}. It asks how safe the medicine is and "
                    "how well it works."
                ),
                eligibility=(
                    f"<p>Children with {type_words}.</p>"
                    "<ul><li>Able to swallow tablets</li><li>No other trial drug</li></ul>"
                ),
                min_age_months=minimum,
                max_age_months=maximum,
                disease_setting=setting,
                goal=f"<p>To find out how safe {drug} is and the best dose.</p>",
                background=f"<p>{drug.capitalize()} blocks a signal that tumours use.</p>",
                arms_intro="<p>The following arms have started.</p>",
                phase=rng.choice(Phase.values),
                design_note=rng.choice(["", "multi arm", "randomised"]),
                max_patients_total=total,
                max_patients_local=None if total is None else total // 10,
                start_date=started,
                end_date=started + datetime.timedelta(days=rng.randrange(365, 3650)),
                status=Status.RECRUITING if i == 0 else rng.choice(Status.values),
                sponsor=rng.choice(reference["sponsors"]),
                network=rng.choice([None, *reference["networks"]]),
                last_reviewed=datetime.date(2025, 1, 1) + datetime.timedelta(rng.randrange(700)),
                publication=publication,
            )
        )
        plans.append((types, drug, 5 if i == 0 else rng.randint(2, 5)))

    trials = Trial.objects.bulk_create(trials, batch_size=500)
    if trials[0].pk is None:  # Backends that return no ids on bulk insert.
        slugs = [trial.slug for trial in trials]
        by_slug = dict(Trial.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        for trial in trials:
            trial.pk = by_slug[trial.slug]

    through = Trial.cancer_types.through
    rows = {
        TrialAddress: [TrialAddress(trial=trial, slug=trial.slug) for trial in trials],
        through: [],
    }
    for offset, (trial, (types, drug, arm_count)) in enumerate(zip(trials, plans, strict=True)):
        i = start + offset
        rows[through] += [through(trial_id=trial.pk, cancertype_id=t.pk) for t in types]
        built = [
            factories.ArmFactory.build(
                trial=trial,
                name=f"Arm {chr(65 + n)}: {drug} {'with' if n else 'alone'}",
                intervention=drug,
                target=rng.choice(["", "ALK alterations", "CDK4/6 pathway alterations"]),
                description="One treatment option of the trial.",
                status=rng.choice(ArmStatus.values),
                order=n,
            )
            for n in range(arm_count)
        ]
        built += [
            factories.TrialInvestigatorFactory.build(
                trial=trial,
                investigator=investigator,
                role="local_pi" if order == 0 else "research_nurse",
                order=order,
            )
            for order, investigator in enumerate(rng.sample(reference["investigators"], 2))
        ]
        built.append(
            factories.ApprovalFactory.build(
                trial=trial,
                decision_date=trial.start_date,
                note="<p>The committee decided it is justified to ask patients.</p>",
            )
        )
        built.append(
            factories.RegistryNumberFactory.build(trial=trial, value=f"NCT{i + 10_000_000:08d}")
        )
        if i % 2 == 0:
            built.append(
                factories.RegistryNumberFactory.build(
                    trial=trial,
                    registry=Registry.EUDRACT,
                    value=f"{2010 + i % 15}-{i:06d}-{10 + i % 90:02d}",
                )
            )
        for row in built:
            rows.setdefault(type(row), []).append(row)
    for model, model_rows in rows.items():
        model.objects.bulk_create(model_rows, batch_size=1000)


# Measuring -------------------------------------------------------------------------------


def pages() -> list[Page]:
    """What is measured; the URLs that depend on the data are looked up now."""
    from django.conf import settings
    from django.db.models import Count

    from trials.models import Trial

    published = Trial.objects.published().count()
    last_page = max(1, math.ceil(published / settings.TRIALPORTAL_PAGE_SIZE))
    five_arms = (
        Trial.objects.published()
        .annotate(arm_count=Count("arms"))
        .filter(arm_count=5)
        .order_by("pk")
        .first()
    )
    return [
        Page("home", "/"),
        Page("finder, unfiltered", "/trials/"),
        Page("finder, 3 filters", "/trials/?cancer_type=solid-tumors&phase=phase_2&age=7"),
        Page("finder, text search", "/trials/?q=relapsed+neuroblastoma"),
        Page("finder, last page", f"/trials/?page={last_page}"),
        Page("trial page, 5 arms", five_arms.get_absolute_url()),
        Page("cancer-type group", "/cancer-types/solid-tumors/"),
        Page("API list, 3 filters", "/api/v1/trials/?cancer_type=solid-tumors&phase=phase_2&age=7"),
        Page("API list, 100 a page", "/api/v1/trials/?page_size=100"),
        Page("API trial", "/api/v1/trials/" + five_arms.slug + "/"),
        Page("Atom feed, all trials", "/feed/"),
        Page("Atom feed, cancer type", "/feed/cancer-types/solid-tumors/"),
        Page("sitemap.xml", "/sitemap.xml"),
        Page("admin changelist", "/admin/trials/trial/", admin=True),
        Page("admin changelist, search", "/admin/trials/trial/?q=neuroblastoma", admin=True),
    ]


def clients():
    from django.contrib.auth import get_user_model
    from django.test import Client

    user_model = get_user_model()
    staff = user_model.objects.filter(username="bench-staff").first()
    if staff is None:
        staff = user_model.objects.create_superuser("bench-staff", "staff@example.org", None)
    public, admin = Client(), Client()
    admin.force_login(staff)
    return public, admin


def fetch(client, page: Page):
    response = client.get(page.url, secure=True)
    if response.status_code != 200:
        raise SystemExit(f"{page.name}: {page.url} answered {response.status_code}")
    return response


def capture_queries(page: Page, client) -> list[dict]:
    """The queries of one request, after a first request has filled the caches (content
    types, templates). CaptureQueriesContext records them whatever settings.DEBUG is."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fetch(client, page)
    with CaptureQueriesContext(connection) as captured:
        fetch(client, page)
    return captured.captured_queries


def print_queries(page: Page, queries: list[dict]) -> None:
    print(f"\n{page.name} ({page.url}): {len(queries)} queries", file=sys.stderr)
    for query in queries:
        sql = " ".join(query["sql"].split())
        print(f"  {float(query['time']) * 1000:7.1f} ms  {sql[:160]}", file=sys.stderr)


def time_page(page: Page, client, repeat: int) -> tuple[float, float]:
    fetch(client, page)
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fetch(client, page)
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95


# Report ----------------------------------------------------------------------------------


def verdicts(result: Result) -> list[str]:
    """What failed for this page; empty when it passed."""
    failed = []
    if result.queries_small is not None and result.queries != result.queries_small:
        failed.append("queries grow with N")
    if not result.page.admin:
        if result.median_ms >= TARGET_MEDIAN_MS:
            failed.append(f"median ≥ {TARGET_MEDIAN_MS} ms")
        if result.p95_ms >= TARGET_P95_MS:
            failed.append(f"p95 ≥ {TARGET_P95_MS} ms")
    return failed


def report(results: list[Result], *, trials: int, small: int, vendor: str, seconds: float):
    print(
        f"\n{vendor}, {trials} trials ({small} for the second query count), "
        f"{os.cpu_count()} CPUs, data built in {seconds:.1f} s, "
        f"load average {os.getloadavg()[0]:.1f} at the end\n"
    )
    print(
        f"| page | URL | queries (N={small}) | queries (N={trials}) | median ms | p95 ms | check |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    failures = 0
    for result in results:
        failed = verdicts(result)
        failures += bool(failed)
        check = "FAIL: " + ", ".join(failed) if failed else "PASS"
        if result.page.admin and not failed:
            check = "PASS (queries; no time target)"
        print(
            f"| {result.page.name} | `{result.page.url}` | {result.queries_small} | "
            f"{result.queries} | {result.median_ms:.1f} | {result.p95_ms:.1f} | {check} |"
        )
    print(
        f"\nTargets: public pages median < {TARGET_MEDIAN_MS} ms and p95 < {TARGET_P95_MS} ms "
        "(set for SQLite with 2000 trials); every page's query count the same at both sizes."
    )
    print("Result:", "PASS" if not failures else f"FAIL ({failures} of {len(results)} pages)")
    return failures


def database_description(connection) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    version = connection.pg_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    # Hashed static names need collectstatic; the plain storage renders the same pages.
    plain_static = override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    )
    plain_static.enable()
    try:
        call_command("migrate", verbosity=0, interactive=False)
        rng = random.Random(args.seed)
        began = time.perf_counter()
        reference = create_reference_data()
        small = max(1, args.trials // 10)
        create_trials(0, small, reference, rng)
        public, admin = clients()
        small_counts = {
            page.name: len(capture_queries(page, admin if page.admin else public))
            for page in pages()
        }
        create_trials(small, args.trials - small, reference, rng)
        if connection.vendor == "postgresql":
            # Autovacuum would do this within a minute of such an insert in production;
            # without it the planner guesses from empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        built = time.perf_counter() - began

        results = []
        for page in pages():
            client = admin if page.admin else public
            queries = capture_queries(page, client)
            if args.show_queries:
                print_queries(page, queries)
            result = Result(page, len(queries), small_counts[page.name])
            result.median_ms, result.p95_ms = time_page(page, client, args.repeat)
            results.append(result)
            print(f"  {page.name}: {result.median_ms:.1f} ms median", file=sys.stderr)
        return report(
            results,
            trials=args.trials,
            small=small,
            vendor=database_description(connection),
            seconds=built,
        )
    finally:
        plain_static.disable()
        from django.db import connections

        connections.close_all()


def main() -> int:
    args = parse_args()
    workdir = None
    if args.db == "postgres":
        reset_postgres_database(args.postgres_url, create=True)
        database_url = args.postgres_url
    else:
        workdir = tempfile.mkdtemp(prefix="trialportal-bench-")
        database_url = f"sqlite:///{workdir}/bench.sqlite3"
    configure_environment(database_url)
    try:
        failures = run(args)
    finally:
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            reset_postgres_database(args.postgres_url, create=False)
    return 1 if args.strict and failures else 0


if __name__ == "__main__":
    sys.exit(main())
