"""Pages under signed-in load at a million interactions, on the production shape.

Fills (or reuses) a loopback PostgreSQL database with `manage.py generate_data` (default 1M
interactions, 50,000 clients, 100 managers), starts gunicorn with the repo's gunicorn.conf.py and
production settings (DEBUG off, Redis cache, psycopg pool), signs 50 managers and 10 supervisors
in (sessions written to the session store, as the login form would), then for each page:

- 50 signed-in users, each pausing about a second between requests (about 50 requests/s), for
  --duration seconds: median and p95 (issue 8's target: p95 < 150 ms);
- the highest rate the page sustains with p95 < 500 ms: closed-loop users without pauses, their
  number doubled until p95 passes 500 ms;
- the SQL queries the page runs at 10 thousand and at 1 million interactions (Django's test client
  and CaptureQueriesContext in a subprocess per database): they must be equal;

and the journal's first page against its 1000th (keyset, `?after=<id>`; target: within 2x).
Prints one table, writes it to bench/results/pages.txt and the figures to pages.json.

    .venv/bin/python bench/pages.py                      # everything, ~10 minutes
    .venv/bin/python bench/pages.py --duration 10 --no-capacity
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _harness as harness

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/crm_bench"
SMALL_DATABASE_NAME = "crm_bench_10k"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"
MANAGERS = 100  # the same staff in both databases: only the journal's size differs
TARGET_P95_MS = 150
CAPACITY_P95_MS = 500
TARGET_PAGE_RATIO = 2.0
JOURNAL_PAGE_SIZE = 25  # crm_project.core.views.PAGE_SIZE


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    managers_only: bool = False


PAGES = [
    Page("journal", "journal list"),
    Page("clients", "client list"),
    Page("card", "client card"),
    Page("my_day", "My day with its counters", managers_only=True),
    Page("phone", "phone search"),
    Page("api", "API /api/v1/interactions/"),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=50, help="concurrent signed-in users (50)")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between requests (1)")
    parser.add_argument("--duration", type=float, default=25, help="seconds a page (25)")
    parser.add_argument("--warm-up", type=float, default=3, help="seconds not counted (3)")
    parser.add_argument("--step", type=float, default=6, help="seconds a capacity step (6)")
    parser.add_argument("--no-capacity", action="store_true", help="skip the rate search")
    parser.add_argument("--pages", help="comma-separated page keys (default: all)")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again")
    parser.add_argument("--timeout", type=float, default=3600, help="hard limit, seconds")
    parser.add_argument("--output", type=Path, default=harness.RESULTS / "pages.txt")
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


# --- data and sessions -------------------------------------------------------------------------


def counts(database_url: str) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT (SELECT count(*) FROM clients_client),"
            " (SELECT count(*) FROM interactions_interaction)"
        ).fetchone()
    return row[0], row[1]


def prepare_database(env: dict[str, str], clients: int, interactions: int, force: bool) -> str:
    """Migrate, and generate the data unless the database already holds that much; says which."""
    harness.create_database(env["DATABASE_URL"])
    harness.manage(env, "migrate", "--no-input")
    if not force and counts(env["DATABASE_URL"]) == (clients, interactions):
        return "reused"
    name = urllib.parse.urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    print(f"generating {clients:,} clients and {interactions:,} interactions into {name} …")
    started = time.perf_counter()
    harness.manage(
        env,
        "generate_data",
        "--regenerate",
        f"--clients={clients}",
        f"--interactions={interactions}",
        f"--managers={MANAGERS}",
        quiet=False,
    )
    return f"generated in {time.perf_counter() - started:.0f} s"


@dataclass
class Fixtures:
    """Who signs in and what they open: session keys, clients to open, phones to search."""

    manager_sessions: list[str]
    supervisor_sessions: list[str]
    client_ids: list[int]
    phones: list[str]
    page_1000_after: int


def fixtures(users: int, seed: int = 2026) -> Fixtures:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connection

    from clients.models import Client, Phone
    from crm_project.accounts.models import User

    engine = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"])
    backend = "django.contrib.auth.backends.ModelBackend"

    def session(user: User) -> str:
        store = engine.SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    managers = User.objects.filter(username__startswith="gen-manager-").order_by("username")
    supervisors = User.objects.filter(username__startswith="gen-supervisor-").order_by("username")
    rng = random.Random(seed)
    client_ids = list(Client.objects.values_list("pk", flat=True))
    phones = list(Phone.objects.order_by("pk").values_list("number_raw", flat=True)[:20000])
    with connection.cursor() as cursor:
        # The id the 999th page ends with: ?after=<it> is the journal's 1000th page.
        cursor.execute(
            "SELECT id FROM interactions_interaction ORDER BY id DESC OFFSET %s LIMIT 1",
            [999 * JOURNAL_PAGE_SIZE - 1],
        )
        row = cursor.fetchone()
    return Fixtures(
        manager_sessions=[session(user) for user in managers[:users]],
        supervisor_sessions=[session(user) for user in supervisors[: max(1, users // 5)]],
        client_ids=rng.sample(client_ids, min(len(client_ids), 5000)),
        phones=rng.sample(phones, min(len(phones), 5000)),
        page_1000_after=row[0] if row else 0,
    )


def page_url(key: str, fixtures: Fixtures, rng: random.Random) -> str:
    if key == "journal":
        return "/journal/"
    if key == "clients":
        return "/clients/"
    if key == "card":
        return f"/clients/{rng.choice(fixtures.client_ids)}/"
    if key == "my_day":
        return "/"
    if key == "phone":
        # The search box, the number as somebody typed it (mixed formats).
        return "/clients/?" + urllib.parse.urlencode({"q": rng.choice(fixtures.phones)})
    if key == "api":
        return "/api/v1/interactions/"
    raise ValueError(key)


# --- load --------------------------------------------------------------------------------------


@dataclass
class Sample:
    started: float
    latency: float
    status: int


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def counted(self, since: float) -> list[Sample]:
        return [sample for sample in self.samples if sample.started >= since]


def user_loop(
    port: int,
    session_key: str,
    urls: Any,
    stop_at: float,
    pause: float,
    run: Run,
    rng: random.Random,
) -> None:
    headers = {"Cookie": f"sessionid={session_key}", "Accept": "text/html,application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop_at:
        url = urls(rng)
        started = time.monotonic()
        try:
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            response.read()
        except (http.client.HTTPException, OSError) as error:
            # A keep-alive connection the server closed (max_requests, keepalive timeout).
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with run.lock:
                run.errors[type(error).__name__] += 1
            continue
        sample = Sample(started, time.monotonic() - started, response.status)
        with run.lock:
            run.samples.append(sample)
            if response.status != 200:
                run.errors[f"HTTP {response.status}"] += 1
        if pause:
            time.sleep(pause * rng.uniform(0.8, 1.2))
    connection.close()


def load(
    port: int, sessions: list[str], urls: Any, seconds: float, pause: float, stagger: float
) -> Run:
    run = Run()
    stop_at = time.monotonic() + seconds
    threads = []
    for index, session_key in enumerate(sessions):
        rng = random.Random(index)
        thread = threading.Thread(
            target=user_loop,
            args=(port, session_key, urls, stop_at, pause, run, rng),
            daemon=True,
        )
        threads.append(thread)
        thread.start()
        if stagger:
            time.sleep(stagger / len(sessions))
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return run


@dataclass
class PageFigures:
    median_ms: float = float("nan")
    p95_ms: float = float("nan")
    rate: float = float("nan")
    errors: int = 0
    capacity: float | None = None
    capacity_users: int = 0
    queries_small: int | None = None
    queries_large: int | None = None


def measure_steady(
    port: int, sessions: list[str], urls: Any, args: argparse.Namespace
) -> PageFigures:
    started = time.monotonic()
    run = load(port, sessions, urls, args.warm_up + args.duration, args.pause, stagger=args.pause)
    since = started + args.warm_up
    samples = [sample for sample in run.counted(since) if sample.status == 200]
    latencies = [sample.latency * 1000 for sample in samples]
    window = max(time.monotonic() - since, 1e-9)
    return PageFigures(
        median_ms=statistics.median(latencies) if latencies else float("nan"),
        p95_ms=harness.percentile(latencies, 0.95),
        rate=len(run.counted(since)) / window,
        errors=sum(run.errors.values()),
    )


def measure_capacity(
    port: int, sessions: list[str], urls: Any, args: argparse.Namespace
) -> tuple[float | None, int]:
    """The highest throughput with p95 under CAPACITY_P95_MS, doubling closed-loop users."""
    best: tuple[float | None, int] = (None, 0)
    users = 1
    while users <= len(sessions):
        started = time.monotonic()
        run = load(port, sessions[:users], urls, args.step + 1, pause=0, stagger=0)
        since = started + 1
        samples = run.counted(since)
        elapsed = max(time.monotonic() - since, 1e-9)
        p95 = harness.percentile([sample.latency * 1000 for sample in samples], 0.95)
        ok = sum(sample.status == 200 for sample in samples)
        print(f"    {users:>3} users: {ok / elapsed:6.1f} req/s, p95 {p95:6.0f} ms")
        if p95 >= CAPACITY_P95_MS or ok < len(samples) or run.errors:
            break
        if best[0] is None or ok / elapsed > best[0]:
            best = (ok / elapsed, users)
        users *= 2
    return best


def first_against_1000th(port: int, session_key: str, after: int, rounds: int = 40) -> tuple:
    """Medians (ms) of the journal's first page and of its 1000th, requested alternately."""
    first, thousandth = [], []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"sessionid={session_key}"}
    for index in range(rounds + 3):
        for url, into in (("/journal/", first), (f"/journal/?after={after}", thousandth)):
            started = time.monotonic()
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}")
            if index >= 3:  # the first rounds warm the caches
                into.append((time.monotonic() - started) * 1000)
    connection.close()
    return statistics.median(first), statistics.median(thousandth)


# --- queries per page ---------------------------------------------------------------------------


def count_queries() -> None:
    """Subprocess mode: print {page: queries} for this DATABASE_URL as JSON on stdout."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client as BrowserClient
    from django.test.utils import CaptureQueriesContext

    from clients.models import Client, Phone
    from crm_project.accounts.models import User

    manager = User.objects.get(username="gen-manager-001")
    # The manager's client with the longest journal: the card then shows a full page.
    client = (
        Client.objects.filter(responsible_manager=manager)
        .annotate(total=Count("interactions"))
        .order_by("-total", "pk")
        .first()
    )
    phone = Phone.objects.filter(client=client).order_by("pk").first()
    urls = {
        "journal": "/journal/",
        "clients": "/clients/",
        "card": f"/clients/{client.pk}/",
        "my_day": "/",
        "phone": "/clients/?" + urllib.parse.urlencode({"q": phone.number_raw}),
        "api": "/api/v1/interactions/",
    }
    browser = BrowserClient()
    browser.force_login(manager)
    figures = {}
    for key, url in urls.items():
        browser.get(url)  # caches (statuses, content types) as a warm worker has them
        with CaptureQueriesContext(connection) as context:
            response = browser.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        figures[key] = len(context.captured_queries)
    print(json.dumps(figures))


def queries_per_page(env: dict[str, str]) -> dict[str, int]:
    output = subprocess.run(
        [harness.PYTHON, str(Path(__file__).resolve()), "--count-queries"],
        cwd=harness.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- the run ------------------------------------------------------------------------------------


def table(
    args: argparse.Namespace,
    figures: dict[str, PageFigures],
    journal: tuple[float, float],
    context: dict[str, str],
) -> str:
    header = [
        f"Pages under signed-in load, {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"git {harness.git_revision()}, {os.cpu_count()} CPUs, {harness.interpreter()}, "
        f"{context['cpu_check']}",
        f"load average (1/5 min) before {context['load_before']}, after "
        f"{context['load_after']} (other work on the machine skews the figures)",
        f"data: {context['data']}; gunicorn {context['shape']}",
        f"steady load: {args.users} signed-in users, each pausing ~{args.pause:g} s, "
        f"{args.duration:g} s a page after {args.warm_up:g} s warm-up",
        "",
    ]
    columns = (
        f"{'page':<28}{'median':>8}{'p95':>8}{'req/s':>7}{'errors':>7}  "
        f"{'p95<150':<8}{'max req/s @p95<500':>20}{'queries 10k/1M':>16}"
    )
    lines = [columns, "-" * len(columns)]
    for page in PAGES:
        if page.key not in figures:
            continue
        result = figures[page.key]
        capacity = (
            "-"
            if result.capacity is None and args.no_capacity
            else (
                f"{result.capacity:.0f} ({result.capacity_users} users)"
                if result.capacity
                else "< 1 user"
            )
        )
        queries = f"{result.queries_small}/{result.queries_large}"
        if result.queries_small != result.queries_large:
            queries += " !"
        verdict = "met" if result.p95_ms < TARGET_P95_MS and not result.errors else "MISSED"
        lines.append(
            f"{page.label:<28}{result.median_ms:>6.0f}ms{result.p95_ms:>6.0f}ms"
            f"{result.rate:>7.1f}{result.errors:>7}  {verdict:<8}{capacity:>20}{queries:>16}"
        )
    first, thousandth = journal
    ratio = thousandth / first if first else float("nan")
    same = all(f.queries_small == f.queries_large for f in figures.values())
    lines += [
        "",
        f"journal page 1: {first:.0f} ms, page 1000: {thousandth:.0f} ms (medians, one user): "
        f"{ratio:.2f}x (target <= {TARGET_PAGE_RATIO:g}x): "
        + ("met" if ratio <= TARGET_PAGE_RATIO else "MISSED"),
        "queries per page at 10k and at 1M interactions: "
        + ("equal on every page: met" if same else "DIFFER (marked !)"),
    ]
    return "\n".join(header + lines) + "\n"


def main() -> int:
    args = parse_args()
    if args.count_queries:
        count_queries()
        return 0
    database_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    harness.require_bench_database(database_url)
    harness.require_loopback("REDIS_URL", redis_url)
    small_url = harness.with_database(database_url, SMALL_DATABASE_NAME)
    selected = [p for p in PAGES if not args.pages or p.key in args.pages.split(",")]
    port = harness.free_port()
    env = harness.app_environment(database_url, redis_url, port)
    small_env = harness.app_environment(small_url, redis_url)

    def abort(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, abort)
    signal.signal(signal.SIGALRM, abort)
    signal.alarm(int(args.timeout))
    load_before = harness.load_average()
    cpu_check = harness.cpu_check()
    # DEBUG off serves hashed assets from the manifest, as the container image builds it.
    harness.manage(env, "collectstatic", "--no-input")
    data = prepare_database(env, args.clients, args.interactions, args.regenerate)
    prepare_database(small_env, max(args.clients // 100, 100), 10_000, args.regenerate)
    print("counting queries per page at 10k and 1M interactions …")
    small_queries = queries_per_page(small_env)
    large_queries = queries_per_page(env)
    os.environ.update(env)
    import django

    django.setup()
    fixture = fixtures(args.users)
    processes = harness.Processes()
    figures: dict[str, PageFigures] = {}
    try:
        harness.start_gunicorn(env, processes, "pages.gunicorn.log")
        harness.wait_until_healthy(port, processes)
        for page in selected:
            sessions = list(fixture.manager_sessions)
            if not page.managers_only:
                # Supervisors too: a fifth of the users.
                cut = len(sessions) - len(fixture.supervisor_sessions)
                sessions = sessions[:cut] + fixture.supervisor_sessions

            def urls(rng: random.Random, key: str = page.key) -> str:
                return page_url(key, fixture, rng)

            print(f"{page.label}: {len(sessions)} users, pause {args.pause:g} s …")
            result = measure_steady(port, sessions, urls, args)
            print(f"    median {result.median_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, "
                  f"{result.rate:.1f} req/s, {result.errors} errors")  # fmt: skip
            if not args.no_capacity:
                result.capacity, result.capacity_users = measure_capacity(
                    port, sessions, urls, args
                )
            result.queries_small = small_queries[page.key]
            result.queries_large = large_queries[page.key]
            figures[page.key] = result
            processes.check_alive()
        print("journal: page 1 against page 1000 …")
        journal = first_against_1000th(port, fixture.manager_sessions[0], fixture.page_1000_after)
        workers, threads = harness.gunicorn_shape(env)
        shape = f"{workers} workers x {threads} threads"
    except KeyboardInterrupt as reason:
        print(f"stopped: {reason or 'interrupted'}", file=sys.stderr)
        return 130
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        processes.stop_all()
    context = {
        "load_before": load_before,
        "load_after": harness.load_average(),
        "cpu_check": cpu_check,
        "data": f"{args.interactions:,} interactions, {args.clients:,} clients ({data})",
        "shape": shape,
    }
    text = table(args, figures, journal, context)
    print()
    print(text, end="")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    machine = {
        "pages": {key: vars(value) for key, value in figures.items()},
        "journal_first_ms": journal[0],
        "journal_1000th_ms": journal[1],
        "load_before": load_before,
        "load_after": context["load_after"],
        "interpreter": harness.interpreter(),
        "cpu_check": cpu_check,
    }
    args.output.with_suffix(".json").write_text(json.dumps(machine, indent=2), encoding="utf-8")
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
