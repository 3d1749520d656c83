"""Telephony intake benchmark: signed webhooks in, journal entries out, on the production shape.

Starts the CRM under gunicorn (the repo's gunicorn.conf.py) and a real Celery worker against the
PostgreSQL and Redis named by DATABASE_URL and REDIS_URL (loopback only), sends N signed
generic-JSON call events from a pool of keep-alive senders, and measures the accepted events per
second, the request latency, and the lag from sending an event to its Interaction being in the
journal. Prints one table and writes it to bench/results/telephony_intake.txt.

    .venv/bin/python bench/telephony_intake.py --events 3000 --senders 16

Everything it starts is stopped on exit, on Ctrl-C, on an error and at the hard timeout.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The app's start-up, processes and figures are shared with bench/pages.py.
from _harness import (
    RESULTS,
    ROOT,
    VENV_BIN,
    Processes,
    create_database,
    free_port,
    git_revision,
    gunicorn_shape,
    percentile,
    require_loopback,
    wait_until_healthy,
)
from _harness import manage as _manage

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/crm_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
WEBHOOK_PATH = "/api/v1/telephony/generic/"
POLL_INTERVAL = 0.05
WARM_UP_EVENTS = 20
# Issue 8's targets on the 2-core reference machine.
TARGET_EVENTS_PER_SECOND = 300
TARGET_P95_LAG_SECONDS = 5.0


class BenchAbort(Exception):
    """The hard timeout passed or a stop signal arrived: stop everything and report nothing."""


# --- arguments and environment ---------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=3000, help="events to send (3000)")
    parser.add_argument("--senders", type=int, default=16, help="concurrent senders (16)")
    parser.add_argument(
        "--gunicorn-workers", type=int, help="GUNICORN_WORKERS (default: gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--gunicorn-threads", type=int, help="GUNICORN_THREADS (default: gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--celery-concurrency",
        type=int,
        default=int(os.environ.get("CELERY_WORKER_CONCURRENCY") or 4),
        help="worker processes, as docker-compose's CELERY_WORKER_CONCURRENCY (4)",
    )
    parser.add_argument("--drain-timeout", type=float, default=180, help="seconds to wait (180)")
    parser.add_argument("--timeout", type=float, default=900, help="hard limit, seconds (900)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    parser.add_argument("--no-seed-data", action="store_true", help="skip seed_demo's clients")
    parser.add_argument("--output", type=Path, default=RESULTS / "telephony_intake.txt")
    parser.add_argument(
        "--json",
        type=Path,
        metavar="PATH",
        help="also write the figures as JSON (read by the `make bench` summary)",
    )
    return parser.parse_args()


def manage(env: dict[str, str], *arguments: str) -> None:
    _manage(env, *arguments, timeout=600)


def app_environment(args: argparse.Namespace, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        "REDIS_URL": os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "crm_project.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "TELEPHONY_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SECRET_KEY_FILE", None)
    if args.gunicorn_workers:
        env["GUNICORN_WORKERS"] = str(args.gunicorn_workers)
    if args.gunicorn_threads:
        env["GUNICORN_THREADS"] = str(args.gunicorn_threads)
    return env


# --- the processes under test ----------------------------------------------------------------


def cpu_seconds(match: Any) -> float:
    """CPU time (user + system) of the live processes `match(pid, pgrp, name)` accepts."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if match(int(entry.name), int(fields[2]), name):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def cpu_snapshot(processes: Processes) -> dict[str, float]:
    """CPU used so far by each started process group, PostgreSQL, and this benchmark."""
    snapshot = {
        name: cpu_seconds(lambda _pid, group, _name, leader=process.pid: group == leader)
        for name, process in processes.started
    }
    snapshot["postgres (whole server)"] = cpu_seconds(
        lambda _pid, _group, name: name.startswith("postgres")
    )
    snapshot["this benchmark (senders, poller)"] = time.process_time()
    return snapshot


# --- the load --------------------------------------------------------------------------------


def make_bodies(count: int, prefix: str, numbers: list[str], extensions: list[str], seed: int):
    """One signed-later JSON body a call: the final event of N distinct calls."""
    rng = random.Random(seed)
    now = datetime.datetime.now(datetime.UTC)
    bodies = []
    for index in range(count):
        incoming = rng.random() < 0.7
        if numbers and rng.random() < 0.7:
            outside = rng.choice(numbers)
        else:
            outside = (
                f"8 (9{rng.randint(10, 99)}) {rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
            )
        disposition = rng.choices(["answered", "no_answer", "busy", "failed"], [70, 18, 8, 4])[0]
        talk = rng.randint(15, 600) if disposition == "answered" else 0
        ring = rng.randint(3, 25)
        started = now - datetime.timedelta(seconds=ring + talk)
        payload = {
            "call_id": f"{prefix}{index}",
            "event": "end",
            "direction": "incoming" if incoming else "outgoing",
            "from": outside if incoming else "+74950000000",
            "to": "+74950000000" if incoming else outside,
            "extension": rng.choice(extensions) if extensions and (talk or not incoming) else "",
            "started_at": started.isoformat(),
            "answered_at": (started + datetime.timedelta(seconds=ring)).isoformat()
            if talk
            else None,
            "ended_at": now.isoformat(),
            "duration": ring + talk,
            "talk_time": talk,
            "disposition": disposition,
        }
        bodies.append((payload["call_id"], json.dumps(payload).encode()))
    return bodies


@dataclass
class Sent:
    call_id: str
    sent_at: float  # wall clock, for the lag to the journal
    latency: float
    status: int
    answered_at: float


@dataclass
class Load:
    bodies: list[tuple[str, bytes]]
    port: int
    secret: str
    # Called with (call id, sent at) as soon as an event is accepted, so the journal watch
    # looks for it from then on: a lag measured from the end of the whole load would add the
    # time the rest of the load took to send.
    on_accepted: Any = None
    results: list[Sent] = field(default_factory=list)
    reconnects: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    next_index: int = 0

    def take(self) -> tuple[str, bytes] | None:
        with self.lock:
            if self.stop.is_set() or self.next_index >= len(self.bodies):
                return None
            item = self.bodies[self.next_index]
            self.next_index += 1
            return item

    def sender(self) -> None:
        from interactions.telephony.generic import signed_headers

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while (item := self.take()) is not None:
            call_id, body = item
            first_sent = time.time()
            for _attempt in range(3):
                headers = {"Content-Type": "application/json", **signed_headers(self.secret, body)}
                started = time.perf_counter()
                try:
                    connection.request("POST", WEBHOOK_PATH, body, headers)
                    response = connection.getresponse()
                    response.read()
                except (http.client.HTTPException, OSError) as error:
                    # A keep-alive connection the server closed (max_requests, keepalive).
                    connection.close()
                    with self.lock:
                        self.reconnects += 1
                        self.errors[type(error).__name__] += 1
                    continue
                latency = time.perf_counter() - started
                sent = Sent(call_id, first_sent, latency, response.status, time.time())
                if response.status == 202 and self.on_accepted is not None:
                    self.on_accepted(call_id, first_sent)
                with self.lock:
                    self.results.append(sent)
                break
        connection.close()

    def run(self, senders: int) -> None:
        threads = [
            threading.Thread(target=self.sender, daemon=True, name=f"sender-{n}")
            for n in range(senders)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)


class JournalWatch:
    """Polls the journal for the sent calls and notes when each one is first seen."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.sent_at: dict[str, float] = {}
        self.seen_at: dict[str, float] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="journal-watch")

    def expect(self, call_id: str, sent_at: float) -> None:
        with self.lock:
            self.sent_at[call_id] = sent_at

    def pending(self) -> list[str]:
        with self.lock:
            return [call_id for call_id in self.sent_at if call_id not in self.seen_at]

    def _run(self) -> None:
        # Plain psycopg, not the ORM: compiling a query of thousands of ids every 50 ms would
        # take CPU from the processes being measured.
        import psycopg

        query = (
            "SELECT external_id FROM interactions_interaction"
            " WHERE source = 'telephony' AND provider = 'generic' AND external_id = ANY(%s)"
        )
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            while not self.stop.is_set():
                waiting = self.pending()
                found = connection.execute(query, [waiting]).fetchall() if waiting else []
                now = time.time()
                with self.lock:
                    for (call_id,) in found:
                        self.seen_at.setdefault(call_id, now)
                self.stop.wait(POLL_INTERVAL)

    def wait_all(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.pending():
                return True
            time.sleep(0.1)
        return not self.pending()


# --- figures ---------------------------------------------------------------------------------


def event_states(prefix: str) -> Counter[str]:
    from django.db.models import Count

    from interactions.telephony.models import TelephonyEvent

    rows = (
        TelephonyEvent.objects.filter(provider="generic", external_id__startswith=prefix)
        .values("state")
        .annotate(count=Count("id"))
    )
    return Counter({row["state"]: row["count"] for row in rows})


@dataclass
class Figures:
    states: Counter[str]
    drained_after: float | None
    load_before: float
    load_after: float
    cpu_used: dict[str, float]


def summarise(load: Load, watch: JournalWatch, figures: Figures) -> dict[str, Any]:
    """The run's figures, as the table shows them and --json writes them."""
    results = load.results
    accepted = [sent for sent in results if sent.status == 202]
    first = min((sent.sent_at for sent in results), default=0.0)
    last = max((sent.answered_at for sent in results), default=first)
    latencies = [sent.latency * 1000 for sent in results]
    lags = [watch.seen_at[call] - watch.sent_at[call] for call in watch.seen_at]
    # An accepted event never seen in the journal counts as an endless lag, not as no lag.
    all_lags = lags + [float("inf")] * (len(accepted) - len(lags))
    last_seen = max(watch.seen_at.values(), default=first)
    rate = len(accepted) / (last - first) if last > first else float("nan")
    lag_p95 = percentile(all_lags, 0.95)
    return {
        "events": len(results),
        "accepted": len(accepted),
        "statuses": dict(sorted(Counter(str(sent.status) for sent in results).items())),
        "accepted_events_per_second": rate,
        "request_p50_ms": percentile(latencies, 0.50),
        "request_p95_ms": percentile(latencies, 0.95),
        "request_max_ms": max(latencies, default=float("nan")),
        "lag_p50_s": percentile(all_lags, 0.50),
        "lag_p95_s": lag_p95,
        "lag_max_s": max(all_lags, default=float("nan")),
        "in_journal": len(lags),
        "journal_entries_per_second": (
            len(lags) / (last_seen - first) if last_seen > first else float("nan")
        ),
        "drained_after_s": figures.drained_after,
        "states": dict(sorted(figures.states.items())),
        "connection_retries": load.reconnects,
        "cpu_ms_per_event": {
            name: 1000 * used / max(len(results), 1) for name, used in figures.cpu_used.items()
        },
        "load_average_before": figures.load_before,
        "load_average_after": figures.load_after,
        "target_met": rate >= TARGET_EVENTS_PER_SECOND and lag_p95 < TARGET_P95_LAG_SECONDS,
    }


def report(args: argparse.Namespace, shape: tuple[int, int], summary: dict[str, Any]) -> str:
    statuses = ", ".join(f"{code}: {n}" for code, n in summary["statuses"].items())
    gave_up = "" if summary["drained_after_s"] is not None else " (gave up waiting)"
    rows = [
        ("events sent", f"{summary['events']} of {args.events} ({statuses or 'none answered'})"),
        ("accepted events/s at the endpoint", f"{summary['accepted_events_per_second']:.0f}"),
        ("request latency p50", f"{summary['request_p50_ms']:.1f} ms"),
        ("request latency p95", f"{summary['request_p95_ms']:.1f} ms"),
        ("request latency max", f"{summary['request_max_ms']:.1f} ms"),
        ("lag to the journal, median", f"{summary['lag_p50_s']:.2f} s"),
        ("lag to the journal, p95", f"{summary['lag_p95_s']:.2f} s"),
        ("lag to the journal, max", f"{summary['lag_max_s']:.2f} s"),
        (
            "journal entries/s (first send to last seen)",
            f"{summary['journal_entries_per_second']:.0f}",
        ),
        ("in the journal", f"{summary['in_journal']} of {summary['accepted']}{gave_up}"),
        (
            "events by state",
            ", ".join(f"{k}: {v}" for k, v in summary["states"].items()) or "-",
        ),
        ("connection retries", str(summary["connection_retries"])),
        *(
            # Summed over live processes: server processes that exited during the run (other
            # sessions' connections) can make a total shrink, and it means nothing then.
            (f"CPU per event: {name}", f"{used:.1f} ms" if used >= 0 else "n/a")
            for name, used in summary["cpu_ms_per_event"].items()
        ),
        (
            "issue 8 target",
            f">= {TARGET_EVENTS_PER_SECOND}/s and p95 lag < {TARGET_P95_LAG_SECONDS:.0f} s: "
            + ("met" if summary["target_met"] else "MISSED"),
        ),
    ]
    header = [
        f"Telephony intake benchmark, {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"git {git_revision()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {summary['load_average_before']:.1f} before the run and "
        f"{summary['load_average_after']:.1f} after it (other work on the machine skews figures)",
        f"{args.events} generic-JSON events from {args.senders} keep-alive senders; "
        f"gunicorn {shape[0]} workers x {shape[1]} threads; "
        f"celery prefork x {args.celery_concurrency}; journal polled every "
        f"{POLL_INTERVAL * 1000:.0f} ms",
        "",
    ]
    width = max(len(name) for name, _value in rows)
    lines = [f"{'metric'.ljust(width)}  value", f"{'-' * width}  {'-' * 30}"]
    lines += [f"{name.ljust(width)}  {value}" for name, value in rows]
    return "\n".join(header + lines) + "\n"


def json_figures(args: argparse.Namespace, shape: tuple[int, int], summary: dict[str, Any]):
    """The summary as JSON-safe values: NaN and infinity (nothing measured) become null."""

    def plain(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        return value

    return plain(
        {
            "benchmark": "telephony_intake",
            "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "git": git_revision(),
            "cpus": os.cpu_count(),
            "events_requested": args.events,
            "senders": args.senders,
            "gunicorn_workers": shape[0],
            "gunicorn_threads": shape[1],
            "celery_concurrency": args.celery_concurrency,
            "target_events_per_second": TARGET_EVENTS_PER_SECOND,
            "target_lag_p95_s": TARGET_P95_LAG_SECONDS,
            **summary,
        }
    )


# --- the run ---------------------------------------------------------------------------------


def install_stop_handlers(timeout: float) -> None:
    def abort(signum: int, _frame: Any) -> None:
        raise BenchAbort(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, abort)
    signal.signal(signal.SIGALRM, abort)
    signal.alarm(max(1, int(timeout)))


def prepare(env: dict[str, str], args: argparse.Namespace) -> None:
    create_database(env["DATABASE_URL"])
    print("migrating…")
    manage(env, "migrate", "--no-input")
    if not args.no_seed_data:
        print("seeding demo clients (idempotent)…")
        manage(env, "seed_demo", "--password", secrets.token_urlsafe(16))
    # Leftovers of an interrupted run would be processed during this one.
    subprocess.run(
        [str(VENV_BIN / "celery"), "-A", "crm_project", "purge", "-f"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
        stdout=subprocess.DEVNULL,
    )


def start_services(env: dict[str, str], args: argparse.Namespace, processes: Processes) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    worker_log = (RESULTS / "telephony_intake.worker.log").open("wb")
    web_log = (RESULTS / "telephony_intake.gunicorn.log").open("wb")
    processes.start(
        "celery worker",
        [
            str(VENV_BIN / "celery"),
            "-A",
            "crm_project",
            "worker",
            "--loglevel=info",
            f"--concurrency={args.celery_concurrency}",
            "--without-gossip",
            "--without-mingle",
        ],
        env,
        worker_log,
    )
    processes.start(
        "gunicorn",
        [
            str(VENV_BIN / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "crm_project.wsgi:application",
        ],
        env,
        web_log,
    )


def send(
    bodies: list[tuple[str, bytes]], env: dict[str, str], senders: int, watch: JournalWatch
) -> Load:
    port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
    load = Load(
        bodies=bodies,
        port=port,
        secret=env["TELEPHONY_WEBHOOK_SECRET"],
        on_accepted=watch.expect,
    )
    load.run(senders)
    return load


def known_numbers() -> tuple[list[str], list[str]]:
    from clients.models import Phone
    from crm_project.accounts.models import User

    numbers = list(Phone.objects.values_list("number_e164", flat=True)[:1000])
    extensions = list(
        User.objects.exclude(phone_extension="").values_list("phone_extension", flat=True)
    )
    return numbers, extensions


def run(
    args: argparse.Namespace, env: dict[str, str], processes: Processes
) -> tuple[str, dict[str, Any]]:
    import django

    load_before = os.getloadavg()[0]
    prepare(env, args)
    os.environ.update(env)
    django.setup()
    numbers, extensions = known_numbers()
    start_services(env, args, processes)
    wait_until_healthy(int(env["GUNICORN_BIND"].rsplit(":", 1)[1]), processes)
    prefix = f"bench-{int(time.time())}-{secrets.token_hex(3)}-"
    watch = JournalWatch(env["DATABASE_URL"])
    watch.thread.start()
    print(f"warming up with {WARM_UP_EVENTS} events…")
    warm_up = make_bodies(WARM_UP_EVENTS, f"{prefix}warm-", numbers, extensions, args.seed)
    send(warm_up, env, min(args.senders, WARM_UP_EVENTS), watch)
    if not watch.wait_all(60):
        processes.check_alive()
        raise RuntimeError("the warm-up events did not reach the journal in 60 s")
    watch.sent_at.clear()
    watch.seen_at.clear()
    bodies = make_bodies(args.events, f"{prefix}run-", numbers, extensions, args.seed + 1)
    print(f"sending {args.events} events from {args.senders} senders…")
    cpu_before = cpu_snapshot(processes)
    load = send(bodies, env, args.senders, watch)
    print("waiting for the journal…")
    started = time.monotonic()
    drained = watch.wait_all(args.drain_timeout)
    drained_after = time.monotonic() - started if drained else None
    cpu_used = {name: used - cpu_before[name] for name, used in cpu_snapshot(processes).items()}
    watch.stop.set()
    watch.thread.join(timeout=5)
    states = event_states(f"{prefix}run-")
    figures = Figures(states, drained_after, load_before, os.getloadavg()[0], cpu_used)
    summary = summarise(load, watch, figures)
    shape = gunicorn_shape(env)
    return report(args, shape, summary), json_figures(args, shape, summary)


def main() -> int:
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    require_loopback("DATABASE_URL", database_url)
    require_loopback("REDIS_URL", redis_url)
    sys.path.insert(0, str(ROOT))
    env = app_environment(args, free_port())
    processes = Processes()
    install_stop_handlers(args.timeout)
    try:
        table, figures = run(args, env, processes)
    except (KeyboardInterrupt, BenchAbort) as reason:
        print(f"stopped: {reason or 'interrupted'}", file=sys.stderr)
        return 130
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        processes.stop_all()
    print()
    print(table, end="")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table, encoding="utf-8")
    print(f"\nwritten to {args.output}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
