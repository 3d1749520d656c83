"""What the page benchmarks share: the production-shaped app under gunicorn, its environment,
the databases they may fill, percentiles, and the machine's state beside each figure.

A copy of the start-up code of bench/telephony_intake.py (which stays self-contained).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
STOP_GRACE_SECONDS = 15


def require_bench_database(url: str) -> None:
    """Loopback PostgreSQL whose name says it is a benchmark's: it is filled and may be wiped."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"{url!r} is not a PostgreSQL URL")
    if parts.hostname not in LOOPBACK_HOSTS:
        sys.exit(f"refusing the non-loopback database host {parts.hostname!r}")
    if "bench" not in parts.path:
        sys.exit("refusing a database whose name lacks 'bench': the benchmark may wipe it")


def require_loopback(name: str, url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host not in LOOPBACK_HOSTS:
        sys.exit(f"{name} must point at a loopback address, not {host or url!r}.")


def with_database(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def create_database(database_url: str) -> None:
    """CREATE DATABASE if it is missing, connected to the server's maintenance database."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(database_url: str, redis_url: str, port: int | None = None) -> dict[str, str]:
    """Production values (DEBUG off, Redis cache, the psycopg pool), throwaway secrets."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "crm_project.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        # TLS ends at the proxy in front of gunicorn in production; here nothing is in front.
        "SECURE_SSL_REDIRECT": "false",
        "TELEPHONY_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "CRM_VAR_DIR": os.environ.get("CRM_VAR_DIR") or "/tmp/crm_bench_var",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SECRET_KEY_FILE", None)
    if port:
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    # The access log costs CPU the app needs on a small machine; errors are still logged.
    env.setdefault("GUNICORN_LOG_LEVEL", "warning")
    return env


def manage(env: dict[str, str], *arguments: str, timeout: float = 1800, quiet: bool = True) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL if quiet else None,
    )


@dataclass
class Processes:
    """Child processes, each in its own process group so its own children stop with it."""

    started: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str], log: IO[bytes]) -> None:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append((name, process))

    def check_alive(self) -> None:
        for name, process in self.started:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with status {process.returncode}; see its log")

    def stop_all(self) -> None:
        for _name, process in self.started:
            self._signal(process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, process in self.started:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in {STOP_GRACE_SECONDS}s; killing it")
                self._signal(process, signal.SIGKILL)
                process.wait(timeout=5)

    @staticmethod
    def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signum)


def start_gunicorn(env: dict[str, str], processes: Processes, log_name: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = (RESULTS / log_name).open("wb")
    argv = [
        str(VENV_BIN / "gunicorn"),
        "--config",
        "gunicorn.conf.py",
        "crm_project.wsgi:application",
    ]
    processes.start("gunicorn", argv, env, log)


def wait_until_healthy(port: int, processes: Processes, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check_alive()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz/ in time")


def gunicorn_shape(env: dict[str, str]) -> tuple[int, int]:
    """Workers and threads as the repo's gunicorn.conf.py resolves them in this environment."""
    code = "import runpy; c = runpy.run_path('gunicorn.conf.py'); print(c['workers'], c['threads'])"
    output = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return int(output[0]), int(output[1])


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[position]


def interpreter() -> str:
    """The CPython the benchmark and the app it starts run on (the bench venv's base)."""
    base = getattr(sys, "_base_executable", sys.executable)
    return f"Python {platform.python_version()} ({os.path.realpath(base)})"


def cpu_check() -> str:
    """A fixed pure-Python workload, best of three: tells a slower machine or interpreter.

    The figures of two runs compare only where this one is about the same.
    """
    best = float("inf")
    for _attempt in range(3):
        started = time.process_time()
        total = 0
        for number in range(5_000_000):
            total += number
        best = min(best, time.process_time() - started)
    return f"CPU check {best * 1000:.0f} ms (5M-step Python loop, lower is faster)"


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def git_revision() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
