"""Load test: gunicorn with the shipped gunicorn.conf.py, on PostgreSQL, in production
mode, driven by wrk with 64 connections for 60 seconds on the finder and on a trial page.

    .venv/bin/python benchmarks/load.py [--trials 2000] [--duration 60] [--connections 64]

Needs wrk (`apt-get install -y wrk`) and a PostgreSQL server. Builds the throwaway
database `trialportal_load` (dropped and made afresh, then dropped again), fills it with
the same generated trials as bench_pages.py, collects static files, starts gunicorn
exactly as production would (only the bind address and the trusted proxy differ: wrk
plays the TLS proxy, sending X-Forwarded-Proto from 127.0.0.1), and waits for /readyz.

Prints a markdown table: requests per second, latency percentiles, and errors (non-2xx
answers and socket errors), which must be 0. Exits 1 if any run had an error.
"""

import argparse
import os
import re
import signal
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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--duration", type=int, default=60, help="seconds per page")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=18500)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def production_environment(database_url: str, port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trialportal.settings",
        "TRIALPORTAL_ENV_FILE": os.devnull,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "load-test-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # wrk stands in for the TLS proxy on this host.
        "TRIALPORTAL_TRUSTED_PROXIES": "127.0.0.1",
    }


def build_database(args) -> str:
    """Migrated, filled and analysed; returns the slug of a published trial."""
    bench_pages.reset_postgres_database(args.postgres_url, create=True)
    os.environ.update(production_environment(args.postgres_url, args.port))
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from trials.models import Trial

    call_command("migrate", verbosity=0, interactive=False)
    reference = bench_pages.create_reference_data()
    bench_pages.create_trials(0, args.trials, reference, random.Random(args.seed))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    call_command("collectstatic", verbosity=0, interactive=False)
    # As bench_pages.py times it: a published trial with five arms.
    trial = (
        Trial.objects.published()
        .annotate(arm_count=Count("arms"))
        .filter(arm_count=5)
        .order_by("pk")
        .first()
    )
    connection.close()
    return trial.slug


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


WRK_LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1, "s": 1000}


def run_wrk(args, url: str) -> dict:
    output = subprocess.run(
        [
            "wrk",
            f"--threads={args.wrk_threads}",
            f"--connections={args.connections}",
            f"--duration={args.duration}s",
            # A request is an error if it takes longer than gunicorn's own timeout.
            "--timeout=30s",
            "--latency",
            "--header=X-Forwarded-Proto: https",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "latency_ms": {
            int(p): float(value) * UNITS[unit] for p, value, unit in WRK_LATENCY.findall(output)
        },
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in sockets.groups()) if sockets else 0),
        "raw": output,
    }


def main() -> int:
    args = parse_args()
    slug = build_database(args)
    env = production_environment(args.postgres_url, args.port)
    pages = {"finder `/trials/`": "/trials/", f"trial page `/trials/{slug}/`": f"/trials/{slug}/"}
    results = {}
    log_path = Path(tempfile.mkdtemp(prefix="trialportal-load-")) / "gunicorn.log"
    with open(log_path, "w") as log:
        server = start_gunicorn(env, args.port, log)
        try:
            for name, path in pages.items():
                print(f"  {name}: {args.connections} connections for {args.duration} s ...",
                      file=sys.stderr)  # fmt: skip
                results[name] = run_wrk(args, f"http://127.0.0.1:{args.port}{path}")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
    bench_pages.reset_postgres_database(args.postgres_url, create=False)

    server_errors = sum(1 for line in log_path.read_text().splitlines() if '"status": 5' in line)
    print(f"\ngunicorn (gunicorn.conf.py defaults: {workers_note()}), PostgreSQL, "
          f"{args.trials} trials, {args.connections} connections, {args.duration} s per page, "
          f"on {os.cpu_count()} CPU cores shared with PostgreSQL and wrk, "
          f"load average {os.getloadavg()[0]:.1f} at the end\n")  # fmt: skip
    print("| page | requests | requests/s | p50 ms | p90 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, result in results.items():
        latency = result["latency_ms"]
        print(
            f"| {name} | {result['requests']} | {result['rps']:.0f} | {latency.get(50, 0):.0f} "
            f"| {latency.get(90, 0):.0f} | {latency.get(99, 0):.0f} | {result['errors']} |"
        )
    print(f"\n5xx lines in the access log: {server_errors} (log: {log_path})")
    failed = server_errors or any(result["errors"] for result in results.values())
    return 1 if failed else 0


def workers_note() -> str:
    cores = os.cpu_count() or 1
    workers = int(os.environ.get("GUNICORN_WORKERS", 2 * cores + 1))
    return f"{workers} workers x {os.environ.get('GUNICORN_THREADS', 4)} threads"


if __name__ == "__main__":
    sys.exit(main())
