"""Monthly activity report against a hand-written SQL aggregate, at a million interactions.

Fills a separate PostgreSQL database (BENCH_DATABASE_URL or DATABASE_URL, loopback only, its
name containing "bench"; created and migrated when missing) with crm_project.core.datagen (what
`manage.py generate_data` runs): one team of ten managers, 50,000 clients and N interactions over
14 months with the demo's mix of kinds, statuses and sources, loaded with COPY. Then times the
activity report exactly as the page builds it (reports.builders, team "Sales team 01", one
month) against one hand-written SQL aggregate (GROUP BY manager, kind, status) plus the
planned-calls aggregate, checks that both give the same numbers, and prints the medians and
their ratio (issue 8's target: within 1.5x). Writes the table to
bench/results/report_activity.txt (and its figures to report_activity.json).

    .venv/bin/python bench/report_activity.py --interactions 1000000

A database that already holds the requested number of interactions is reused (--regenerate to
start again).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import secrets
import statistics
import sys
import time
import zoneinfo
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/crm_bench_reports"
TARGET_RATIO = 1.5
RUNS = 5
MANAGERS = 10
CLIENTS = 50_000
MONTHS = 14
ZONE = zoneinfo.ZoneInfo("Europe/Moscow")
# The generated data's first team (crm_project.core.datagen: ten managers a team).
TEAM_NAME = "Sales team 01"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--regenerate", action="store_true", help="drop the data and fill again")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    url = url or DEFAULT_DATABASE_URL
    # Generating truncates the clients and the journal: never the dev or test database.
    harness.require_bench_database(url)
    return url


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_project.settings")
    # A throwaway key: the benchmark signs nothing that outlives it.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CRM_VAR_DIR", "/tmp/crm_bench_reports_var")
    Path(os.environ["CRM_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- data ------------------------------------------------------------------------------------


def generate(count: int, clients: int, seed: int) -> float:
    """Wipe the generated rows and load teams, clients and `count` interactions; seconds taken."""
    from crm_project.core import datagen

    started = time.perf_counter()
    # One team of ten managers holds the whole journal: the report aggregates a month of a
    # million-row history (about 70,000 interactions), as in a one-office company.
    options = datagen.Options(clients=clients, interactions=count, managers=MANAGERS, seed=seed)
    datagen.generate(options, regenerate=True)
    return time.perf_counter() - started


def interactions_in_database() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM interactions_interaction")
        return cursor.fetchone()[0]


# --- the two ways to the same figures -------------------------------------------------------

HAND_WRITTEN = """
SELECT i.manager_id, i.kind, s.code, count(*)
FROM interactions_interaction i
LEFT JOIN interactions_interactionstatus s ON s.id = i.status_id
WHERE i.manager_id = ANY(%(managers)s)
  AND i.occurred_at >= %(start)s AND i.occurred_at < %(end)s
  AND (s.is_excluded_from_counts IS NOT TRUE)
GROUP BY i.manager_id, i.kind, s.code
"""
HAND_WRITTEN_PLANNED = """
SELECT i.manager_id, i.kind,
       count(*),
       count(*) FILTER (WHERE i.occurred_at IS NOT NULL),
       count(*) FILTER (WHERE i.occurred_at IS NULL AND i.planned_at < %(overdue)s)
FROM interactions_interaction i
LEFT JOIN interactions_interactionstatus s ON s.id = i.status_id
WHERE i.manager_id = ANY(%(managers)s)
  AND i.kind IN ('outgoing_call', 'meeting')
  AND i.planned_at >= %(start)s AND i.planned_at < %(end)s
  AND (s.is_excluded_from_counts IS NOT TRUE)
GROUP BY i.manager_id, i.kind
"""


def hand_written(period, manager_ids: list[int]) -> dict[tuple, int]:  # type: ignore[no-untyped-def]
    """The same figures from two hand-written aggregates: {(manager, kind, status): n}, …"""
    from django.db import connection
    from django.utils import timezone

    figures: dict[tuple, int] = {}
    arguments = {
        "managers": manager_ids,
        "start": period.start,
        "end": period.end,
        "overdue": min(period.end, timezone.now()),
    }
    with connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN, arguments)
        for manager, kind, code, total in cursor.fetchall():
            figures[("journal", manager, kind, code or "-")] = total
        cursor.execute(HAND_WRITTEN_PLANNED, arguments)
        for manager, kind, planned, done, never in cursor.fetchall():
            figures[("planned", manager, kind)] = (planned, done, never)
    return figures


def report_figures(report, managers) -> tuple[Counter, Counter, dict]:  # type: ignore[no-untyped-def]
    """(by kind, by status, planned) per manager read back from the report's tables."""
    sections = {section.key: section for section in report.sections}
    by_kind: Counter = Counter()
    by_status: Counter = Counter()
    planned: dict = {}
    labels = {str(manager): manager.pk for manager in managers}
    from crm_project.core.datagen import KIND_WEIGHTS
    from interactions.models import Kind

    kinds = list(KIND_WEIGHTS)

    kind_order = [kind.value for kind in Kind]
    for row in sections["by_kind"].rows:
        if row.is_total:
            continue
        for index, kind in enumerate(kind_order):
            by_kind[(labels[row.label], kind)] = row.cells[index].value
    status_section = sections["by_status"]
    for row in status_section.rows:
        if row.is_total:
            continue
        for index, figure in enumerate(row.cells):
            by_status[(labels[row.label], index)] += figure.value
    for row in sections["planned"].rows:
        if row.is_total:
            continue
        values = [cell.value for cell in row.cells]
        planned[(labels[row.label], "outgoing_call")] = tuple(values[0:3])
        planned[(labels[row.label], "meeting")] = tuple(values[3:6])
    assert set(kinds) <= set(kind_order)
    return by_kind, by_status, planned


def same_numbers(report, figures: dict, managers) -> None:  # type: ignore[no-untyped-def]
    """Assert the report and the hand-written SQL agree on every figure."""
    from crm_project.core.datagen import KIND_WEIGHTS

    by_kind, by_status, planned = report_figures(report, managers)
    sql_kind: Counter = Counter()
    sql_status: Counter = Counter()
    sql_planned = {}
    # The report's status columns: the codes met, sorted (reports.builders.activity).
    codes = sorted({key[3] for key in figures if key[0] == "journal"})
    for key, value in figures.items():
        if key[0] == "journal":
            _tag, manager, kind, code = key
            sql_kind[(manager, kind)] += value
            sql_status[(manager, codes.index(code))] += value
        else:
            _tag, manager, kind = key
            sql_planned[(manager, kind)] = value
    for manager in managers:
        for kind in KIND_WEIGHTS:
            key = (manager.pk, kind)
            assert by_kind[key] == sql_kind[key], (key, by_kind[key], sql_kind[key])
        for kind in ("outgoing_call", "meeting"):
            key = (manager.pk, kind)
            assert planned[key] == sql_planned.get(key, (0, 0, 0)), (key, planned[key])
    assert +by_status == +sql_status, (by_status, sql_status)


def timed(function, runs: int) -> tuple[list[float], object]:  # type: ignore[no-untyped-def]
    function()  # warm the caches and the connection
    times = []
    result = None
    for _run in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def month_before(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def main() -> None:
    args = parse_args()
    url = database_url()
    harness.create_database(url)
    setup_django(url)
    from crm_project.accounts.models import Team
    from reports.builders import REGISTRY, Period, ReportParameters, resolve_scope
    from reports.builders.base import Scope, team_managers

    generated = None
    if args.regenerate or interactions_in_database() != args.interactions:
        print(f"generating {args.interactions:,} interactions and {args.clients:,} clients …")
        generated = generate(args.interactions, args.clients, args.seed)
        print(f"generated in {generated:.1f} s")
    team = Team.objects.get(name=TEAM_NAME)
    scope = Scope(team=team, managers=team_managers(team))
    date_from, date_to = month_before(datetime.datetime.now(tz=ZONE).date())
    period = Period(date_from, date_to, ZONE)
    activity = REGISTRY["activity"]
    assert resolve_scope  # the page resolves the same Scope from the team's managers

    report_times, report = timed(
        lambda: activity.build(period, scope, ReportParameters()), args.runs
    )
    sql_times, figures = timed(lambda: hand_written(period, scope.manager_ids), args.runs)
    same_numbers(report, figures, scope.managers)

    report_median = statistics.median(report_times)
    sql_median = statistics.median(sql_times)
    ratio = report_median / sql_median
    counted = sum(value for key, value in figures.items() if key[0] == "journal")
    lines = [
        "Monthly activity report vs hand-written SQL "
        f"({datetime.datetime.now(tz=ZONE):%Y-%m-%d %H:%M %Z})",
        f"machine: {platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}",
        f"data: {interactions_in_database():,} interactions, {args.clients:,} clients, "
        f"{len(scope.managers)} managers, {MONTHS} months"
        + (f" (generated in {generated:.0f} s)" if generated else " (reused)"),
        f"report: team '{team}', {date_from} to {date_to}, {counted:,} interactions counted",
        "",
        f"{'query':<34}{'median, ms':>12}{'min, ms':>10}{'max, ms':>10}",
        f"{'reports.builders activity':<34}{report_median * 1000:>12.1f}"
        f"{min(report_times) * 1000:>10.1f}{max(report_times) * 1000:>10.1f}",
        f"{'hand-written SQL aggregate':<34}{sql_median * 1000:>12.1f}"
        f"{min(sql_times) * 1000:>10.1f}{max(sql_times) * 1000:>10.1f}",
        "",
        f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO}x): "
        + ("PASS" if ratio <= TARGET_RATIO else "MISS"),
        f"same numbers: yes ({len(figures)} groups compared), medians of {args.runs} runs",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "report_activity.txt").write_text(text, encoding="utf-8")
    # For bench/summary.py (make bench).
    figures = {"ratio": ratio, "report_ms": report_median * 1000, "sql_ms": sql_median * 1000}
    (RESULTS / "report_activity.json").write_text(json.dumps(figures), encoding="utf-8")


if __name__ == "__main__":
    main()
