"""`make bench`: every benchmark of issue 8, one after the other, and one table of their figures.

Runs bench/pages.py (pages under load, page 1 against page 1000, queries at 10k and 1M),
bench/report_activity.py (the monthly report against hand-written SQL, crm_bench_reports: one
team holding the million interactions) and bench/telephony_intake.py (webhook intake, in a
database of its own so the 1M data stays as generated), each as a subprocess writing its own
table to bench/results/, then reads their figures back and prints one summary, written to
bench/results/summary.txt.

    .venv/bin/python bench/summary.py            # all three
    .venv/bin/python bench/summary.py --skip telephony
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

BENCH = harness.ROOT / "bench"
RESULTS = harness.RESULTS
PAGES_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/crm_bench"
REPORTS_DATABASE_NAME = "crm_bench_reports"
TELEPHONY_DATABASE_NAME = "crm_bench_telephony"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--skip", action="append", default=[], choices=["pages", "reports", "telephony"]
    )
    return parser.parse_args()


def run(name: str, argv: list[str], env: dict[str, str]) -> int:
    print(f"\n=== {name} ===", flush=True)
    command = [harness.PYTHON, *argv]
    return subprocess.run(command, cwd=harness.ROOT, env=env, check=False).returncode


def telephony_figures(text: str) -> dict[str, str]:
    """The figures of telephony_intake.py's table (`metric  value` lines)."""
    figures = {}
    for key, pattern in {
        "rate": r"accepted events/s at the endpoint\s+(\S+)",
        "lag_p95": r"lag to the journal, p95\s+(\S+ s)",
        "verdict": r"issue 8 target\s+.*: (met|MISSED)",
    }.items():
        match = re.search(pattern, text)
        figures[key] = match.group(1) if match else "?"
    return figures


def summary(statuses: dict[str, int]) -> str:
    rows: list[tuple[str, str, str, str]] = []
    pages_file = RESULTS / "pages.json"
    if statuses.get("pages") == 0 and pages_file.exists():
        pages = json.loads(pages_file.read_text(encoding="utf-8"))
        for key, figures in pages["pages"].items():
            p95 = figures["p95_ms"]
            capacity = figures["capacity"]
            rows.append(
                (
                    f"{key}: p95 at ~50 req/s (max req/s @p95<500)",
                    f"{p95:.0f} ms ({capacity:.0f})" if capacity else f"{p95:.0f} ms",
                    "< 150 ms",
                    "met" if p95 < 150 and not figures["errors"] else "MISSED",
                )
            )
        ratio = pages["journal_1000th_ms"] / pages["journal_first_ms"]
        rows.append(("journal page 1000 / page 1", f"{ratio:.2f}x", "<= 2x", verdict(ratio <= 2)))
        same = all(f["queries_small"] == f["queries_large"] for f in pages["pages"].values())
        rows.append(("queries per page, 10k vs 1M", "equal" if same else "differ", "equal",
                     verdict(same)))  # fmt: skip
    else:
        rows.append(("pages", failed(statuses, "pages"), "", "MISSED"))
    report_file = RESULTS / "report_activity.json"
    if statuses.get("reports") == 0 and report_file.exists():
        report = json.loads(report_file.read_text(encoding="utf-8"))
        rows.append(("monthly report / hand-written SQL", f"{report['ratio']:.2f}x", "<= 1.5x",
                     verdict(report["ratio"] <= 1.5)))  # fmt: skip
    else:
        rows.append(("monthly report", failed(statuses, "reports"), "", "MISSED"))
    telephony_file = RESULTS / "telephony_intake.txt"
    if statuses.get("telephony") == 0 and telephony_file.exists():
        figures = telephony_figures(telephony_file.read_text(encoding="utf-8"))
        rows.append(("telephony intake, events/s", figures["rate"], ">= 300", figures["verdict"]))
        rows.append(("telephony lag to the journal, p95", figures["lag_p95"], "< 5 s",
                     figures["verdict"]))  # fmt: skip
    else:
        rows.append(("telephony intake", failed(statuses, "telephony"), "", "MISSED"))
    width = max(len(row[0]) for row in rows)
    lines = [
        f"Issue 8 benchmarks, {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
        f"git {harness.git_revision()}, {os.cpu_count()} CPUs, load average now "
        f"{harness.load_average()}",
        f"{harness.interpreter()}, {harness.cpu_check()}",
        "details: bench/results/pages.txt, report_activity.txt, telephony_intake.txt",
        "",
        f"{'figure'.ljust(width)}  {'measured':>18}  {'target':>9}  verdict",
        f"{'-' * width}  {'-' * 18}  {'-' * 9}  -------",
    ]
    lines += [f"{a.ljust(width)}  {b:>18}  {c:>9}  {d}" for a, b, c, d in rows]
    return "\n".join(lines) + "\n"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def failed(statuses: dict[str, int], name: str) -> str:
    return "skipped" if name not in statuses else f"failed ({statuses[name]})"


def main() -> int:
    args = parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL") or PAGES_DATABASE_URL
    harness.require_bench_database(database_url)
    env = {**os.environ, "BENCH_DATABASE_URL": database_url}
    statuses: dict[str, int] = {}
    if "pages" not in args.skip:
        statuses["pages"] = run("pages", [str(BENCH / "pages.py")], env)
    if "reports" not in args.skip:
        # A database of its own: one team holds the whole million (the pages' has ten teams).
        reports_env = {
            **env,
            "BENCH_DATABASE_URL": harness.with_database(database_url, REPORTS_DATABASE_NAME),
        }
        statuses["reports"] = run(
            "monthly report", [str(BENCH / "report_activity.py")], reports_env
        )
    if "telephony" not in args.skip:
        telephony_env = {
            **env,
            "DATABASE_URL": harness.with_database(database_url, TELEPHONY_DATABASE_NAME),
        }
        statuses["telephony"] = run(
            "telephony intake",
            [str(BENCH / "telephony_intake.py"), "--output", str(RESULTS / "telephony_intake.txt")],
            telephony_env,
        )
    text = summary(statuses)
    print()
    print(text, end="")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.txt").write_text(text, encoding="utf-8")
    print(f"\nwritten to {RESULTS / 'summary.txt'}")
    return 0 if all(code == 0 for code in statuses.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
