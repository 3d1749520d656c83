"""Faults on demand: a private Redis to kill, real worker processes to SIGKILL, a database to cut.

Nothing here touches the shared servers: the broker is a `redis-server` started for the test on
a free port, the workers run against it, and the database faults only hit this run's test
database. Under CI (CI=true) a missing `redis-server` or PostgreSQL fails the test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import close_old_connections, connection

from crm_project.celery import app as celery_app
from tests.conftest import IN_CI, require_postgresql

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
CELERY = Path(sys.executable).with_name("celery")
# Short enough for a test to see a killed worker's task come back, see worker_settings.py.
VISIBILITY_TIMEOUT_SECONDS = 3


def wait_for(predicate: Callable[[], object], timeout: float = 20.0, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throwaway redis-server without persistence: a restart loses what was queued."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.workdir)]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_for(self.answers, timeout=10):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def queued(self, queue: str = "celery") -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(f"LLEN {queue}\r\n".encode())
            return int(sock.recv(64).strip().lstrip(b":"))


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    if not os.path.exists(REDIS_SERVER):
        message = "needs the redis-server binary to start a private broker"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def _reset_producer_pools(url: str) -> None:
    # kombu keeps one pool per broker address; dropping the app's references is enough.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url


@pytest.fixture
def app_broker(redis_server, settings) -> Iterator[RedisServer]:
    """This process (web requests, services, beat's enqueues) uses the private Redis: as broker
    and, as in production, as cache (down together with the broker)."""
    previous = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = redis_server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
        }
    }
    _reset_producer_pools(redis_server.url)
    try:
        yield redis_server
    finally:
        _reset_producer_pools(previous)


def served(browser, url: str):
    """GET `url` the way a WSGI server serves it: Django hands its connection back to the pool
    before the request (the test client skips that, to keep a test's transaction open)."""
    close_old_connections()
    try:
        return browser.get(url)
    finally:
        close_old_connections()


def database_url() -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{params['USER']}{password}@{host}:{port}/{params['NAME']}"


def admin_connection() -> psycopg.Connection:
    """A connection to the server's maintenance database, outside the test database."""
    params = connection.settings_dict
    return psycopg.connect(
        host=params.get("HOST") or "127.0.0.1",
        port=params.get("PORT") or 5432,
        user=params["USER"],
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def own_connection(transactional_db) -> Iterator[psycopg.Connection]:
    """A connection of the test's own, beside Django's, to hold locks with."""
    held = psycopg.connect(database_url(), autocommit=False)
    try:
        yield held
    finally:
        held.close()


def terminate_test_database_backends() -> int:
    """What the application sees when PostgreSQL restarts: every connection of THIS test
    database is cut (never another database's)."""
    name = connection.settings_dict["NAME"]
    with admin_connection() as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return len(rows)


@contextlib.contextmanager
def database_down() -> Iterator[None]:
    """The test database refuses connections (a server down), then comes back."""
    name = connection.settings_dict["NAME"]
    quoted = psycopg.sql.Identifier(name)
    with admin_connection() as admin:
        admin.execute(psycopg.sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(quoted))
        try:
            terminate_test_database_backends()
            yield
        finally:
            admin.execute(
                psycopg.sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(quoted)
            )


def backends_waiting_for_a_lock() -> int:
    name = connection.settings_dict["NAME"]
    with admin_connection() as admin:
        return admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [name],
        ).fetchone()[0]


class Worker:
    """`celery worker` in its own process, against the private Redis and the test database."""

    def __init__(self, broker: RedisServer, mail_dir: Path, log_dir: Path) -> None:
        self.broker = broker
        self.mail_dir = mail_dir
        self.log_dir = log_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    def environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DJANGO_SETTINGS_MODULE"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="tests.reliability.worker_settings",
            DATABASE_URL=database_url(),
            DATABASE_REPLICA_URL=database_url(),
            REDIS_URL=self.broker.url,
            CELERY_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT_SECONDS),
            RELIABILITY_MAIL_DIR=str(self.mail_dir),
            PYTHONPATH=str(BASE_DIR),
        )
        return env

    def start(self) -> Worker:
        return self.launch().wait_ready()

    def launch(self) -> Worker:
        self.log_path = self.log_dir / f"worker-{uuid.uuid4().hex[:8]}.log"
        log = self.log_path.open("wb")
        command = [str(CELERY), "-A", "crm_project", "worker", "--pool=solo"]
        command += ["--loglevel=INFO", "--without-heartbeat", "--without-gossip"]
        command += ["--without-mingle", "--hostname", f"reliability-{uuid.uuid4().hex[:8]}@%h"]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            cwd=BASE_DIR,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        return self

    def wait_ready(self) -> Worker:
        if not wait_for(lambda: b" ready." in self.log() or self.process.poll() is not None, 30):
            raise RuntimeError(f"worker did not start:\n{self.log().decode()[-3000:]}")
        if self.process.poll() is not None:
            raise RuntimeError(f"worker exited:\n{self.log().decode()[-3000:]}")
        return self

    def has_received_a_task(self) -> bool:
        return b"] received" in self.log()

    def log(self) -> bytes:
        return self.log_path.read_bytes() if self.log_path and self.log_path.exists() else b""

    def kill(self) -> None:
        """SIGKILL: no shutdown, no ack, what an OOM killer or a lost machine does."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


def sent_mail(folder: Path) -> list[str]:
    """The e-mails the worker processes wrote, one file each."""
    return [path.read_text() for path in sorted(folder.glob("*.log"))]


@pytest.fixture
def workers(transactional_db, redis_server, mail_dir, tmp_path) -> Iterator[Callable[..., Any]]:
    """start(count=1) -> a running worker process (a list of them for count > 1).

    Every one is stopped after the test, before the database is emptied (which a worker busy
    with a row would block)."""
    require_postgresql()
    started: list[Worker] = []

    def start(count: int = 1) -> Worker | list[Worker]:
        # Launched together, they start in the time of one.
        launched = [Worker(redis_server, mail_dir, tmp_path).launch() for _ in range(count)]
        started.extend(launched)
        ready = [worker.wait_ready() for worker in launched]
        return ready[0] if count == 1 else ready

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def postgresql() -> None:
    require_postgresql()
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "reliability: kills a private broker, worker processes, database connections"
    )
