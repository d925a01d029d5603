"""Load test: the pages served over HTTP by gunicorn with the shipped gunicorn.conf.py, on
PostgreSQL, in production mode, driven by wrk, each beside a hello-world page in the same run.

    .venv/bin/python benchmarks/load.py [--data demo|generated] [--trials 2000]
        [--cache redis|memory] [--duration 15] [--connections 32] [--rounds 1]

Needs wrk (`apt-get install -y wrk`), a PostgreSQL server and, for `--cache redis` (the
default), Redis at 127.0.0.1:6379. Builds the throwaway database `trialportal_load`
(dropped and made afresh, then dropped again) with the demo trials (`load_demo_trials`,
the default) or N generated trials (as bench_pages.py makes them), collects static
files, starts gunicorn exactly as production would (only the bind address, the trusted
proxy and the benchmark's hello-world page differ: wrk plays the TLS proxy, sending
X-Forwarded-Proto from 127.0.0.1), and waits for /readyz.

The hello-world page (`TRIALPORTAL_BENCHMARK_HELLO`) is a view in the same Django project,
behind the same middleware, in the same gunicorn: the framework's ceiling on this machine,
so each page's share of its throughput measures the page's own cost. Every page is warmed
up (each worker fills the cache it reads) before any is measured.

Prints the machine's load (`uptime`), then a markdown table: requests per second, latency
percentiles (p50, p95, p99), errors (non-2xx answers and socket errors, which must be 0)
and the ratio to hello-world (the mean of a run before and one after the pages); then the
resident memory of each gunicorn worker. Exits 1 if any run had an error.

With `--existing DATABASE_URL` the pages are served from that database as it is (e.g. the
100,000 trials of `manage.py generate_trials`), which is neither made nor dropped. With
`--varied`, one more run asks for a different page with each request (trial pages, finder
pages at any page number, with a cancer type or a search word), mostly cache misses: what
the workers' memory is measured after.

With `--rounds N` the pages are measured N times in turn, each round between two runs of
hello-world, and each page's share is taken against its own round's ceiling: on a shared
machine the ceiling drifts by a third within minutes, and one ceiling for the whole run
made a page's share depend on when it ran. The table then gives the median of the rounds
(requests/s, latencies, share) and the shares' range.
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
BASE_DIR = BENCHMARKS.parent
sys.path.insert(0, str(BENCHMARKS))

import bench_pages  # noqa: E402 - the data generator, next to this script

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/trialportal_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
HELLO = "hello-world"
HELLO_AGAIN = "hello-world, again"
# wrk's own summary has no p95: this script prints the percentiles we report.
PERCENTILES_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("PERCENTILES %d %d %d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", choices=["demo", "generated"], default="demo")
    parser.add_argument("--trials", type=int, default=2000, help="with --data generated")
    parser.add_argument("--cache", choices=["redis", "memory"], default="redis")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--duration", type=int, default=15, help="seconds per page")
    parser.add_argument("--warm-up", type=int, default=3, help="seconds per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1, help="the pages measured N times")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=18500)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--existing",
        metavar="DATABASE_URL",
        help="serve this database as it is (neither made nor dropped) instead of --data",
    )
    parser.add_argument(
        "--varied", action="store_true", help="also a run of a different page per request"
    )
    args = parser.parse_args()
    if args.existing:
        args.postgres_url = args.existing
    return args


def production_environment(args) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trialportal.settings",
        "TRIALPORTAL_ENV_FILE": os.devnull,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "load-test-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": args.postgres_url,
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        # wrk stands in for the TLS proxy on this host.
        "TRIALPORTAL_TRUSTED_PROXIES": "127.0.0.1",
        "TRIALPORTAL_BENCHMARK_HELLO": "1",
    }
    env.pop("REDIS_URL", None)
    if args.cache == "redis":
        env["REDIS_URL"] = args.redis_url
    return env


def build_database(args) -> tuple[dict[str, str], list[str]]:
    """Migrated, filled and analysed (unless --existing); returns the pages to measure, by
    name, and with --varied the paths its run picks from."""
    if not args.existing:
        bench_pages.reset_postgres_database(args.postgres_url, create=True)
    os.environ.update(production_environment(args))
    import random

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import translation

    from trials.models import CancerType, Trial

    if not args.existing:
        call_command("migrate", verbosity=0, interactive=False)
        if args.data == "demo":
            call_command("load_demo_trials", verbosity=0)
        else:
            reference = bench_pages.create_reference_data()
            bench_pages.create_trials(0, args.trials, reference, random.Random(args.seed))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    call_command("collectstatic", verbosity=0, interactive=False)
    cache.clear()  # nothing from an earlier run
    # The trial with the most arms (ESMART in the demo data), a group with its types.
    trial = (
        Trial.objects.published().annotate(arm_count=Count("arms")).order_by("-arm_count", "pk")
    ).first()
    group = CancerType.objects.filter(parent=None).order_by("name").first()
    varied = varied_paths(random.Random(args.seed)) if args.varied else []
    connection.close()
    # The pages in the language families get by default (/nl/...).
    with translation.override(settings.TRIALPORTAL_DEFAULT_LANGUAGE):
        finder = reverse("trials:list")
        pages = {
            HELLO: "/benchmark/hello/",
            "home": reverse("trials:home"),
            "finder, unfiltered": finder,
            "finder, 3 filters": f"{finder}?cancer_type={group.slug}&open=1&age=8",
            "finder, text search": f"{finder}?q=relapsed+neuroblastoma",
            f"trial page ({trial.short_name})": trial.get_absolute_url(),
            "cancer-type group page": group.get_absolute_url(),
        }
    return pages, varied


def varied_paths(rng, trial_pages: int = 3000) -> list[str]:
    """Paths for the varied run: trial pages picked at random among the published, finder
    pages 1-50 alone, with each cancer type, and with a search word (cache misses, each
    reading its own rows)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from trials.models import CancerType, Trial

    with translation.override(settings.TRIALPORTAL_DEFAULT_LANGUAGE):
        finder = reverse("trials:list")
        published = Trial.objects.published().order_by("?").values_list("slug", flat=True)
        slugs = list(published[:trial_pages])
        paths = [reverse("trials:detail", kwargs={"slug": slug}) for slug in slugs]
        paths += [f"{finder}?page={number}" for number in range(1, 51)]
        for cancer_type in CancerType.objects.all():
            paths += [f"{finder}?cancer_type={cancer_type.slug}&page={n}" for n in (1, 2, 5)]
        for word in ("relapsed", "neuroblastoma", "leukaemia", "ribociclib", "esmart", "brain"):
            paths += [f"{finder}?q={word}&page={n}" for n in (1, 2, 3)]
    rng.shuffle(paths)
    return paths


def varied_script(paths: list[str]) -> str:
    """A wrk script that asks for a path picked at random from `paths` with each request."""
    quoted = ",\n".join(f'  "{path}"' for path in paths)
    return (
        f"""
paths = {{
{quoted}
}}
init = function(args)
  math.randomseed(os.time() + tonumber(tostring({{}}):sub(8), 16))
end
request = function()
  return wrk.format(nil, paths[math.random(#paths)])
end
"""
        + PERCENTILES_LUA
    )


def start_gunicorn(env: dict, port: int, log) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not become ready within 60 seconds")


def run_wrk(args, url: str, duration: int, script: Path) -> dict:
    output = subprocess.run(
        [
            "wrk",
            f"--threads={args.wrk_threads}",
            f"--connections={args.connections}",
            f"--duration={duration}s",
            # A request is an error if it takes longer than gunicorn's own timeout.
            "--timeout=30s",
            f"--script={script}",
            "--header=X-Forwarded-Proto: https",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    p50, p95, p99 = (int(us) / 1000 for us in re.search(r"PERCENTILES (\d+) (\d+) (\d+)",
                                                          output).groups())  # fmt: skip
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "latency_ms": {50: p50, 95: p95, 99: p99},
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in sockets.groups()) if sockets else 0),
        "raw": output,
    }


def worker_memory_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (children of the master), in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> int:
    args = parse_args()
    pages, varied = build_database(args)
    env = production_environment(args)
    results = {}
    workdir = Path(tempfile.mkdtemp(prefix="trialportal-load-"))
    script = workdir / "percentiles.lua"
    script.write_text(PERCENTILES_LUA)
    log_path = workdir / "gunicorn.log"
    load_before = uptime()
    with open(log_path, "w") as log:
        server = start_gunicorn(env, args.port, log)
        try:
            urls = {name: f"http://127.0.0.1:{args.port}{path}" for name, path in pages.items()}
            for url in urls.values():
                run_wrk(args, url, args.warm_up, script)
            # Hello-world before and after each round: the machine is shared, so a round's
            # ceiling is the mean of the two, and their difference shows how much it moved.
            for number in range(args.rounds):
                for name in urls if number == 0 else [n for n in urls if n != HELLO]:
                    print(f"  round {number + 1}, {name}: {args.connections} connections for "
                          f"{args.duration} s ...", file=sys.stderr)  # fmt: skip
                    results[number, name] = run_wrk(args, urls[name], args.duration, script)
                results[number + 1, HELLO] = run_wrk(args, urls[HELLO], args.duration, script)
            if varied:
                varied_lua = workdir / "varied.lua"
                varied_lua.write_text(varied_script(varied))
                print(f"  varied pages: {len(varied)} paths for {args.duration} s ...",
                      file=sys.stderr)  # fmt: skip
                varied_result = run_wrk(args, urls[HELLO], args.duration, varied_lua)
            memory = worker_memory_mb(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
    load_after = uptime()
    if not args.existing:
        bench_pages.reset_postgres_database(args.postgres_url, create=False)

    server_errors = sum(1 for line in log_path.read_text().splitlines() if '"status": 5' in line)
    data = "the demo trials" if args.data == "demo" else f"{args.trials} generated trials"
    if args.existing:
        data = f"the existing database {args.existing.rsplit('/', 1)[-1]}"
    cache = "Redis" if args.cache == "redis" else "each process's memory"
    print(f"\ngunicorn (gunicorn.conf.py defaults: {workers_note()}), PostgreSQL, {data}, "
          f"page cache in {cache}, {args.connections} connections, {args.duration} s per page "
          f"after {args.warm_up} s of warm-up, on {os.cpu_count()} CPU cores shared with "
          f"PostgreSQL and wrk\n")  # fmt: skip
    print(f"    before: {load_before}\n    after:  {load_after}\n")
    print_table(results, args.rounds)
    if varied:
        latency = varied_result["latency_ms"]
        print(f"\nVaried pages ({len(varied)} paths, a different one per request): "
              f"{varied_result['rps']:.0f} requests/s, p50 {latency[50]:.1f} ms, "
              f"p95 {latency[95]:.1f} ms, p99 {latency[99]:.1f} ms, "
              f"{varied_result['errors']} errors")  # fmt: skip
    sizes = ", ".join(f"{mb:.0f} MB" for mb in memory)
    print(f"\nResident memory of each worker after the runs: {sizes}, largest {max(memory):.0f} MB")
    print(f"5xx lines in the access log: {server_errors} (log: {log_path})")
    runs = [*results.values(), *([varied_result] if varied else [])]
    failed = server_errors or any(result["errors"] for result in runs)
    return 1 if failed else 0


def print_table(results: dict, rounds: int) -> None:
    """A row per page: with several rounds, the median of the rounds and the shares' range."""
    ceilings = [
        (results[number, HELLO]["rps"] + results[number + 1, HELLO]["rps"]) / 2
        for number in range(rounds)
    ]
    names = [name for number, name in results if number == 0]
    header = "| page | requests/s | p50 ms | p95 ms | p99 ms | errors | of hello-world |"
    if rounds > 1:
        header += " range |"
    print(header)
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |" + (" ---: |" if rounds > 1 else ""))
    rows = [(name, [results[number, name] for number in range(rounds)]) for name in names]
    rows.append((HELLO_AGAIN, [results[number + 1, HELLO] for number in range(rounds)]))
    for name, runs in rows:
        shares = [run["rps"] / ceiling for run, ceiling in zip(runs, ceilings, strict=True)]
        latency = {p: statistics.median(run["latency_ms"][p] for run in runs) for p in (50, 95, 99)}
        row = (
            f"| {name} | {statistics.median(run['rps'] for run in runs):.0f} "
            f"| {latency[50]:.1f} | {latency[95]:.1f} | {latency[99]:.1f} "
            f"| {sum(run['errors'] for run in runs)} | {statistics.median(shares):.0%} |"
        )
        if rounds > 1:
            row += f" {min(shares):.0%}–{max(shares):.0%} |"
        print(row)


def workers_note() -> str:
    cores = os.cpu_count() or 1
    workers = int(os.environ.get("GUNICORN_WORKERS", 2 * cores + 1))
    return f"{workers} workers x {os.environ.get('GUNICORN_THREADS', 4)} threads"


if __name__ == "__main__":
    sys.exit(main())
