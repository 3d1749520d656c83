"""Gunicorn for the production shape (docker-compose `web`): every knob comes from the environment.

Threads, not only processes: most requests wait on PostgreSQL, and each process keeps its own
psycopg pool (DATABASE_POOL_MAX_SIZE), so size WORKERS x POOL_MAX_SIZE x hosts below
PostgreSQL's max_connections (or put PgBouncer in front of it).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# All interfaces: inside a container the published port is the only way in.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak never takes an instance down.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Only the load balancer / reverse proxy in front may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Never preload: the psycopg pool must be opened in each worker, not shared across a fork.
preload_app = False
# Heartbeat files on tmpfs: a slow container disk cannot make gunicorn kill healthy workers.
_SHARED_MEMORY = "/dev/shm"  # noqa: S108 - gunicorn's own heartbeat files, not user data
if os.path.isdir(_SHARED_MEMORY):
    worker_tmp_dir = _SHARED_MEMORY
